from firsthand.guard.crisis import active_pauses


def crisis(request):
    """Every page of a paused workspace says so."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    return {"active_pauses": list(active_pauses(membership.workspace))}
