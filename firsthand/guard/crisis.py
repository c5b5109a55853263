"""The crisis switch: stop everything going out, in one action, and decide afterwards what happens to it."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.guard.models import Pause
from firsthand.notices.send import notify
from firsthand.publishing.models import Delivery
from firsthand.publishing.states import State
from firsthand.team import scope
from firsthand.webhooks import payloads as webhooks


class CrisisError(Exception):
    pass


def active_pauses(workspace):
    return Pause.objects.active().filter(workspace=workspace).select_related("account", "paused_by")


def paused_filter(prefix: str = "") -> Q:
    """Deliveries that must not go out now: their workspace or their account is paused."""
    open_workspace = Pause.objects.active().filter(account=None).values("workspace")
    open_account = Pause.objects.active().exclude(account=None).values("account")
    return Q(**{f"{prefix}post__workspace__in": open_workspace}) | Q(**{f"{prefix}account__in": open_account})


def pause(membership, reason: str, account=None) -> Pause:
    reason = reason.strip()
    if not reason:
        raise CrisisError("Say why publishing is paused; the team will see it.")
    if account is not None:
        scope.require(membership, account)  # pausers are never limited today; see team/scope.py
    try:
        with transaction.atomic():
            made = Pause.objects.create(
                workspace=membership.workspace, account=account, reason=reason[:500], paused_by=membership.user
            )
    except IntegrityError:
        raise CrisisError(f"{account or 'Publishing'} is already paused.") from None
    what = f"publishing for {account}" if account else "all publishing"
    record(
        "guard.paused",
        f"{membership.user} paused {what}: {reason}",
        actor=membership.user,
        workspace=membership.workspace,
        account=account.pk if account else None,
    )
    # The whole team hears it: nobody should be answering or scheduling as if nothing happened.
    people = [m.user for m in membership.workspace.memberships.select_related("user") if m.user != membership.user]
    url = reverse("guard:pause", kwargs={"slug": membership.workspace.slug})
    notify(membership.workspace, people, f"{membership.user} paused {what}: {reason}", url, kind="publishing.paused")
    webhooks.pause_event("publishing.paused", made)
    return made


def hold_due(now: datetime | None = None) -> int:
    """Move due deliveries of paused workspaces and accounts to held. Run by every worker before it claims."""
    if not Pause.objects.active().exists():
        return 0  # the usual case: a read, not a write that would take SQLite's write lock four times a second
    now = now or timezone.now()
    due = Q(state=State.SCHEDULED, due_at__lte=now) | Q(state=State.RETRYING, next_attempt_at__lte=now)
    return Delivery.objects.filter(due & paused_filter()).update(state=State.HELD, claimed_by="", claimed_until=None)


def held_summary(workspace, overdue: str, moved: int, when: datetime | None) -> str:
    """What became of the held posts, as a sentence on the workspace's clock: "2 held posts moved to Fri 4 Dec,
    09:00" (the audit log shows it as written, so it must not be raw UTC)."""
    from zoneinfo import ZoneInfo

    if overdue == "keep":
        return "the held posts stay held"
    if not moved:
        return "no post was held"
    posts = "1 held post" if moved == 1 else f"{moved} held posts"
    if overdue == "now":
        return f"{posts} sent now"
    local = when.astimezone(ZoneInfo(workspace.timezone))
    return f"{posts} moved to {local:%a} {local.day} {local:%b}, {local:%H:%M} ({workspace.timezone})"


def resume(membership, pause: Pause, *, overdue: str, when: datetime | None = None) -> int:
    """End a pause. `overdue` says what happens to held posts whose time has passed: now, at `when`, or stay held."""
    if overdue not in ("now", "at", "keep"):
        raise CrisisError("Choose what happens to the posts that were held.")
    if overdue == "at" and (when is None or when <= timezone.now()):
        raise CrisisError("Choose a time in the future for the held posts.")
    with transaction.atomic():
        closed = Pause.objects.filter(pk=pause.pk, resumed_at=None).update(
            resumed_at=timezone.now(), resumed_by=membership.user
        )
        if not closed:
            raise CrisisError("Publishing was already resumed.")
        held = Delivery.objects.filter(state=State.HELD, post__workspace=membership.workspace)
        if pause.account_id:
            held = held.filter(account_id=pause.account_id)
        # Posts still covered by another open pause stay held whatever is chosen here.
        held = held.exclude(paused_filter())
        moved = 0
        if overdue != "keep":
            target = timezone.now() if overdue == "now" else when
            moved = send_held_on(membership, held, target)
        what = f"publishing for {pause.account}" if pause.account_id else "all publishing"
        record(
            "guard.resumed",
            f"{membership.user} resumed {what}; " + held_summary(membership.workspace, overdue, moved, when),
            actor=membership.user,
            workspace=membership.workspace,
            pause=pause.pk,
            overdue=overdue,
        )
        webhooks.pause_event("publishing.resumed", pause)
    return moved


def send_held_on(membership, held, when) -> int:
    """Held posts go out again through the same check as any scheduling (publishing's send_on): the rules
    may have changed during the crisis. One the check now refuses stays held, with the reason shown."""
    from firsthand.publishing.operations import SCHEDULED, PublishingError, send_on

    by_post = {}
    for delivery in held.select_for_update().select_related("account", "post__workspace"):
        by_post.setdefault(delivery.post, []).append(delivery)
    moved = 0
    for post, deliveries in by_post.items():
        try:
            with transaction.atomic():
                outcome = send_on(
                    membership,
                    post,
                    deliveries,
                    {delivery.pk: when for delivery in deliveries},
                    action="guard.released",
                    summary=f"{membership.user} sent a held post on",
                )
        except PublishingError as refusal:
            Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(error=str(refusal))
            continue
        moved += len(deliveries) if outcome == SCHEDULED else 0
    return moved


def release_held(membership, delivery) -> str:
    """Schedule one held post again now, once nothing pauses it any more (through the same check)."""
    from firsthand.publishing.operations import PublishingError, send_on

    if Pause.objects.active().filter(Q(workspace=membership.workspace, account=None) | Q(account=delivery.account)):
        raise CrisisError("Publishing is still paused for this account.")
    with transaction.atomic():
        held = Delivery.objects.select_for_update().select_related("account", "post__workspace").get(pk=delivery.pk)
        if held.state != State.HELD:
            raise CrisisError(f"This post is not held; it is {held.get_state_display().lower()}.")
        try:
            return send_on(
                membership,
                held.post,
                [held],
                {held.pk: timezone.now()},
                action="guard.released",
                summary=f"{membership.user} sent a held post to {held.account}",
            )
        except PublishingError as refusal:
            raise CrisisError(str(refusal)) from None
