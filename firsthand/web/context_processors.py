from dataclasses import dataclass

from django.conf import settings

from firsthand.team.permissions import Capability
from firsthand.web.navigation import Place, places_for


def shell(request):
    """What the page frame needs: the current workspace, where one can go, and the other workspaces."""
    membership = getattr(request, "membership", None)
    context = {"email_configured": settings.EMAIL_CONFIGURED}
    if membership is not None:
        context["membership"] = membership
        context["workspace"] = membership.workspace
        context["places"] = places_for(membership)
        context["can_pause"] = membership.can(Capability.PAUSE)
        from firsthand.inbox.models import Conversation

        # Counted only up to BADGE_MAX, shown as "99+": an exact count of 50,000 waiting conversations would
        # cost every page 5 ms and tell nobody more.
        from firsthand.team import scope

        # Only what this member can open: a limited member's badge counts their accounts' conversations.
        waiting = Conversation.objects.filter(workspace=membership.workspace, status=Conversation.Status.OPEN)
        context["waiting_conversations"] = shared(
            membership, "waiting", lambda: badge(scope.within(membership, waiting.exclude(awaiting_since=None)))
        )
        counts = {"inbox": context["waiting_conversations"]}
        if membership.can(Capability.APPROVE):
            from firsthand.guard.approvals import waiting_posts

            counts["approvals"] = shared(membership, "approvals", lambda: badge(waiting_posts(membership.workspace)))
        # Each place with what waits there, so the sidebar, the phone's bar and its More menu show the same counts.
        context["places"] = [PlaceShown(place, counts.get(place.key, "")) for place in context["places"]]
        context["more_count"] = any(p.count for p in context["places"] if not p.on_phone_bar)
        from firsthand.notices.models import Notice

        context["unread_notices"] = badge(
            Notice.objects.filter(workspace=membership.workspace, user=request.user, read_at=None)
        )
        context["other_memberships"] = (
            request.user.memberships.select_related("workspace").exclude(pk=membership.pk).order_by("workspace__name")
        )
    return context


BADGE_MAX = 99


def shared(membership, name: str, compute):
    """`compute()` once per request for what the page frame and the page itself both show (the waiting and
    approvals badges, the crisis pauses): the membership is loaded afresh for every request, so it carries it."""
    found = membership.__dict__.setdefault("_shared", {})
    if name not in found:
        found[name] = compute()
    return found[name]


@dataclass(frozen=True)
class PlaceShown:
    """A place in the navigation with its badge ("" for nothing waiting)."""

    place: Place
    count: str

    def __getattr__(self, name):
        return getattr(self.place, name)


def badge(queryset) -> str:
    """How many, for a navigation badge: "" for none, "99+" beyond BADGE_MAX."""
    return counted(queryset[: BADGE_MAX + 1].count())


def counted(count: int) -> str:
    """A count of at most BADGE_MAX + 1 rows as a badge shows it."""
    return "" if not count else f"{BADGE_MAX}+" if count > BADGE_MAX else str(count)
