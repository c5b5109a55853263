"""An account's weekly queue times: replaced as a whole from the Queue times page, or one added from a suggested
best time. Owners and managers, within their accounts; audit-logged. Split from publishing/operations.py."""

from django.db import transaction

from firsthand.audit.log import record
from firsthand.publishing.operations import PublishingError
from firsthand.team import scope


def set_queue_times(membership, account, weekdays: list[int], times: list) -> None:
    """Replace an account's weekly queue times with every pair of these weekdays (Monday is 0) and times."""
    from firsthand.publishing.queue import set_slots
    from firsthand.team.access import require
    from firsthand.team.permissions import Capability

    require(membership, Capability.MANAGE_ACCOUNTS)
    _own_account(membership, account)
    if bool(weekdays) != bool(times):
        raise PublishingError("Choose both the days and the times (or neither, to empty the queue).")
    with transaction.atomic():
        set_slots(account, weekdays, times)
        record(
            "publishing.queue_times_changed",
            f"{membership.user} set the queue times of {account}",
            actor=membership.user,
            workspace=membership.workspace,
            account=account.pk,
        )


def add_queue_slot(membership, account, weekday: int, at, *, reason: str = "") -> bool:
    """Add one weekly time to an account's queue (a suggested best time, say), keeping the others.
    False when the account already posts then: nothing changes and nothing is logged."""
    from firsthand.publishing.models import QueueSlot
    from firsthand.team.access import require
    from firsthand.team.permissions import Capability

    require(membership, Capability.MANAGE_ACCOUNTS)
    _own_account(membership, account)
    if weekday not in range(7):
        raise PublishingError("A queue time falls on a weekday from Monday (0) to Sunday (6).")
    with transaction.atomic():
        _slot, added = QueueSlot.objects.get_or_create(account=account, weekday=weekday, at=at)
        if added:
            day = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[weekday]
            record(
                "publishing.queue_time_added",
                f"{membership.user} added {day}s at {at:%H:%M} to the queue of {account}"
                + (f" ({reason})" if reason else ""),
                actor=membership.user,
                workspace=membership.workspace,
                account=account.pk,
                weekday=weekday,
                at=f"{at:%H:%M}",
            )
    return added


def _own_account(membership, account) -> None:
    """A connected account of the member's workspace and within their reach, or a refusal."""
    if account.workspace_id != membership.workspace.pk or account.disconnected_at is not None:
        raise PublishingError("That account isn't connected to this workspace.")
    scope.require(membership, account)
