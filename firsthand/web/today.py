"""The home page's "today": what waits for someone now, each with the link to act on it.

Read from the other apps' tables, never written; every figure is a count of rows the page it links to
lists, so a number on the home page is never one the inbox or the calendar would not show. Counts stop
at BADGE_MAX (shown "99+"), as the navigation's do: the home page opens often and a workspace's history
grows without end.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from firsthand.team import scope
from firsthand.team.permissions import Capability
from firsthand.web.context_processors import BADGE_MAX, badge, counted, shared

NEXT_POSTS = 5
ATTENTION_POSTS = 5


@dataclass
class Inbox:
    waiting: str  # "", "7" or "99+"
    oldest: str  # how long the longest-waiting customer has waited, "" with nobody waiting
    overdue: str
    complaints: str
    url: str
    complaints_url: str


@dataclass
class Today:
    inbox: Inbox
    approvals: str = ""
    approvals_url: str = ""
    attention: list = field(default_factory=list)  # deliveries failed, unconfirmed or held
    attention_more: bool = False
    next_posts: list = field(default_factory=list)
    pauses: list = field(default_factory=list)


def inbox_today(membership, now: datetime) -> Inbox:
    from firsthand.inbox.clocks import overdue, waited
    from firsthand.inbox.models import Conversation, ResponseTargets
    from firsthand.inbox.views.pages import labelled

    workspace = membership.workspace
    waiting = Conversation.objects.filter(workspace=workspace, status=Conversation.Status.OPEN).exclude(
        awaiting_since=None
    )
    waiting = scope.within(membership, waiting)  # a member limited to some accounts counts only theirs
    # The longest waiting first, the order in which they pass their targets; past BADGE_MAX it says 99+.
    # Only the two fields the clock reads: whole rows cost 20 of the page's 50 ms at a million messages.
    longest = list(waiting.order_by("awaiting_since").only("awaiting_since", "first_response_at")[: BADGE_MAX + 1])
    targets = ResponseTargets.for_workspace(workspace)
    late = sum(1 for conversation in longest if overdue(conversation, targets, workspace.timezone, now))
    url = reverse("inbox:inbox", kwargs={"slug": workspace.slug})
    return Inbox(
        # The frame's badge counts the same rows up to BADGE_MAX + 1: the list just read holds them.
        waiting=shared(membership, "waiting", lambda: counted(len(longest))),
        oldest=waited(longest[0].awaiting_since, now) if longest else "",
        overdue=counted(late),
        complaints=badge(labelled(waiting, "complaint")),
        url=url,
        complaints_url=f"{url}?label=complaint",
    )


def today_for(membership) -> Today:
    from firsthand.guard.approvals import waiting_posts
    from firsthand.guard.crisis import active_pauses
    from firsthand.publishing.models import Delivery
    from firsthand.publishing.states import State

    workspace, now = membership.workspace, timezone.now()
    pauses = shared(membership, "pauses", lambda: list(active_pauses(workspace)))
    today = Today(inbox=inbox_today(membership, now), pauses=pauses)
    if membership.can(Capability.APPROVE):
        today.approvals = shared(membership, "approvals", lambda: badge(waiting_posts(workspace)))
        today.approvals_url = reverse("guard:approvals", kwargs={"slug": workspace.slug})
    deliveries = scope.within(membership, Delivery.objects.filter(post__workspace=workspace))
    deliveries = deliveries.select_related("post", "account")
    needing = deliveries.filter(state__in=[State.FAILED, State.UNCONFIRMED, State.HELD]).order_by("-updated_at")
    attention = list(needing[: ATTENTION_POSTS + 1])
    today.attention, today.attention_more = attention[:ATTENTION_POSTS], len(attention) > ATTENTION_POSTS
    upcoming = deliveries.filter(state__in=[State.SCHEDULED, State.RETRYING], due_at__gte=now).order_by("due_at", "pk")
    today.next_posts = going_out(upcoming[: NEXT_POSTS * 4])
    return today


@dataclass
class Going:
    """A post going out at one moment, on however many accounts."""

    post: object
    due_at: datetime
    text: str
    handles: list


def going_out(deliveries) -> list[Going]:
    """One line per post and moment, its accounts together, the soonest NEXT_POSTS."""
    lines: dict[tuple, Going] = {}
    for delivery in deliveries:
        key = (delivery.post_id, delivery.due_at)
        if key not in lines:
            if len(lines) == NEXT_POSTS:
                break
            lines[key] = Going(delivery.post, delivery.due_at, delivery.text(), [])
        lines[key].handles.append(delivery.account.handle)
    return list(lines.values())
