"""Keeping the answer counts current: our answers per account, local day, author and approver.

"Who answered" at 90 days was a GROUP BY over every answer of the period (~50,000 at a million messages:
2.5–4.5 s on the loaded 2-core machine); summed from these rows it reads a few thousand. Runs inside
engine.refresh's transaction and lock, with its own mark (`answers_pk`) so a database whose hourly counts
were built before these existed fills them from the start. Like the hourly counts, a run recounts whole
days from the raw answers, so a repeat or a second worker leaves the same rows.
"""

from datetime import timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from firsthand.inbox.models import Interaction
from firsthand.inbox.window import day_start
from firsthand.insights.rollups.models import AnswerCount


def refresh(mark, batch: int) -> int:
    """Count the days of answers stored past `answers_pk`, up to the next mark; returns how many ids it passed."""
    from firsthand.insights.rollups.engine import next_mark, runs

    workspace_id = mark.workspace_id
    upto = next_mark(mark.answers_pk, batch)
    zone = timezone.get_current_timezone()
    # The id range alone, sorted out here (see engine.next_mark).
    rows = (
        Interaction.objects.filter(pk__gt=mark.answers_pk, pk__lte=upto)
        .values_list("conversation__workspace_id", "direction", "created_at")
        .iterator(chunk_size=5000)
    )
    days = {
        at.astimezone(zone).date()
        for owner, direction, at in rows
        if owner == workspace_id and direction == Interaction.Direction.OUT
    }
    answers = Interaction.objects.filter(
        conversation__workspace_id=workspace_id, direction=Interaction.Direction.OUT, pk__lte=upto
    )
    for first, last in runs(sorted(days)):
        recount(workspace_id, answers, first, last)
    advanced = upto - mark.answers_pk
    mark.answers_pk = upto
    return max(advanced, 0)


def recount(workspace_id: int, answers, first, last) -> None:
    zone = timezone.get_current_timezone()
    rows = (
        answers.filter(created_at__gte=day_start(first), created_at__lt=day_start(last + timedelta(days=1)))
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("conversation__account_id", "day", "author_id", "approved_by_id")
        .annotate(n=Count("pk"))
    )
    AnswerCount.objects.filter(workspace_id=workspace_id, day__gte=first, day__lte=last).delete()
    AnswerCount.objects.bulk_create(
        [
            AnswerCount(
                workspace_id=workspace_id,
                account_id=row["conversation__account_id"],
                day=row["day"],
                author_id=row["author_id"],
                approver_id=row["approved_by_id"],
                n=row["n"],
            )
            for row in rows
        ],
        batch_size=2000,
    )
