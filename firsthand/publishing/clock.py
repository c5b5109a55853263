"""Turning the time a person picks, on their workspace's wall clock, into an exact moment.

Daylight-saving changes make some wall-clock times impossible (the hour
skipped in spring) and some ambiguous (the hour repeated in autumn). The
first is refused with a clear message; the second must be chosen.
"""

import re
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


# A time as people type it: "9", "0900", "930", "9:30", "09.30", "9h30", "9am", "9:30 pm", "21:00", "21:00:00".
# The browser's own time picker was given up for a text field because in a 12-hour locale it takes
# "0900" as 09:00 with no AM/PM, an invalid value that the form then sees as empty.
CLOCK = re.compile(r"(\d{1,2})(?:[:.h]?(\d{2}))?(?::(\d{2}))?\s*(?:([ap])\.?\s*m?\.?)?", re.IGNORECASE)
CLOCK_HELP = "Write the time like 09:00, 0900, 17:30 or 5:30 pm."


def read_clock(text: str) -> time:
    """The wall-clock time in `text`; ValueError with a sentence a person can act on when it is none."""
    typed = (text or "").strip()
    match = CLOCK.fullmatch(typed)
    if not match:
        raise ValueError(f"“{typed[:20]}” is not a time. {CLOCK_HELP}" if typed else f"Choose a time. {CLOCK_HELP}")
    hour, minute, second = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    half = (match[4] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            raise ValueError(f"“{typed[:20]}” is not a time: with am or pm the hour is 1 to 12.")
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"“{typed[:20]}” is not a time. {CLOCK_HELP}")
    return time(hour, minute, second)


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


def requested_moment(data, zone_name: str) -> datetime:
    """The moment a form asks for with `day`, `at` (as typed) and `fold` (when the time happens twice)."""
    try:
        day = date.fromisoformat(data.get("day", ""))
    except ValueError:
        raise TimeProblem("Choose a valid day.") from None
    try:
        at = read_clock(data.get("at", ""))
    except ValueError as problem:
        raise TimeProblem(str(problem)) from None
    fold = data.get("fold")
    return wall_clock_to_utc(day, at, zone_name, fold=int(fold) if fold in ("0", "1") else None)
