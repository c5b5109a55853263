"""Reading interactions from every connected account: store raw first, then process, so nothing is lost or doubled.

poll(): one page from the network → RawEvent rows (unique per account and network id; a repeated or
reordered page inserts nothing new) → only then the cursor moves. A crash between the two re-reads
the page next time, and the unique key absorbs it.
watch_due(): the same for replies to each post published in the last FIRSTHAND_WATCH_HOURS, on networks
that tell of comments only post by post (a scheduled post is never forgotten).
process_pending(): raw events → people, conversations and items, judged in batches. Processing is
repeatable: an event that already has its item is skipped.
"""

import dataclasses
import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from firsthand.inbox.bulk import insert_objects, update_rows
from firsthand.inbox.models import AccountCursor, Conversation, Interaction, Person, PostWatch, RawEvent
from firsthand.networks import registry
from firsthand.networks.base import NetworkError
from firsthand.networks.models import ConnectedAccount

logger = logging.getLogger("firsthand.inbox")

POLL_SECONDS = 15
WATCH_SECONDS = 60  # each watched post is asked once a minute: networks count these calls per post
CONVERSATION_KINDS = {"mention", "reply", "comment", "quote", "message"}
MAX_TEXT = 20_000
PRIORITY = {"offensive": 0, "complaint": 0, "question": 1, "negative": 2}


def payload_of(item) -> dict:
    # A shallow copy: asdict() deep-copies the network's raw payload, which nothing changes afterwards.
    data = {field.name: getattr(item, field.name) for field in dataclasses.fields(item)}
    data["created_at"] = item.created_at.isoformat()
    return data


def poll(account) -> int:
    cursor, _ = AccountCursor.objects.get_or_create(account=account)
    connector = registry.connector(account.network)
    return read_page(
        account, AccountCursor.objects.filter(pk=cursor.pk), POLL_SECONDS, connector.list_interactions, cursor.cursor
    )


