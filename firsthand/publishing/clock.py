"""Turning the time a person picks, on their workspace's wall clock, into an exact moment.

Daylight-saving changes make some wall-clock times impossible (the hour
skipped in spring) and some ambiguous (the hour repeated in autumn). The
first is refused with a clear message; the second must be chosen.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


class TimeProblem(ValueError):
    pass


@dataclass(frozen=True)
class Ambiguous(TimeProblem):
    """The wall-clock time happens twice; `choices` are the two moments, earlier first."""

    choices: tuple[datetime, datetime]
    message: str

    def __str__(self):
        return self.message


# The dates a post can be scheduled on. Python's dates end at years 1 and 9999, and a time zone's offset
# or a week's arithmetic near either edge overflows (OverflowError): such dates are refused in words first.
FIRST_YEAR, LAST_YEAR = 1970, 2999
OUT_OF_RANGE = f"Choose a date between the years {FIRST_YEAR} and {LAST_YEAR}."


def in_range(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def to_utc(moment: datetime) -> datetime:
    """An aware moment in UTC, refused in words when its date is outside the schedulable years."""
    if not in_range(moment.date()):
        raise TimeProblem(OUT_OF_RANGE)
    return moment.astimezone(UTC)


def describe(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%H:%M} {local.tzname()} (UTC{local:%z})"


def wall_clock_to_utc(day: date, at: time, zone_name: str, fold: int | None = None) -> datetime:
    if not in_range(day):
        raise TimeProblem(OUT_OF_RANGE)
    zone = ZoneInfo(zone_name)
    naive = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise TimeProblem(
            f"{at:%H:%M} does not exist on {day:%-d %B %Y} in {zone_name}: the clocks skip that hour. "
            "Choose another time."
        )
    if first.utcoffset() != second.utcoffset():
        if fold is None:
            early, late = first.astimezone(UTC), second.astimezone(UTC)
            raise Ambiguous(
                choices=(early, late),
                message=(
                    f"{at:%H:%M} happens twice on {day:%-d %B %Y} in {zone_name}, as the clocks go back: "
                    f"choose {describe(early, zone)} or {describe(late, zone)}."
                ),
            )
        return (second if fold else first).astimezone(UTC)
    return first.astimezone(UTC)
