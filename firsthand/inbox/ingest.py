"""Reading interactions from every connected account: store raw first, then process, so nothing is lost or doubled.

poll(): one page from the network → RawEvent rows (unique per account and network id; a repeated or
reordered page inserts nothing new) → only then the cursor moves. A crash between the two re-reads
the page next time, and the unique key absorbs it.
process_pending(): raw events → people, conversations and items, judged in batches. Processing is
repeatable: an event that already has its item is skipped.
"""

import dataclasses
import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from firsthand.inbox.models import AccountCursor, Conversation, Interaction, Person, RawEvent
from firsthand.networks import registry
from firsthand.networks.base import NetworkError
from firsthand.networks.models import ConnectedAccount

logger = logging.getLogger("firsthand.inbox")

POLL_SECONDS = 15
CONVERSATION_KINDS = {"mention", "reply", "comment", "quote", "message"}
MAX_TEXT = 20_000
PRIORITY = {"offensive": 0, "complaint": 0, "question": 1, "negative": 2}


def payload_of(item) -> dict:
    data = dataclasses.asdict(item)
    data["created_at"] = item.created_at.isoformat()
    return data


def poll(account) -> int:
    cursor, _ = AccountCursor.objects.get_or_create(account=account)
    connector = registry.connector(account.network)
    try:
        page = connector.list_interactions(account, cursor.cursor)
    except NetworkError as error:
        if error.auth:
            account.mark_needs_reconnect(error.message)
        wait = (error.retry_at - timezone.now()).total_seconds() if error.retry_at else POLL_SECONDS * 4
        AccountCursor.objects.filter(pk=cursor.pk).update(
            error=error.message[:500], next_poll_at=timezone.now() + timedelta(seconds=max(wait, POLL_SECONDS))
        )
        return 0
    events = [
        RawEvent(account=account, remote_id=item.remote_id[:255], payload=payload_of(item)) for item in page.items
    ]
    with transaction.atomic():
        RawEvent.objects.bulk_create(events, ignore_conflicts=True)
        AccountCursor.objects.filter(pk=cursor.pk).update(
            cursor=page.cursor,
            polled_at=timezone.now(),
            error="",
            next_poll_at=timezone.now() + timedelta(seconds=0 if len(page.items) >= 100 else POLL_SECONDS),
        )
    return len(events)


def poll_due(limit: int = 20) -> int:
    """Poll the accounts whose time has come; each is claimed by moving its next poll, so workers share."""
    now = timezone.now()
    # Accounts connected since the last look get a cursor, in one query rather than one per account.
    new = ConnectedAccount.objects.connected().filter(inbox_cursor=None)
    AccountCursor.objects.bulk_create([AccountCursor(account=a) for a in new], ignore_conflicts=True)
    due = (
        AccountCursor.objects.filter(next_poll_at__lte=now, account__disconnected_at=None)
        .exclude(account__health=ConnectedAccount.Health.NEEDS_RECONNECT)
        .select_related("account")
        .order_by("next_poll_at")[:limit]
    )
    read = 0
    for cursor in due:
        claimed = AccountCursor.objects.filter(pk=cursor.pk, next_poll_at=cursor.next_poll_at).update(
            next_poll_at=now + timedelta(seconds=POLL_SECONDS)
        )
        if claimed:  # nothing updated: another worker is polling this account
            read += poll(cursor.account)
    return read


def parse(raw: RawEvent) -> dict:
    data = raw.payload if isinstance(raw.payload, dict) else {}
    kind, handle = data.get("kind"), data.get("author_handle")
    if not isinstance(kind, str) or not isinstance(handle, str) or not handle:
        raise ValueError("the network's item has no kind or no author")
    try:
        created = datetime.fromisoformat(str(data.get("created_at")))
    except ValueError:
        created = raw.received_at
    text = data.get("text") if isinstance(data.get("text"), str) else ""
    return {
        "kind": kind[:16],
        "handle": handle[:255],
        "name": str(data.get("author_name") or "")[:255],
        "text": text[:MAX_TEXT],
        "created_at": created if created.tzinfo else created.replace(tzinfo=timezone.get_current_timezone()),
        "in_reply_to": data.get("in_reply_to") if isinstance(data.get("in_reply_to"), str) else None,
    }


