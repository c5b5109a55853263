"""Keeping the waits current: every conversation with an item past the mark has its waits written again
from its raw items (so an answer to an old wait, or a message arriving late, lands where it belongs), timed
in opening hours once here instead of on every page view. Runs inside engine.refresh's transaction and
lock; the whole table is rewritten when the zone or the opening hours change (pages time live meanwhile).

The page does not read the waits one by one: at 90 days that was a GROUP BY over ~100,000 of them
(1.5–2.6 s on the loaded 2-core machine). It reads WaitCount, a histogram per local day of the waits'
shown minutes by account, answerer and clock, recounted here from the stored waits for every day a
rewritten wait began on (before or after the rewrite). Medians and percentiles from it are exactly the
ones the waits give (the page shows whole minutes, and the histogram counts per whole minute); "within
target" is counted to the second against the targets in `counts_basis`, and a change of targets counts
every day again from the stored waits (no timing again: one GROUP BY).
"""

from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from firsthand.inbox.clocks import business_seconds
from firsthand.inbox.models import Interaction, ResponseTargets
from firsthand.inbox.window import day_start
from firsthand.insights.rollups.models import Wait, WaitCount

CHUNK = 2000  # conversations rewritten per query


def basis(workspace, zone: str) -> str:
    """What a wait's opening-hours length depends on; when it changes, every wait is timed again."""
    targets = ResponseTargets.for_workspace(workspace)
    return f"{zone}|{targets.opens_at}|{targets.closes_at}|{targets.open_days}"


def counts_basis(workspace, zone: str) -> str:
    """What the histograms depend on besides the waits: their timing and the targets "within" counts against."""
    targets = ResponseTargets.for_workspace(workspace)
    return f"{basis(workspace, zone)}|{targets.first_response_minutes}|{targets.next_response_minutes}"


def refresh(mark, zone: str, batch: int) -> int:
    from firsthand.insights.responses import walk

    workspace = mark.workspace
    wanted = basis(workspace, zone)
    if mark.waits_basis != wanted:
        Wait.objects.filter(workspace=workspace).delete()
        WaitCount.objects.filter(workspace=workspace).delete()
        mark.waits_pk, mark.waits_basis = 0, wanted
    days = set()
    if mark.counts_basis != counts_basis(workspace, zone):
        # New targets (or a database from before the histograms): every day counted again from the waits.
        WaitCount.objects.filter(workspace=workspace).delete()
        days |= started_days(Wait.objects.filter(workspace=workspace))
        mark.counts_basis = counts_basis(workspace, zone)
    from firsthand.insights.rollups.engine import next_mark

    items = Interaction.objects.filter(conversation__workspace=workspace)
    upto = next_mark(mark.waits_pk, batch)
    # The id range alone, sorted out here (see engine.next_mark).
    new = Interaction.objects.filter(pk__gt=mark.waits_pk, pk__lte=upto)
    rows = new.values_list("conversation__workspace_id", "conversation_id").iterator(chunk_size=5000)
    touched = sorted({conversation for owner, conversation in rows if owner == workspace.pk})
    targets = ResponseTargets.for_workspace(workspace)
    local = timezone.get_current_timezone()
    for first in range(0, len(touched), CHUNK):
        chunk = touched[first : first + CHUNK]
        rows = (
            items.filter(conversation_id__in=chunk, pk__lte=upto)
            .order_by("conversation_id", "created_at", "pk")
            .values_list(
                "conversation_id",
                "conversation__account_id",
                "conversation__account__network",
                "direction",
                "created_at",
                "author_id",
            )
        )
        waits = []
        for conversation, account, _network, started, answered, author, is_first in walk(rows.iterator(2000)):
            seconds = business_seconds(started, answered, targets, zone) if answered else None
            waits.append(
                Wait(
                    workspace=workspace,
                    account_id=account,
                    conversation_id=conversation,
                    started=started,
                    answered=answered,
                    author_id=author,
                    first=is_first,
                    seconds=seconds,
                    minutes=None if seconds is None else round(seconds / 60),
                )
            )
        old = Wait.objects.filter(conversation_id__in=chunk)
        days |= started_days(old) | {wait.started.astimezone(local).date() for wait in waits}
        old.delete()
        Wait.objects.bulk_create(waits, batch_size=2000)
    from firsthand.insights.rollups.engine import runs

    targets_seconds = {"first": targets.first_response_minutes * 60, "next": targets.next_response_minutes * 60}
    for first, last in runs(sorted(days)):
        recount(workspace, first, last, targets_seconds)
    advanced = upto - mark.waits_pk
    mark.waits_pk = upto
    return advanced if advanced > 0 else 0


def started_days(waits) -> set:
    """The local days (in the zone the page counts in) the given waits began on."""
    return set(waits.annotate(day=TruncDate("started")).values_list("day", flat=True).distinct())


def recount(workspace, first, last, target: dict) -> None:
    """The histograms of the days first..last, counted again from the stored waits."""
    start, end = day_start(first), day_start(last + timedelta(days=1))
    within = Q(first=True, seconds__lte=target["first"]) | Q(first=False, seconds__lte=target["next"])
    rows = (
        Wait.objects.filter(workspace=workspace, started__gte=start, started__lt=end)
        .annotate(day=TruncDate("started"))
        .values("account_id", "day", "author_id", "first", "minutes")
        .annotate(n=Count("pk"), within=Count("pk", filter=within))
    )
    WaitCount.objects.filter(workspace=workspace, day__gte=first, day__lte=last).delete()
    WaitCount.objects.bulk_create(
        [WaitCount(workspace=workspace, **row) for row in rows],
        batch_size=2000,
    )
