"""The accurate judgements follow the fast ones: every incoming message is relabelled in the background.

Filing judges each message with the light heads (thousands a second, so a spike of 100,000 files in
under a minute); those labels put it in the inbox at once. The worker then reads the newest messages
not yet relabelled and judges them again with the accurate configuration (the sentence encoder and the
fine-tuned offensive model, about 8 ms a message on one core), replaces their labels, and works their
conversations' labels and priority out again from all their messages, so the order of the inbox and
the spike alert (which counts complaint labels) follow. Newest first: what came in a moment ago is
relabelled within seconds however long the backlog of a spike; the backlog is shown, never silent.

Runs in any number of workers: each batch is claimed by setting relabelled_at only where it is still
empty, and a message another worker claimed first is simply skipped.
"""

import logging

from django.db import transaction
from django.utils import timezone

from firsthand.inbox.bulk import fetch_rows
from firsthand.inbox.models import Conversation, Interaction

logger = logging.getLogger(__name__)
BATCH = 64
# Labels filing gives that the judgements do not: kept as they were.
KEPT = ("spam",)
JUDGED = ("question", "complaint", "offensive", "negative", "positive")


def waiting(workspace=None, limit: int | None = None, membership=None) -> int:
    """How many customer messages still wait for the accurate judgements (counted up to `limit`), of the
    accounts `membership` may see when given."""
    items = Interaction.objects.filter(relabelled_at=None, direction=Interaction.Direction.IN)
    if workspace is not None:
        items = items.filter(conversation__workspace=workspace)
    if membership is not None:
        from firsthand.team import scope

        items = scope.within(membership, items, "conversation__account")
    return items[:limit].count() if limit else items.count()


def labels_of(judged: dict, before: list[str]) -> list[str]:
    mine = [kind for kind in ("question", "complaint", "offensive") if judged[kind] == kind]
    if judged["sentiment"] in ("negative", "positive"):
        mine.append(judged["sentiment"])
    return sorted(set(mine) | {label for label in before if label in KEPT or label not in JUDGED})


def relabel_some(batch: int = BATCH) -> int:
    """Relabel up to `batch` of the newest messages still waiting; the number relabelled."""
    from firsthand.inbox.filing import PRIORITY
    from firsthand.judge.judges import triage

    candidates = list(
        fetch_rows(
            Interaction.objects.filter(relabelled_at=None, direction=Interaction.Direction.IN).order_by("-id")[:batch],
            ["id", "text", "labels", "conversation_id"],
        )
    )
    if not candidates:
        return 0
    now = timezone.now()
    ids = [row[0] for row in candidates]
    with transaction.atomic():
        # Claimed by this worker only where nobody has relabelled it since it was read.
        claimed = Interaction.objects.filter(id__in=ids, relabelled_at=None).update(relabelled_at=now)
        if not claimed:
            return 0  # Nothing updated: another worker got there first.
        mine = set(Interaction.objects.filter(id__in=ids, relabelled_at=now).values_list("id", flat=True))
    rows = [row for row in candidates if row[0] in mine]
    judged = triage([text or "" for _, text, _, _ in rows], accurate=True)
    changed = {}
    for (pk, _, before, conversation_id), labels in zip(rows, judged, strict=True):
        new = labels_of(labels, before or [])
        if new != sorted(before or []):
            changed[pk] = (new, conversation_id)
    if changed:
        with transaction.atomic():
            items = Interaction.objects.in_bulk(list(changed))
            # Stamped again as the new labels are written, so what counts kinds (insights' topic phrases)
            # finds a change by its time without a margin as long as a judgement can take.
            written = timezone.now()
            for pk, (labels, _) in changed.items():
                items[pk].labels, items[pk].relabelled_at = labels, written
            Interaction.objects.bulk_update(list(items.values()), ["labels", "relabelled_at"])
            regroup({conversation_id for _, conversation_id in changed.values()}, PRIORITY)
    return len(rows)


def regroup(conversation_ids: set[int], priority: dict) -> None:
    """A conversation's labels are the union of its customer's messages' labels; its priority follows them."""
    union: dict[int, set] = {pk: set() for pk in conversation_ids}
    inbound = Interaction.objects.filter(conversation_id__in=conversation_ids, direction=Interaction.Direction.IN)
    for conversation_id, labels in inbound.values_list("conversation_id", "labels"):
        union[conversation_id] |= set(labels or [])
    conversations = Conversation.objects.in_bulk(list(conversation_ids))
    for pk, conversation in conversations.items():
        conversation.labels = sorted(union[pk])
        conversation.priority = min([priority.get(label, 3) for label in union[pk]] + [3])
    Conversation.objects.bulk_update(list(conversations.values()), ["labels", "priority"])
