"""Keeping the topic phrases current: each customer complaint or question with its phrases, cut once.

The topics of a period were cut from the newest 5,000 messages' text on every view that missed the cache
(0.7–1.2 s a kind at a million messages, and every arriving message is a miss): here each message is cut
once, by the worker, into a narrow row indexed by (workspace, kind, time), and a view counts stored lines.
Runs inside engine.refresh's transaction and lock with its own marks: `topics_pk` (every message up to it
has its row, or none when it is neither kind) and `topics_seen` (relabellings read up to then, less
engine.RELABEL_MARGIN). Rows are deleted and written again for every id they cover, so a repeat or a
second worker leaves the same rows.
"""

from django.utils import timezone

from firsthand.inbox.models import Interaction
from firsthand.inbox.window import kind_of
from firsthand.insights.rollups.models import TopicMessage

KINDS = ("complaint", "question")


def refresh(mark, batch: int) -> int:
    """Cut the phrases of the messages past `topics_pk`, and again of the ones whose kind a relabelling
    changed; returns how many ids it passed."""
    from firsthand.insights.rollups.engine import RELABEL_MARGIN, next_mark

    workspace_id, now = mark.workspace_id, timezone.now()
    upto = next_mark(mark.topics_pk, batch)
    # The id range alone, sorted out here (see engine.next_mark).
    ids = set(
        pk
        for pk, owner, direction in Interaction.objects.filter(pk__gt=mark.topics_pk, pk__lte=upto)
        .values_list("pk", "conversation__workspace_id", "direction")
        .iterator(chunk_size=5000)
        if owner == workspace_id and direction == Interaction.Direction.IN
    )
    if mark.topics_seen:
        ids |= changed_kind(workspace_id, mark.topics_seen - RELABEL_MARGIN, min(upto, mark.topics_pk))
    write(workspace_id, sorted(ids))
    advanced = upto - mark.topics_pk
    mark.topics_pk, mark.topics_seen = upto, now
    return max(advanced, 0)


def changed_kind(workspace_id: int, since, upto: int) -> set[int]:
    """This workspace's stored messages (ids up to `upto`) relabelled since `since` whose kind is no longer
    the one stored: only those are cut again (after a spike, most relabellings change no kind)."""
    # Their ids on the relabelling index alone first: joined to the conversations at once, SQLite walked
    # every conversation of the table (0.45 s at a million messages for seven relabelled).
    relabelled = Interaction.objects.filter(relabelled_at__gte=since, pk__lte=upto).order_by()
    ids = list(relabelled.values_list("pk", flat=True))
    kinds, stored = {}, {}
    for start in range(0, len(ids), 5000):
        part = ids[start : start + 5000]
        rows = Interaction.objects.filter(pk__in=part).values_list(
            "pk", "conversation__workspace_id", "direction", "labels"
        )
        kinds.update(
            (pk, kind_of(labels))
            for pk, owner, direction, labels in rows
            if owner == workspace_id and direction == Interaction.Direction.IN
        )
        stored.update(TopicMessage.objects.filter(interaction_id__in=part).values_list("interaction_id", "kind"))
    return {pk for pk, kind in kinds.items() if stored.get(pk) != (kind if kind in KINDS else None)}


def write(workspace_id: int, ids: list[int], chunk: int = 2000) -> None:
    from firsthand.insights.topics import phrases

    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        TopicMessage.objects.filter(interaction_id__in=part).delete()
        rows = Interaction.objects.filter(pk__in=part).values_list(
            "pk", "conversation__account_id", "created_at", "labels", "text"
        )
        kept = []
        for pk, account_id, created_at, labels, text in rows:
            kind = kind_of(labels)
            if kind in KINDS:
                kept.append(
                    TopicMessage(
                        interaction_id=pk,
                        workspace_id=workspace_id,
                        account_id=account_id,
                        kind=kind,
                        created_at=created_at,
                        phrases="\n".join(sorted(phrases(text or ""))),
                    )
                )
        TopicMessage.objects.bulk_create(kept, batch_size=1000)
