"""How fast the team answers: each wait for an answer, timed in opening hours, by person, account, network.

A wait starts with the customer's first message since our last answer (the clock
`Conversation.awaiting_since` keeps) and ends with our next answer. Timing a wait in opening hours is a
loop over days (inbox.clocks), so the worker does it once per wait (insights.Wait, rollups/waits.py) and
counts them per local day by shown minute (insights.WaitCount); the page sums those histograms over the
period's days. Conversations with an item past the worker's mark are walked live instead (their stored
waits taken back out of the sums), so the figures are exact between the worker's runs.
Percentiles are read from those per-minute counts: the nearest rank in whole minutes is the whole
minute of the nearest rank, rounding keeping the order.
"""

from django.db.models import Count, Q, Sum
from django.utils import timezone

from firsthand.inbox.clocks import business_seconds
from firsthand.inbox.models import Interaction, ResponseTargets
from firsthand.insights.conversations import messages, narrowed, share
from firsthand.insights.rollups.models import RollupMark, Wait, WaitCount
from firsthand.insights.rollups.waits import counts_basis

NOT_RECORDED = "not recorded (answered elsewhere, or has left)"


def walk(rows):
    """The waits in rows of (conversation, account, network, direction, at, author) ordered by conversation
    and time: (conversation, account, network, started, answered or None, answerer id, first?)."""
    current, since, answered_before, previous = None, None, False, None
    for conversation, account, network, direction, at, author in rows:
        if conversation != current:
            if since is not None:
                yield (*previous, since, None, None, not answered_before)
            current, since, answered_before = conversation, None, False
        previous = (conversation, account, network)
        if direction == Interaction.Direction.IN and since is None:
            since = at
        elif direction == Interaction.Direction.OUT and since is not None:
            yield (conversation, account, network, since, at, author, not answered_before)
            since, answered_before = None, True
        elif direction == Interaction.Direction.OUT:
            answered_before = True
    if since is not None:
        yield (*previous, since, None, None, not answered_before)


def live_waits(membership, period, conversations=None):
    """Waits that began in the period, walked from the raw items (of `conversations` only, when given)."""
    start, end = period.bounds()
    touched = messages(membership, period).values("conversation_id")
    if conversations is not None:
        touched = touched.filter(conversation_id__in=conversations)
    rows = (
        Interaction.objects.filter(conversation_id__in=touched)
        .order_by("conversation_id", "created_at", "pk")
        .values_list(
            "conversation_id",
            "conversation__account__handle",
            "conversation__account__network",
            "direction",
            "created_at",
            "author_id",
        )
    )
    return [wait for wait in walk(rows.iterator(chunk_size=2000)) if start <= wait[3] < end]


def percentile(counts: dict[int, int], fraction: float) -> int | None:
    """Nearest-rank percentile (the median is 0.5) of values given as {value: how many}."""
    total = sum(counts.values())
    if not total:
        return None
    rank, seen = max(1, -(-total * fraction // 1)), 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return value
    return None


def response_times(membership, period) -> dict:
    """First and next response times in opening hours, by person, account and network, and the share answered."""
    from firsthand.team.models import User

    workspace = membership.workspace
    targets = ResponseTargets.for_workspace(workspace)
    zone = timezone.get_current_timezone().key
    target = {"first": targets.first_response_minutes * 60, "next": targets.next_response_minutes * 60}
    # groups[group][key][clock] = {"minutes": {minute: count}, "within": count}
    groups = {"person": {}, "account": {}, "network": {}}
    opened = answered = 0

    def add(author, handle, network, first, minute, n, within):
        clock = "first" if first else "next"
        for group, key in (("person", author), ("account", handle), ("network", network)):
            cell = groups[group].setdefault(key, {c: {"minutes": {}, "within": 0} for c in ("first", "next")})[clock]
            cell["minutes"][minute] = cell["minutes"].get(minute, 0) + n
            cell["within"] += within

    mark = RollupMark.objects.filter(workspace=workspace, counts_basis=counts_basis(workspace, zone)).first()
    tail = None
    if mark and mark.waits_pk:
        start, end = period.bounds()
        # Conversations the worker has not seen whole yet: walked live below, their stored waits taken out.
        # Read first, on the id alone (see conversations.after_mark): other workspaces' are left out below.
        tail = set(Interaction.objects.filter(pk__gt=mark.waits_pk).values_list("conversation_id", flat=True))
        counted = WaitCount.objects.filter(workspace=workspace, day__gte=period.since, day__lte=period.until)
        groups_of = ("author_id", "account__handle", "account__network", "first", "minutes")
        rows = narrowed(membership, period, counted, "account").values(*groups_of)
        rows = [(row, 1) for row in rows.annotate(n=Sum("n"), within=Sum("within"))]
        if tail:
            within = Q(first=True, seconds__lte=target["first"]) | Q(first=False, seconds__lte=target["next"])
            stored = Wait.objects.filter(
                workspace=workspace, started__gte=start, started__lt=end, conversation_id__in=tail
            )
            stored = narrowed(membership, period, stored, "account").values(*groups_of)
            rows += [(row, -1) for row in stored.annotate(n=Count("pk"), within=Count("pk", filter=within))]
        for row, sign in rows:
            n = sign * row["n"]
            opened += n if row["first"] else 0
            if row["minutes"] is None:  # not answered yet
                continue
            answered += n if row["first"] else 0
            add(row["author_id"], row["account__handle"], row["account__network"], row["first"], row["minutes"],
                n, sign * row["within"])  # fmt: skip
    walked = live_waits(membership, period, tail) if tail is None or tail else []
    for _conversation, handle, network, started, at, author, first in walked:
        opened += first
        if at is None:
            continue
        answered += first
        seconds = business_seconds(started, at, targets, zone)
        clock = "first" if first else "next"
        add(author, handle, network, first, round(seconds / 60), 1, int(seconds <= target[clock]))
    for rows in groups.values():
        # A key whose every wait was taken back out above (its conversation is walked live and is not in
        # the period any more, or was answered by someone else) is no row, as live.
        for key in [k for k, cells in rows.items() if not any(sum(c["minutes"].values()) for c in cells.values())]:
            del rows[key]
    names = dict(User.objects.filter(pk__in=[k for k in groups["person"] if k]).values_list("pk", "name"))
    tables = {}
    for group, rows in groups.items():
        table = [
            {
                "key": names.get(key, NOT_RECORDED) if group == "person" else key,
                "by": key if group == "person" and key in names else None,
                **{f"{clock}_{k}": v for clock in ("first", "next") for k, v in summary(cells[clock]).items()},
            }
            for key, cells in rows.items()
        ]
        tables[group] = sorted(table, key=lambda row: (row["key"], row["by"] or 0))
    return {
        "tables": tables,
        "conversations": opened,
        "answered": answered,
        "answered_share": share(answered, opened),
        "targets": targets,
    }


def summary(cell: dict) -> dict:
    count = sum(cell["minutes"].values())
    return {
        "count": count,
        "median": percentile(cell["minutes"], 0.5),
        "p90": percentile(cell["minutes"], 0.9),
        "within": share(cell["within"], count),
    }
