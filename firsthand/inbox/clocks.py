"""Response clocks: how long a customer has waited, counted in the business's own hours."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from firsthand.inbox.models import ResponseTargets
from firsthand.webhooks import payloads as webhooks


def business_seconds(
    start: datetime, end: datetime, targets: ResponseTargets, zone_name: str, enough: float | None = None
) -> float:
    """Seconds between start and end that fall inside opening hours, on the workspace's clock (DST-aware).

    With `enough`, counting stops once that much is reached: whether a customer who has waited half a
    year is past a one-hour target is clear after their first business day.
    """
    if end <= start:
        return 0.0
    zone = ZoneInfo(zone_name)
    opens = targets.opens_at if isinstance(targets.opens_at, time) else time.fromisoformat(targets.opens_at)
    closes = targets.closes_at if isinstance(targets.closes_at, time) else time.fromisoformat(targets.closes_at)
    days = {int(d) for d in targets.open_days if d.isdigit()}
    total = 0.0
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    while day <= last:
        if day.weekday() in days:
            window_start = datetime.combine(day, opens, tzinfo=zone)
            window_end = datetime.combine(day, closes, tzinfo=zone)
            overlap = min(end, window_end) - max(start, window_start)
            total += max(overlap.total_seconds(), 0.0)
            if enough is not None and total >= enough:
                return total
        day += timedelta(days=1)
    return total


def waited(since: datetime, now: datetime) -> str:
    """How long, for a clock on a phone: "4 min", "2 h 5 min", "3 days"; wall-clock time, not business hours."""
    minutes = max(int((now - since).total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days = hours // 24
    return f"{days} day{'s' if days != 1 else ''}"


def overdue(conversation, targets: ResponseTargets, zone_name: str, now: datetime | None = None) -> bool:
    waiting = conversation.waiting_since
    if waiting is None:
        return False
    answered_before = conversation.first_response_at is not None
    target = (targets.next_response_minutes if answered_before else targets.first_response_minutes) * 60
    return business_seconds(waiting, now or timezone.now(), targets, zone_name, enough=target + 1) > target


def tell_overdue(now: datetime | None = None) -> int:
    """Tell the assignee (or, with nobody assigned, the owners and managers) once a customer waits past the target."""
    from django.urls import reverse

    from firsthand.inbox.models import Conversation
    from firsthand.notices.send import notify
    from firsthand.team import scope
    from firsthand.team.permissions import Capability

    now = now or timezone.now()
    waiting = (
        Conversation.objects.filter(status=Conversation.Status.OPEN, overdue_told_at=None)
        .exclude(awaiting_since=None)
        .select_related("workspace", "person", "assignee")
        .order_by("awaiting_since")[:500]  # the longest waiting are the ones past a target, if any are
    )
    told = 0
    targets_by_workspace = {}
    for conversation in waiting:
        workspace = conversation.workspace
        if workspace.pk not in targets_by_workspace:
            targets_by_workspace[workspace.pk] = ResponseTargets.for_workspace(workspace)
        if not overdue(conversation, targets_by_workspace[workspace.pk], workspace.timezone, now):
            continue
        if not Conversation.objects.filter(pk=conversation.pk, overdue_told_at=None).update(overdue_told_at=now):
            continue  # another worker told them
        members = list(workspace.memberships.select_related("user"))
        # The assignee, unless an owner has since limited them to other accounts (they could not open it).
        assignee = next(
            (
                m.user
                for m in members
                if m.user_id == conversation.assignee_id and scope.may_use(m, conversation.account_id)
            ),
            None,
        )
        people = [assignee] if assignee else [m.user for m in members if m.can(Capability.APPROVE)]
        url = reverse("inbox:conversation", kwargs={"slug": workspace.slug, "conversation_id": conversation.pk})
        notify(
            workspace,
            people,
            f"{conversation.person} has waited past your response target.",
            url,
            kind="conversation.overdue",
        )
        webhooks.conversation_event("conversation.overdue", conversation)
        told += 1
    return told