def labels_for(texts: list[str]) -> list[list[str]]:
    from firsthand.inbox.spam import is_spam
    from firsthand.judge.judges import triage

    labels = []
    for text, judged in zip(texts, triage(texts), strict=True):
        mine = [kind for kind in ("question", "complaint", "offensive") if judged[kind] == kind]
        if judged["sentiment"] in ("negative", "positive"):
            mine.append(judged["sentiment"])
        if is_spam(text):
            mine.append("spam")
        labels.append(mine)
    return labels


def process_pending(batch: int = 500) -> int:
    pending = list(
        RawEvent.objects.filter(processed_at=None)
        .select_related("account", "account__workspace")
        .order_by("pk")[:batch]
    )
    if not pending:
        return 0
    parsed = {}
    for raw in pending:
        try:
            parsed[raw.pk] = parse(raw)
        except ValueError as problem:
            # Kept, with the reason, for a person to look at; never silently dropped.
            RawEvent.objects.filter(pk=raw.pk).update(processed_at=timezone.now(), error=str(problem))
    talk = [raw for raw in pending if raw.pk in parsed and parsed[raw.pk]["kind"] in CONVERSATION_KINDS]
    labels = dict(zip([r.pk for r in talk], labels_for([parsed[r.pk]["text"] for r in talk]), strict=True))
    for raw in pending:
        if raw.pk in parsed:
            with transaction.atomic():
                if raw.pk in labels and not Interaction.objects.filter(raw_event=raw).exists():
                    file_item(raw, parsed[raw.pk], labels[raw.pk])
                RawEvent.objects.filter(pk=raw.pk).update(processed_at=timezone.now(), error="")
    return len(pending)


def our_post(account, remote_id):
    from firsthand.publishing.models import Delivery

    if not remote_id:
        return None
    return Delivery.objects.filter(account=account, remote_ids__icontains=f'"{remote_id}"').first()


def file_item(raw: RawEvent, item: dict, labels: list[str]) -> Interaction:
    account = raw.account
    person, _ = Person.objects.get_or_create(
        workspace=account.workspace, network=account.network, handle=item["handle"], defaults={"name": item["name"]}
    )
    post = our_post(account, item["in_reply_to"])
    if item["kind"] == "message":
        key = f"dm:{person.handle}"
    elif post is not None:
        key = f"post:{post.pk}:{person.handle}"
    else:
        key = f"public:{person.handle}"
    conversation, created = Conversation.objects.get_or_create(
        account=account,
        key=key,
        defaults={
            "workspace": account.workspace,
            "person": person,
            "kind": item["kind"],
            "post": post,
            "first_inbound_at": item["created_at"],
            "last_inbound_at": item["created_at"],
            "awaiting_since": item["created_at"],
        },
    )
    interaction = Interaction.objects.create(
        conversation=conversation,
        raw_event=raw,
        remote_id=raw.remote_id,
        direction=Interaction.Direction.IN,
        kind=item["kind"],
        author_handle=item["handle"],
        author_name=item["name"],
        text=item["text"],
        labels=labels,
        created_at=item["created_at"],
    )
    merged = sorted(set(conversation.labels) | set(labels))
    priority = min([PRIORITY.get(label, 3) for label in merged] + [3])
    # Spam stays out of the way (hidden, never deleted); anything else from the person brings it back.
    spam = "spam" in labels
    if spam and (created or conversation.status == Conversation.Status.HIDDEN):
        status, hidden_reason = Conversation.Status.HIDDEN, conversation.hidden_reason or "Looks like spam"
    else:
        status, hidden_reason = Conversation.Status.OPEN, ""
    waits = conversation.last_response_at is None or item["created_at"] > conversation.last_response_at
    awaiting = conversation.awaiting_since
    if waits:  # the clock starts at the first unanswered message, however many follow it
        awaiting = min(awaiting, item["created_at"]) if awaiting else item["created_at"]
    Conversation.objects.filter(pk=conversation.pk).update(
        labels=merged,
        priority=priority,
        status=status,
        hidden_reason=hidden_reason,
        last_inbound_at=max(conversation.last_inbound_at, item["created_at"]),
        first_inbound_at=min(conversation.first_inbound_at, item["created_at"]),
        awaiting_since=awaiting,
    )
    return interaction


_next_spike_check = 0.0


def run_once() -> int:
    import time

    from firsthand.guard.spikes import check_all
    from firsthand.inbox.clocks import tell_overdue
    from firsthand.networks.health import check_due

    global _next_spike_check
    done = poll_due() + process_pending()
    check_due()
    tell_overdue()
    if time.monotonic() >= _next_spike_check:  # once a minute is plenty for an hourly measure
        _next_spike_check = time.monotonic() + 60
        check_all()
    return done
