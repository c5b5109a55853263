"""The Conversations figures: pure queries over the inbox's own interactions, for a member and a Period.

Every figure counts customers' messages (or the conversations they open) through `scope.within`, so a
member limited to some accounts sees only theirs, and through `inbox.window`, so the inbox, asked with
the same filters, lists exactly the conversations behind it.

Counting happens in the database (GROUP BY with conditional counts), one query per figure. Messages per
day and the heatmap sum the worker's hourly counts (insights/rollups) up to their mark and count the
messages past it live, and "who answered" sums the daily answer counts the same way; response times are
in responses.py; topics count the phrases the worker cut from each complaint and question once, and cut
only the messages past its mark (topics.py).
"""

from datetime import timedelta

from django.db.models import Count, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate
from django.utils import timezone

from firsthand.inbox.models import Conversation, Interaction
from firsthand.inbox.window import KINDS, has_label, of_kind
from firsthand.insights.rollups.models import AnswerCount, HourlyCount, RollupMark
from firsthand.networks.models import ConnectedAccount
from firsthand.team import scope

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def narrowed(membership, period, rows, account_field: str):
    rows = scope.within(membership, rows, account_field)
    if period.account:
        rows = rows.filter(**{account_field: period.account})
    if period.network:
        rows = rows.filter(**{f"{account_field}__network": period.network})
    return rows


def messages(membership, period):
    """Customers' messages written in the period, on the accounts asked for and within the member's reach."""
    start, end = period.bounds()
    items = Interaction.objects.filter(
        conversation__workspace=membership.workspace,
        direction=Interaction.Direction.IN,
        created_at__gte=start,
        created_at__lt=end,
    )
    return narrowed(membership, period, items, "conversation__account")


def counted_up_to(membership) -> int:
    """The id up to which the hourly counts hold every customer message of the workspace, in the zone the
    page counts in; 0 when they are not there (not built yet, or built in another zone)."""
    zone = timezone.get_current_timezone().key
    mark = RollupMark.objects.filter(workspace=membership.workspace, zone=zone).values_list("last_pk", flat=True)
    return next(iter(mark), 0)


def counts_error(membership) -> str:
    """Why the worker's last attempt at the counts failed, if it did (the page says so)."""
    return next(iter(RollupMark.objects.filter(workspace=membership.workspace).values_list("error", flat=True)), "")


TAIL_MOST = 20_000  # more messages than this past the mark: the worker is far behind, scan the period


def after_mark(membership, period, mark: int):
    """The period's customer messages past the counts' mark. Their ids are read first, on the primary key
    alone: with the period's filters too, SQLite chose the (direction, created_at) index and walked the
    whole period to find the few new ones."""
    items = messages(membership, period)
    if not mark:
        return items
    ids = list(Interaction.objects.filter(pk__gt=mark).values_list("pk", flat=True)[: TAIL_MOST + 1])
    return items.filter(pk__gt=mark) if len(ids) > TAIL_MOST else items.filter(pk__in=ids)


def rolled(membership, period):
    """The hourly counts of the period's days, narrowed as the messages are."""
    counts = HourlyCount.objects.filter(workspace=membership.workspace, day__gte=period.since, day__lte=period.until)
    return narrowed(membership, period, counts, "account")


def per_day(membership, period) -> list[dict]:
    """Messages per local day by kind, every day of the period listed (a quiet day is a zero, not a gap):
    the worker's hourly counts up to their mark, and the messages after it counted live."""
    zone = timezone.get_current_timezone()
    keys = ["total", "negative", *KINDS]
    mark = counted_up_to(membership)
    by_day = {}
    if mark:
        for row in rolled(membership, period).values("day").annotate(**{key: Sum(key) for key in keys}):
            by_day[row["day"]] = row
    counts = {kind: Count("pk", filter=of_kind(kind)) for kind in KINDS}
    live = (
        after_mark(membership, period, mark)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day")
        .annotate(total=Count("pk"), negative=Count("pk", filter=has_label("negative")), **counts)
    )
    for row in live:
        day = by_day.setdefault(row["day"], dict.fromkeys(keys, 0))
        for key in keys:
            day[key] += row[key]
    empty = dict.fromkeys(keys, 0)
    days = []
    for day in period.days:
        row = {**empty, **by_day.get(day, {}), "day": day}
        row["complaint_share"] = share(row["complaint"], row["total"])
        row["negative_share"] = share(row["negative"], row["total"])
        days.append(row)
    return days


def weekly(days: list[dict]) -> list[dict]:
    """The per-day rows summed by week (weeks start on Monday; the period's first and last may be partial),
    with the share of complaints and of negative messages: the trend a day's noise hides."""
    weeks = {}
    for day in days:
        monday = day["day"] - timedelta(days=day["day"].weekday())
        week = weeks.setdefault(
            monday, {"week": monday, "first": day["day"], "total": 0, "complaint": 0, "negative": 0}
        )
        week["last"] = day["day"]
        for key in ("total", "complaint", "negative"):
            week[key] += day[key]
    for week in weeks.values():
        week["complaint_share"] = share(week["complaint"], week["total"])
        week["negative_share"] = share(week["negative"], week["total"])
    return list(weeks.values())


