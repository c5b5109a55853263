from firsthand.guard.crisis import active_pauses


def crisis(request):
    """Every page of a paused workspace says so."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    from firsthand.web.context_processors import shared

    return {"active_pauses": shared(membership, "pauses", lambda: list(active_pauses(membership.workspace)))}
