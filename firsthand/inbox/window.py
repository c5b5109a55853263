"""Which messages a figure in Insights counted, as inbox filters: a date range, a network, a kind, the local
weekday and hour they were written (a heatmap cell), or the teammate who answered (a person's row).

A bar in "messages per day by kind" counts customers' messages; the inbox lists conversations. So the
inbox's `since`/`until`/`kind` filters keep the conversations holding at least one customer message
of that kind written in that range, on the workspace's clock (dates inclusive), which are exactly the
conversations of the messages behind the figure.

With `by`, the conversations are those holding an answer written by that teammate in the range (and,
if a kind, weekday or hour is asked too, a customer's message matching those).

A message's kind is one of four, decided once here so a message is counted in one bar only: a complaint
(even when it also asks something), else a question, else praise (positive sentiment), else other.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay
from django.utils import timezone

KINDS = ["complaint", "question", "praise", "other"]
WEEKDAY_NAMES = ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"]
KIND_NAMES = {"complaint": "Complaints", "question": "Questions", "praise": "Praise", "other": "Other"}
LONGEST_RANGE = timedelta(days=3660)  # ten years: further back than any shop's history, and no overflow


def has_label(label: str, field: str = "labels") -> Q:
    """An item (or conversation) whose JSON labels hold `label`: PostgreSQL's containment, SQLite's
    JSON text, where the quotes keep "negative" from matching "not negative" (see pages.labelled)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [label]})
    return Q(**{f"{field}__icontains": f'"{label}"'})


def of_kind(kind: str, field: str = "labels") -> Q:
    complaint, question, positive = (has_label(label, field) for label in ("complaint", "question", "positive"))
    return {
        "complaint": complaint,
        "question": question & ~complaint,
        "praise": positive & ~question & ~complaint,
        "other": ~positive & ~question & ~complaint,
    }[kind]


def kind_of(labels) -> str:
    """`of_kind` for one item's labels read into Python: the kind whose filter would keep it."""
    found = {label for label in labels if isinstance(label, str)} if isinstance(labels, list) else set()
    if "complaint" in found:
        return "complaint"
    if "question" in found:
        return "question"
    return "praise" if "positive" in found else "other"


def a_date(value) -> date | None:
    """A YYYY-MM-DD date, or None for anything else (never an exception: these come from addresses)."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def a_number(value, lowest: int, highest: int) -> int | None:
    """A whole number from an address within [lowest, highest], or None."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()) or len(value) > 2:
        return None
    return int(value) if lowest <= int(value) <= highest else None


def day_start(day: date) -> datetime:
    """Midnight of `day` on the current (the workspace's) clock; on a DST day the zone's own offset."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


@dataclass(frozen=True)
class Window:
    since: date | None = None
    until: date | None = None
    kind: str = ""
    by: int | None = None  # the teammate who answered
    weekday: int | None = None  # ISO, Monday is 1, on the workspace's clock
    hour: int | None = None  # 0–23 on the workspace's clock

    @classmethod
    def from_params(cls, params) -> "Window":
        from firsthand.web.params import an_id

        since, until = a_date(params.get("since")), a_date(params.get("until"))
        if since and until and since > until:
            since, until = until, since  # typed the other way round: the same days are meant
        kind = params.get("kind", "")
        return cls(
            since,
            until,
            kind if kind in KINDS else "",
            by=an_id(params.get("by", "")),
            weekday=a_number(params.get("weekday", ""), 1, 7),
            hour=a_number(params.get("hour", ""), 0, 23),
        )

    def __bool__(self):
        return bool(self.since or self.until or self.kind or self.by or self.weekday or self.hour is not None)

    def dated(self, interactions):
        start, end = self.bounds()
        if start:
            interactions = interactions.filter(created_at__gte=start)
        if end:
            interactions = interactions.filter(created_at__lt=end)
        return interactions

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """[start, end) in UTC-aware datetimes; the end is the next local midnight, 23 or 25 hours on DST days."""
        start = day_start(self.since) if self.since and self.since.year > 1 else None
        end = day_start(self.until + timedelta(days=1)) if self.until and self.until.year < 9999 else None
        return start, end

    def items(self, interactions):
        """Customer messages within this window."""
        from firsthand.inbox.models import Interaction

        interactions = self.dated(interactions.filter(direction=Interaction.Direction.IN))
        if self.kind:
            interactions = interactions.filter(of_kind(self.kind))
        zone = timezone.get_current_timezone()
        if self.weekday:
            interactions = interactions.annotate(local_weekday=ExtractIsoWeekDay("created_at", tzinfo=zone)).filter(
                local_weekday=self.weekday
            )
        if self.hour is not None:
            interactions = interactions.annotate(local_hour=ExtractHour("created_at", tzinfo=zone)).filter(
                local_hour=self.hour
            )
        return interactions

    def conversations(self, conversations):
        """The conversations holding at least one such message. Only asked when the window is set, so the
        plain inbox pays nothing for it."""
        from firsthand.inbox.models import Interaction

        if not self:
            return conversations
        if self.by:
            answers = Interaction.objects.filter(
                conversation=OuterRef("pk"), direction=Interaction.Direction.OUT, author_id=self.by
            )
            conversations = conversations.filter(Exists(self.dated(answers)))
            if not (self.kind or self.weekday or self.hour is not None):
                return conversations
        inside = self.items(Interaction.objects.filter(conversation=OuterRef("pk")))
        return conversations.filter(Exists(inside))

    def describe(self, workspace=None) -> str:
        """What the chip above the inbox says, so the reason for a short list is in sight."""
        kind = KIND_NAMES[self.kind].lower() if self.kind else "messages"
        when = self.when()
        if self.weekday:
            when += f", on {WEEKDAY_NAMES[self.weekday - 1]}"
        if self.hour is not None:
            when += f", {self.hour:02d}:00–{self.hour:02d}:59"
        if self.by:
            return f"Answered by {self.answerer(workspace)} {when}" + (
                f", with customer {kind}" if self.kind or self.weekday or self.hour is not None else ""
            )
        return f"Customer {kind} {when}"

    def answerer(self, workspace) -> str:
        """The teammate's name, looked up among the workspace's own people only: an id from an address
        must not tell the name of someone elsewhere."""
        from firsthand.team.models import User

        found = User.objects.filter(pk=self.by, memberships__workspace=workspace).values_list("name", flat=True)
        return next(iter(found), "") or "someone who has left the team"

    def when(self) -> str:
        if self.since and self.until:
            when = (
                f"on {self.since:%-d %b %Y}"
                if self.since == self.until
                else f"from {self.since:%-d %b} to {self.until:%-d %b %Y}"
            )
        elif self.since:
            when = f"since {self.since:%-d %b %Y}"
        elif self.until:
            when = f"until {self.until:%-d %b %Y}"
        else:
            when = "at any time"
        return when