def read_page(account, place, every: int, read, *args) -> int:
    """Read one page with read(account, *args), store it raw, and only then move the cursor kept at
    `place` (a queryset of the one row holding it) and set when to look again."""
    try:
        page = read(account, *args)
    except NetworkError as error:
        if error.auth:
            account.mark_needs_reconnect(error.message)
        wait = (error.retry_at - timezone.now()).total_seconds() if error.retry_at else every * 4
        place.update(error=error.message[:500], next_poll_at=timezone.now() + timedelta(seconds=max(wait, every)))
        return 0
    events = [
        RawEvent(account=account, remote_id=item.remote_id[:255], payload=payload_of(item)) for item in page.items
    ]
    extra = {"limitation": page.limitation[:500]} if place.model is AccountCursor else {}
    with transaction.atomic():
        insert_objects(RawEvent, events, ignore_conflicts=True)
        place.update(
            cursor=page.cursor,
            polled_at=timezone.now(),
            error="",
            next_poll_at=timezone.now() + timedelta(seconds=0 if len(page.items) >= 100 else every),
            **extra,
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


def watch_due(limit: int = 50) -> int:
    """Read replies to posts published in the watch window, on networks that only tell post by post."""
    from django.conf import settings

    from firsthand.publishing.models import Delivery
    from firsthand.publishing.states import State

    now = timezone.now()
    since = now - timedelta(hours=settings.WATCH_HOURS)
    recent = Delivery.objects.filter(
        state=State.PUBLISHED, published_at__gte=since, watch=None, account__disconnected_at=None
    ).select_related("account")
    # Every recent post gets a row, once, saying whether its network needs it watched.
    PostWatch.objects.bulk_create(
        [
            PostWatch(delivery=d, needed=bool(d.remote_ids) and watched(d.account), next_poll_at=now)
            for d in recent[:500]
        ],
        ignore_conflicts=True,
    )
    due = (
        PostWatch.objects.filter(needed=True, next_poll_at__lte=now, delivery__published_at__gte=since)
        .exclude(delivery__account__health=ConnectedAccount.Health.NEEDS_RECONNECT)
        .select_related("delivery__account")
        .order_by("next_poll_at")[:limit]
    )
    read = 0
    for watch in due:
        place = PostWatch.objects.filter(pk=watch.pk, next_poll_at=watch.next_poll_at)
        if not place.update(next_poll_at=now + timedelta(seconds=WATCH_SECONDS)):
            continue  # another worker has it
        account = watch.delivery.account
        connector = registry.connector(account.network)
        place = PostWatch.objects.filter(pk=watch.pk)
        read += read_page(
            account, place, WATCH_SECONDS, connector.list_replies, watch.delivery.remote_ids[0], watch.cursor
        )
    return read


def watched(account) -> bool:
    try:
        return registry.connector(account.network).replies_need_watching(account)
    except NetworkError:
        return False  # the account cannot be reached now; its health check tells the team


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


def process_pending(batch: int = 1000) -> int:
    """File up to `batch` stored events, in one transaction: a handful of queries per batch, not per item."""
    with transaction.atomic():
        # Workers on PostgreSQL each take their own rows (SQLite has one writer and ignores this).
        pending = list(
            RawEvent.objects.select_for_update(skip_locked=True).filter(processed_at=None).order_by("pk")[:batch]
        )
        if not pending:
            return 0
        accounts = ConnectedAccount.objects.select_related("workspace").in_bulk({raw.account_id for raw in pending})
        for raw in pending:
            raw.account = accounts[raw.account_id]
        parsed, failed = {}, []
        for raw in pending:
            try:
                parsed[raw.pk] = parse(raw)
            except ValueError as problem:
                failed.append((raw.pk, str(problem)))
        filed = set(Interaction.objects.filter(raw_event__in=pending).values_list("raw_event_id", flat=True))
        talk = [
            raw
            for raw in pending
            if raw.pk in parsed and parsed[raw.pk]["kind"] in CONVERSATION_KINDS and raw.pk not in filed
        ]
        labels = labels_for([parsed[raw.pk]["text"] for raw in talk])
        file_items([(raw, parsed[raw.pk], mine) for raw, mine in zip(talk, labels, strict=True)])
        now = timezone.now()
        RawEvent.objects.filter(pk__in=list(parsed)).update(processed_at=now, error="")
        for pk, problem in failed:  # kept, with the reason, for a person to look at; never silently dropped
            RawEvent.objects.filter(pk=pk).update(processed_at=now, error=problem[:500])
    return len(pending)


def our_posts(items) -> dict:
    """(account id, network id) → our Delivery, for every item that answers something."""
    from firsthand.publishing.models import Delivery

    found = {}
    for raw, item, _ in items:
        key = (raw.account_id, item["in_reply_to"])
        if item["in_reply_to"] and key not in found:
            found[key] = Delivery.objects.filter(
                account_id=raw.account_id, remote_ids__icontains=f'"{item["in_reply_to"]}"'
            ).first()
    return found


def people_for(items) -> dict:
    """(workspace id, network, handle) → Person, made where new; three queries for the whole batch."""
    wanted = {}
    for raw, item, _ in items:
        account = raw.account
        wanted.setdefault((account.workspace_id, account.network, item["handle"]), item["name"])

    def existing():
        handles = {handle for _, _, handle in wanted}
        return {
            (p.workspace_id, p.network, p.handle): p
            for p in Person.objects.filter(
                workspace_id__in={w for w, _, _ in wanted}, handle__in=handles, network__in={n for _, n, _ in wanted}
            )
        }

    people = existing()
    missing = [
        Person(workspace_id=w, network=n, handle=h, name=name)
        for (w, n, h), name in wanted.items()
        if (w, n, h) not in people
    ]
    if missing:
        insert_objects(Person, missing, ignore_conflicts=True)
        people = existing()
    return people


def conversation_key(item: dict, person: Person, post) -> str:
    if item["kind"] == "message":
        return f"dm:{person.handle}"
    if post is not None:
        return f"post:{post.pk}:{person.handle}"
    return f"public:{person.handle}"


def file_items(items: list[tuple]) -> int:
    """Each (raw event, parsed item, labels) under its person and conversation, in the order given."""
    if not items:
        return []
    people, posts = people_for(items), our_posts(items)
    placed = []  # (raw, item, labels, person, post, key)
    for raw, item, labels in items:
        person = people[(raw.account.workspace_id, raw.account.network, item["handle"])]
        post = posts.get((raw.account_id, item["in_reply_to"]))
        placed.append((raw, item, labels, person, post, conversation_key(item, person, post)))

    def existing():
        found = Conversation.objects.filter(
            account_id__in={raw.account_id for raw, *_ in placed}, key__in={key for *_, key in placed}
        )
        return {(c.account_id, c.key): c for c in found}

    conversations = existing()
    new = {}
    for raw, item, _, person, post, key in placed:
        if (raw.account_id, key) not in conversations and (raw.account_id, key) not in new:
            new[(raw.account_id, key)] = Conversation(
                account=raw.account,
                key=key,
                workspace_id=raw.account.workspace_id,
                person=person,
                kind=item["kind"],
                post=post,
                first_inbound_at=item["created_at"],
                last_inbound_at=item["created_at"],
                awaiting_since=item["created_at"],
            )
    if new:
        insert_objects(Conversation, new.values(), ignore_conflicts=True)
        conversations = existing()
    interactions, touched = [], {}
    for raw, item, labels, _, _, key in placed:
        conversation = conversations[(raw.account_id, key)]
        take_in(conversation, item, labels, created=(raw.account_id, key) in new and conversation.pk not in touched)
        touched[conversation.pk] = conversation
        interactions.append(
            Interaction(
                conversation_id=conversation.pk,
                raw_event_id=raw.pk,
                remote_id=raw.remote_id,
                direction=Interaction.Direction.IN,
                kind=item["kind"],
                author_handle=item["handle"],
                author_name=item["name"],
                text=item["text"],
                labels=labels,
                created_at=item["created_at"],
            )
        )
    insert_objects(Interaction, interactions)
    update_rows(Conversation, touched.values(), CONVERSATION_FIELDS)
    return len(interactions)


CONVERSATION_FIELDS = [
    "labels",
    "priority",
    "status",
    "hidden_reason",
    "last_inbound_at",
    "first_inbound_at",
    "awaiting_since",
]


def take_in(conversation: Conversation, item: dict, labels: list[str], created: bool) -> None:
    """What one more message from the customer does to its conversation (in memory; saved with the batch)."""
    merged = sorted(set(conversation.labels) | set(labels))
    conversation.labels = merged
    conversation.priority = min([PRIORITY.get(label, 3) for label in merged] + [3])
    # Spam stays out of the way (hidden, never deleted); anything else from the person brings it back.
    if "spam" in labels and (created or conversation.status == Conversation.Status.HIDDEN):
        conversation.status = Conversation.Status.HIDDEN
        conversation.hidden_reason = conversation.hidden_reason or "Looks like spam"
    else:
        conversation.status, conversation.hidden_reason = Conversation.Status.OPEN, ""
    waits = conversation.last_response_at is None or item["created_at"] > conversation.last_response_at
    if waits:  # the clock starts at the first unanswered message, however many follow it
        awaiting = conversation.awaiting_since
        conversation.awaiting_since = min(awaiting, item["created_at"]) if awaiting else item["created_at"]
    conversation.last_inbound_at = max(conversation.last_inbound_at, item["created_at"])
    conversation.first_inbound_at = min(conversation.first_inbound_at, item["created_at"])


_next_spike_check = 0.0


def run_once() -> int:
    import time

    from firsthand.guard.spikes import check_all
    from firsthand.inbox.clocks import tell_overdue
    from firsthand.networks.health import check_due
    from firsthand.system.statistics import refresh_now_and_then

    global _next_spike_check
    done = poll_due() + watch_due() + process_pending()
    check_due()
    tell_overdue()
    refresh_now_and_then()
    if time.monotonic() >= _next_spike_check:  # once a minute is plenty for an hourly measure
        _next_spike_check = time.monotonic() + 60
        check_all()
    return done
