"""Keeping the waits current: every conversation with an item past the mark has its waits written again
from its raw items (so an answer to an old wait, or a message arriving late, lands where it belongs), timed
in opening hours once here instead of on every page view. Runs inside engine.refresh's transaction and
lock; the whole table is rewritten when the zone or the opening hours change (pages time live meanwhile).
"""

from firsthand.inbox.clocks import business_seconds
from firsthand.inbox.models import Interaction, ResponseTargets
from firsthand.insights.rollups.models import Wait

CHUNK = 2000  # conversations rewritten per query


def basis(workspace, zone: str) -> str:
    """What a wait's opening-hours length depends on; when it changes, every wait is timed again."""
    targets = ResponseTargets.for_workspace(workspace)
    return f"{zone}|{targets.opens_at}|{targets.closes_at}|{targets.open_days}"


def refresh(mark, zone: str, batch: int) -> int:
    from firsthand.insights.responses import walk

    workspace = mark.workspace
    wanted = basis(workspace, zone)
    if mark.waits_basis != wanted:
        Wait.objects.filter(workspace=workspace).delete()
        mark.waits_pk, mark.waits_basis = 0, wanted
    from firsthand.insights.rollups.engine import next_mark

    items = Interaction.objects.filter(conversation__workspace=workspace)
    upto = next_mark(mark.waits_pk, batch)
    # The id range alone, sorted out here (see engine.next_mark).
    new = Interaction.objects.filter(pk__gt=mark.waits_pk, pk__lte=upto)
    rows = new.values_list("conversation__workspace_id", "conversation_id").iterator(chunk_size=5000)
    touched = sorted({conversation for owner, conversation in rows if owner == workspace.pk})
    targets = ResponseTargets.for_workspace(workspace)
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
        Wait.objects.filter(conversation_id__in=chunk).delete()
        Wait.objects.bulk_create(waits, batch_size=2000)
    advanced = upto - mark.waits_pk
    mark.waits_pk = upto
    return advanced if advanced > 0 else 0
