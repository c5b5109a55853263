"""The queue: an account's weekly posting times, and the next one that is still free."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from firsthand.publishing.clock import Ambiguous, TimeProblem, read_clock, wall_clock_to_utc
from firsthand.publishing.models import Delivery, QueueSlot
from firsthand.publishing.states import State

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
LOOK_AHEAD_WEEKS = 26


def parse_times(text: str) -> list[time]:
    """'9:00, 12:30 5pm' → [09:00, 12:30, 17:00]; raises ValueError naming the bad part."""
    times = []
    for piece in text.replace(",", " ").split():
        try:
            times.append(read_clock(piece))
        except ValueError:
            raise ValueError(f"“{piece[:20]}” is not a time; write times like 09:00, 1730 or 5pm.") from None
    return sorted(set(times))


def set_slots(account, weekdays: list[int], times: list[time]) -> None:
    QueueSlot.objects.filter(account=account).delete()
    QueueSlot.objects.bulk_create([QueueSlot(account=account, weekday=d, at=t) for d in weekdays for t in times])


def next_free_slot(account, zone_name: str, after: datetime | None = None):
    """The first weekly slot after `after` (now) when this account has nothing scheduled."""
    slots = list(QueueSlot.objects.filter(account=account))
    if not slots:
        return None
    after = after or timezone.now()
    taken = set(
        Delivery.objects.filter(
            account=account, state__in=[State.SCHEDULED, State.RETRYING], due_at__gte=after
        ).values_list("due_at", flat=True)
    )
    zone = ZoneInfo(zone_name)
    start = after.astimezone(zone).date()
    for offset in range(LOOK_AHEAD_WEEKS * 7):
        day = start + timedelta(days=offset)
        for slot in (s for s in slots if s.weekday == day.weekday()):
            try:
                moment = wall_clock_to_utc(day, slot.at, zone_name)
            except Ambiguous as twice:
                moment = twice.choices[0]  # the first of the two, as people expect
            except TimeProblem:
                continue  # the clocks skip this slot today
            if moment > after and moment not in taken:
                return moment
    return None