def share(part: int, whole: int) -> int | None:
    """A whole percentage, or None when there is nothing to divide (shown as a dash, never 0%)."""
    return round(100 * part / whole) if whole else None


def totals(days: list[dict]) -> dict:
    return {key: sum(day[key] for day in days) for key in ["total", "negative", *KINDS]}


def hours(membership, period) -> list[list[int]]:
    """Messages by local weekday (rows, Monday first) and hour (columns). Each message is counted once,
    in the local hour it was written: on the night clocks go back, 01:00–02:00 holds both of its hours."""
    zone = timezone.get_current_timezone()
    grid = [[0] * 24 for _ in WEEKDAYS]
    mark = counted_up_to(membership)
    if mark:
        for row in rolled(membership, period).values("day", "hour").annotate(n=Sum("total")):
            grid[row["day"].weekday()][row["hour"]] += row["n"]
    rows = (
        after_mark(membership, period, mark)
        .annotate(weekday=ExtractIsoWeekDay("created_at", tzinfo=zone), hour=ExtractHour("created_at", tzinfo=zone))
        .values("weekday", "hour")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        grid[row["weekday"] - 1][row["hour"]] += row["n"]
    return grid


def waiting_longest(membership, period, limit: int = 5):
    """Open conversations waiting for an answer now, the longest first (the inbox's waiting index)."""
    waiting = Conversation.objects.filter(
        workspace=membership.workspace, status=Conversation.Status.OPEN, awaiting_since__isnull=False
    )
    waiting = narrowed(membership, period, waiting, "account")
    return list(waiting.select_related("person", "account").order_by("awaiting_since")[:limit])


def answered_up_to(membership) -> int:
    """The id up to which the answer counts hold every answer of the workspace, on days in the page's
    zone; 0 when they are not there."""
    zone = timezone.get_current_timezone().key
    mark = RollupMark.objects.filter(workspace=membership.workspace, zone=zone).values_list("answers_pk", flat=True)
    return next(iter(mark), 0)


def who_speaks(membership, period) -> dict:
    """Answers sent in the period by person and account, the owners' share, and approvals by approver:
    the worker's daily answer counts up to their mark, and the answers after it counted live."""
    from firsthand.team.models import User
    from firsthand.team.permissions import Role

    start, end = period.bounds()
    answers = Interaction.objects.filter(
        conversation__workspace=membership.workspace,
        direction=Interaction.Direction.OUT,
        created_at__gte=start,
        created_at__lt=end,
    )
    answers = narrowed(membership, period, answers, "conversation__account")
    mark = answered_up_to(membership)
    # (author, account) -> answers; approver -> answers
    people, approvers = {}, {}
    if mark:
        counted = AnswerCount.objects.filter(
            workspace=membership.workspace, day__gte=period.since, day__lte=period.until
        )
        rows = narrowed(membership, period, counted, "account").values("author_id", "account_id", "approver_id")
        rows = rows.annotate(n=Sum("n")).values_list("author_id", "account_id", "approver_id", "n")
        ids = list(Interaction.objects.filter(pk__gt=mark).values_list("pk", flat=True)[: TAIL_MOST + 1])
        answers = answers.filter(pk__gt=mark) if len(ids) > TAIL_MOST else answers.filter(pk__in=ids)
    else:
        rows = []
    live = answers.values("author_id", "conversation__account_id", "approved_by_id").annotate(n=Count("pk"))
    for author, account, approver, n in [*rows, *live.values_list(
        "author_id", "conversation__account_id", "approved_by_id", "n"
    )]:  # fmt: skip
        people[author, account] = people.get((author, account), 0) + n
        if approver is not None:
            approvers[approver] = approvers.get(approver, 0) + n
    names = dict(User.objects.filter(pk__in={a for a, _ in people} | set(approvers)).values_list("pk", "name"))
    handles = dict(scope.within(
        membership, ConnectedAccount.objects.filter(workspace=membership.workspace), "pk"
    ).values_list("pk", "handle"))  # fmt: skip
    by_person = [
        {
            "author_id": author,
            "author__name": names.get(author),
            "conversation__account_id": account,
            "conversation__account__handle": handles.get(account, ""),
            "answers": n,
        }
        for (author, account), n in people.items()
        if n
    ]
    by_person.sort(key=lambda row: (-row["answers"], row["author__name"] is None, row["author__name"] or ""))
    approvals = [{"approved_by__name": names.get(pk), "n": n} for pk, n in approvers.items() if n]
    approvals.sort(key=lambda row: -row["n"])
    owners = set(membership.workspace.memberships.filter(role=Role.OWNER).values_list("user_id", flat=True))
    total = sum(people.values())
    by_owners = sum(n for (author, _account), n in people.items() if author in owners)
    return {
        "by_person": by_person,
        "approvals": approvals,
        "total": total,
        "owner_share": share(by_owners, total),
    }
