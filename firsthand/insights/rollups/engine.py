"""Keeping the hourly counts current: the worker's job, a few hundred milliseconds a tick.

Each run reads, per workspace, the customer messages stored since its mark (ids only grow, so a message
arriving late for an old day is new here too) and the ones relabelled lately, finds the local days they
fall on, and counts those days again from the raw rows, up to the new mark. Recounting a whole day
rather than adding to it makes a run idempotent: a crash, a repeat or a second worker leaves the same
rows. The mark's row is locked for the run (PostgreSQL: a worker finding it locked skips that workspace;
SQLite writes one at a time anyway), and the counts and the mark are written in one transaction.
A workspace whose zone changed is counted again from the start (its pages count live meanwhile).
"""

import logging
import zoneinfo
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from firsthand.inbox.models import Interaction
from firsthand.inbox.window import KINDS, day_start, has_label, of_kind
from firsthand.insights.rollups import answers, topics, waits
from firsthand.insights.rollups.models import AnswerCount, HourlyCount, RollupMark

logger = logging.getLogger("firsthand.insights")

EVERY_SECONDS = 20
BATCH = 50_000  # messages taken past the mark per workspace and run: a steady inbox never comes near it
BUILD_BATCH = 500_000  # for a first build run by hand (benchmarks, `run_once` in a shell)
# The relabelling stamps an item again when it writes new labels (inbox/relabel.py), so what a run has not
# seen is found by that time; items relabelled this long before the last run are looked at again, for a
# write that committed late and for workers whose clocks differ a little. The topic phrases use it too.
RELABEL_MARGIN = timedelta(minutes=2)


def run_once(batch: int = BATCH) -> int:
    """Bring every workspace's counts up to date; returns how many messages were newly counted."""
    from firsthand.team.models import Workspace

    counted = 0
    for workspace_id, zone in Workspace.objects.values_list("pk", "timezone"):
        try:
            counted += refresh(workspace_id, zone, batch)
        except Exception as error:
            # One workspace's failure never stops the others; its pages keep counting live, and the
            # reason is kept on its mark and shown on the Conversations page.
            logger.exception("insights counts of workspace %s failed", workspace_id)
            RollupMark.objects.update_or_create(workspace_id=workspace_id, defaults={"error": str(error)[:500]})
    return counted


def refresh(workspace_id: int, zone: str, batch: int) -> int:
    RollupMark.objects.get_or_create(workspace_id=workspace_id)
    with transaction.atomic(), timezone.override(zoneinfo.ZoneInfo(zone)):
        mark = RollupMark.objects.select_for_update(skip_locked=True).filter(workspace_id=workspace_id).first()
        if mark is None:
            return 0  # another worker is counting this workspace now
        if mark.zone != zone:
            HourlyCount.objects.filter(workspace_id=workspace_id).delete()
            AnswerCount.objects.filter(workspace_id=workspace_id).delete()
            mark.zone, mark.last_pk, mark.relabels_seen, mark.answers_pk = zone, 0, None, 0
        items = Interaction.objects.filter(conversation__workspace_id=workspace_id, direction=Interaction.Direction.IN)
        upto = next_mark(mark.last_pk, batch)
        now = timezone.now()
        days = local_days(workspace_id, Interaction.objects.filter(pk__gt=mark.last_pk, pk__lte=upto))
        if mark.relabels_seen:
            since = mark.relabels_seen - RELABEL_MARGIN
            days |= local_days(workspace_id, Interaction.objects.filter(relabelled_at__gte=since), upto)
        for first, last in runs(sorted(days)):
            recount(workspace_id, items.filter(pk__lte=upto), first, last)
        counted = upto - mark.last_pk
        mark.workspace_id = workspace_id
        counted += waits.refresh(mark, zone, batch)
        counted += answers.refresh(mark, batch)
        counted += topics.refresh(mark, batch)
        mark.last_pk, mark.relabels_seen, mark.refreshed_at, mark.error = upto, now, now, ""
        mark.save()
    return counted if counted > 0 else 0


def next_mark(after: int, batch: int) -> int:
    """The id `batch` items past `after`, or the newest. Items of every workspace and direction: on the
    id alone the database walks the primary key (with more filters, SQLite chose the direction index
    and scanned half the table)."""
    beyond = Interaction.objects.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)
    upto = beyond[batch - 1 : batch].first()
    if upto is None:
        upto = Interaction.objects.order_by("-pk").values_list("pk", flat=True).first() or after
    return max(upto, after)


def local_days(workspace_id: int, items, upto: int | None = None) -> set:
    """The local days of this workspace's customer messages among `items` (an id or relabelling range,
    read as it is and sorted out here, for the reason in next_mark; with `upto` in the query, SQLite read
    the relabelled on the primary key, the whole table)."""
    zone = timezone.get_current_timezone()
    rows = items.values_list("pk", "conversation__workspace_id", "direction", "created_at").iterator(chunk_size=5000)
    return {
        at.astimezone(zone).date()
        for pk, workspace, direction, at in rows
        if workspace == workspace_id and direction == Interaction.Direction.IN and (upto is None or pk <= upto)
    }


def runs(days: list) -> list[tuple]:
    """Consecutive days as (first, last) pairs: one query per stretch instead of one per day."""
    stretches = []
    for day in days:
        if stretches and day - stretches[-1][1] == timedelta(days=1):
            stretches[-1][1] = day
        else:
            stretches.append([day, day])
    return [tuple(stretch) for stretch in stretches]


def recount(workspace_id: int, items, first, last) -> None:
    zone = timezone.get_current_timezone()
    rows = (
        items.filter(created_at__gte=day_start(first), created_at__lt=day_start(last + timedelta(days=1)))
        .annotate(day=TruncDate("created_at", tzinfo=zone), hour=ExtractHour("created_at", tzinfo=zone))
        .values("conversation__account_id", "day", "hour")
        .annotate(
            total=Count("pk"),
            negative=Count("pk", filter=has_label("negative")),
            replies=Count("pk", filter=Q(conversation__post__isnull=False)),
            **{kind: Count("pk", filter=of_kind(kind)) for kind in KINDS},
        )
    )
    HourlyCount.objects.filter(workspace_id=workspace_id, day__gte=first, day__lte=last).delete()
    HourlyCount.objects.bulk_create(
        [
            HourlyCount(
                workspace_id=workspace_id,
                account_id=row["conversation__account_id"],
                day=row["day"],
                hour=row["hour"],
                total=row["total"],
                negative=row["negative"],
                replies=row["replies"],
                **{kind: row[kind] for kind in KINDS},
            )
            for row in rows
        ],
        batch_size=2000,
    )


def forget(workspace_ids=None) -> None:
    """Drop the rollups (of these workspaces, or all) and their marks: pages count live until the next
    runs have built them again from the raw interactions."""
    from firsthand.insights.rollups.models import AnswerCount, TopicMessage, Wait, WaitCount

    with transaction.atomic():
        for model in (HourlyCount, AnswerCount, Wait, WaitCount, TopicMessage, RollupMark):
            rows = model.objects.all()
            if workspace_ids is not None:
                rows = rows.filter(workspace_id__in=workspace_ids)
            rows.delete()


def rebuild(workspace_ids=None) -> int:
    """Build the rollups again from the start, now (the command `rebuild_insights`); returns how many ids
    the runs went past."""
    forget(workspace_ids)
    done = 0
    while True:
        counted = run_once(batch=BUILD_BATCH)
        if not counted:
            return done
        done += counted
