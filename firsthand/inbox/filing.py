"""Filing what ingestion stored: raw events → people, conversations and items, judged in batches.

Processing is repeatable: an event that already has its item is skipped. A batch is one transaction
of a handful of queries, and the hot path works on rows (tuples and small records), not model
instances: building and saving a Django object per message cost more than judging it.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from firsthand.inbox.bulk import fetch_rows, insert_objects, insert_rows, listed, update_rows
from firsthand.inbox.models import Conversation, Interaction, Person, RawEvent
from firsthand.networks.models import ConnectedAccount
from firsthand.webhooks import payloads as webhooks

CONVERSATION_KINDS = {"mention", "reply", "comment", "quote", "message"}
MAX_TEXT = 20_000
PRIORITY = {"offensive": 0, "complaint": 0, "question": 1, "negative": 2}

logger = logging.getLogger("firsthand.inbox")


class Pending(NamedTuple):
    """A stored event waiting to be filed."""

    pk: int
    account_id: int
    remote_id: str
    payload: object
    received_at: datetime


@dataclass(slots=True)
class Thread:
    """What filing reads and changes of a conversation (the rest of the row stays as it is)."""

    pk: int
    labels: list
    priority: int
    status: str
    hidden_reason: str
    last_response_at: datetime | None
    awaiting_since: datetime | None
    last_inbound_at: datetime
    first_inbound_at: datetime


THREAD_COLUMNS = ["account_id", "key", *Thread.__slots__]
CONVERSATION_FIELDS = [name for name in Thread.__slots__ if name not in ("pk", "last_response_at")]
ITEM_COLUMNS = [
    "conversation_id",
    "raw_event_id",
    "remote_id",
    "direction",
    "kind",
    "author_handle",
    "author_name",
    "text",
    "labels",
    "created_at",
]


def parse(raw) -> dict:
    data = raw.payload if isinstance(raw.payload, dict) else {}
    if data.get("unread"):  # stored whole by a webhook whose reader could not read it
        raise ValueError(str(data["unread"]))
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
    """File up to `batch` stored events, in one transaction: a handful of queries per batch, not per item.

    One item that cannot be filed (its payload unreadable, the judge raising on its text, the database
    refusing its row) is set aside with the reason and every other item files: the failing step is
    tried again on each half of what it held until the item is found, so a batch of 1,000 with one
    bad item costs about 20 more judge calls or inserts, not 1,000, and never a stopped inbox.
    """
    with transaction.atomic():
        # Workers on PostgreSQL each take their own rows (SQLite has one writer and ignores this).
        waiting = RawEvent.objects.select_for_update(skip_locked=True).filter(processed_at=None).order_by("pk")
        pending = [Pending(*row) for row in fetch_rows(waiting[:batch], Pending._fields)]
        if not pending:
            return 0
        accounts = ConnectedAccount.objects.in_bulk({raw.account_id for raw in pending})
        parsed, failed = {}, {}
        for raw in pending:
            try:
                parsed[raw.pk] = parse(raw)
            except ValueError as problem:
                failed[raw.pk] = str(problem)
            except Exception as problem:  # a payload shape the reader did not foresee
                failed[raw.pk] = set_aside_reason("Its payload could not be read", problem, raw)
        ids = listed([raw.pk for raw in pending], RawEvent)
        filed = {
            pk for (pk,) in fetch_rows(Interaction.objects.filter(raw_event_id__in=ids).order_by(), ["raw_event_id"])
        }
        talk = [
            raw
            for raw in pending
            if raw.pk in parsed and parsed[raw.pk]["kind"] in CONVERSATION_KINDS and raw.pk not in filed
        ]
        labels = apart(talk, lambda part: labels_for([parsed[raw.pk]["text"] for raw in part]), failed, JUDGE_FAILED)
        items = [(raw, parsed[raw.pk], labels[raw.pk]) for raw in talk if raw.pk in labels]
        apart(items, lambda part: saved(file_items(part, accounts), part), failed, SAVE_FAILED)
        now = timezone.now()
        done = [pk for pk in parsed if pk not in failed]
        if done:
            RawEvent.objects.filter(pk__in=listed(done, RawEvent)).update(processed_at=now, error="")
        for pk, problem in failed.items():  # kept, with the reason, for a person to look at; never silently dropped
            RawEvent.objects.filter(pk=pk).update(processed_at=now, error=problem[:500])
    return len(pending)


JUDGE_FAILED = "The inbox's triage could not judge its text"
SAVE_FAILED = "It could not be saved in the inbox"


def saved(count, part) -> list:
    return [None] * len(part)


def apart(part: list, step, failed: dict, what: str) -> dict:
    """step(part) → one result per element (an element is a Pending or a tuple starting with one),
    as {raw event id: result}; where step raises, halves are tried in turn, each in a savepoint, and
    an element that fails alone goes into `failed` with the reason."""
    if not part:
        return {}
    try:
        with transaction.atomic():
            results = step(part)
    except Exception as problem:
        if len(part) == 1:
            raw = pending_of(part[0])
            failed[raw.pk] = set_aside_reason(what, problem, raw)
            return {}
        middle = len(part) // 2
        return apart(part[:middle], step, failed, what) | apart(part[middle:], step, failed, what)
    return {pending_of(element).pk: result for element, result in zip(part, results, strict=True)}


def pending_of(element) -> Pending:
    return element if isinstance(element, Pending) else element[0]


def set_aside_reason(what: str, problem: Exception, raw: Pending) -> str:
    # The traceback goes to the log for whoever runs the server; the page says what and why in a line.
    logger.error("inbox: raw event %s set aside: %s", raw.pk, what, exc_info=problem)
    return f"{what} ({type(problem).__name__}: {str(problem)[:200]})."


def set_aside(workspace) -> dict:
    """account id → (how many of its items were set aside, their distinct reasons, a few), for owners to see."""
    rows = (
        RawEvent.objects.filter(account__workspace=workspace, processed_at__isnull=False)
        .exclude(error="")
        .values_list("account_id", "error")
        .order_by("-pk")
    )
    found = {}
    for account_id, error in rows[:5000]:
        count, reasons = found.get(account_id, (0, []))
        if error not in reasons and len(reasons) < 5:
            reasons.append(error)
        found[account_id] = (count + 1, reasons)
    return found


def retry_set_aside(workspace=None) -> int:
    """Put what was set aside back in line to be filed (after a fix: at start, or when an owner asks)."""
    aside = RawEvent.objects.filter(processed_at__isnull=False).exclude(error="")
    if workspace is not None:
        aside = aside.filter(account__workspace=workspace)
    read_again(aside.filter(payload__has_key="reader").exclude(payload__reader=""))
    return aside.update(processed_at=None, error="")


def read_again(unread) -> None:
    """Items of a polled page their reader could not read are read again with today's reader: one a fix
    has mended takes its place as the Interaction it is; one still unreadable stays as it was."""
    from importlib import import_module

    from firsthand.inbox.ingest import payload_of
    from firsthand.networks.base import Unreadable, read_one

    for raw in unread.only("pk", "account_id", "payload").iterator():
        module, _, name = str(raw.payload.get("reader")).partition(":")
        if not module.startswith("firsthand.networks."):
            continue  # only a network's reader is ever called by name
        try:
            read = import_module(module)
            for part in name.split("."):
                read = getattr(read, part)
        except (ImportError, AttributeError):
            continue  # the reader was renamed: the item stays set aside, with its reason
        args = raw.payload.get("args") if isinstance(raw.payload.get("args"), list) else []
        item = read_one(read, raw.payload.get("item"), *args)
        if isinstance(item, Unreadable):
            continue
        if RawEvent.objects.filter(account_id=raw.account_id, remote_id=item.remote_id[:255]).exists():
            RawEvent.objects.filter(pk=raw.pk).delete()  # it came again since, readable, and is kept under its id
        else:
            RawEvent.objects.filter(pk=raw.pk).update(remote_id=item.remote_id[:255], payload=payload_of(item))


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


def people_for(items, accounts) -> dict:
    """(workspace id, network, handle) → Person id, made where new; three queries for the whole batch."""
    wanted = {}
    for raw, item, _ in items:
        account = accounts[raw.account_id]
        wanted.setdefault((account.workspace_id, account.network, item["handle"]), item["name"])

    def existing():
        found = Person.objects.filter(
            workspace_id__in={w for w, _, _ in wanted},
            handle__in=listed({h for _, _, h in wanted}, Person),
            network__in={n for _, n, _ in wanted},
        ).order_by()
        return {(w, n, h): pk for w, n, h, pk in fetch_rows(found, ["workspace_id", "network", "handle", "pk"])}

    people = existing()
    missing = [(w, n, h, name) for (w, n, h), name in wanted.items() if (w, n, h) not in people]
    if missing:
        insert_rows(Person, ["workspace_id", "network", "handle", "name"], missing, ignore_conflicts=True)
        people = existing()
    return people


def conversation_key(item: dict, post) -> str:
    if item["kind"] == "message":
        return f"dm:{item['handle']}"
    if post is not None:
        return f"post:{post.pk}:{item['handle']}"
    return f"public:{item['handle']}"


def threads_of(placed) -> dict:
    """(account id, key) → Thread, for the conversations the batch's items belong to that exist."""
    found = Conversation.objects.filter(
        account_id__in={raw.account_id for raw, *_ in placed}, key__in=listed({key for *_, key in placed}, Conversation)
    ).order_by()
    return {(account_id, key): Thread(*row) for account_id, key, *row in fetch_rows(found, THREAD_COLUMNS)}


def file_items(items: list[tuple], accounts: dict) -> int:
    """Each (pending event, parsed item, labels) under its person and conversation, in the order given."""
    if not items:
        return 0
    people, posts = people_for(items, accounts), our_posts(items)
    placed = []  # (raw, item, labels, person id, post, key)
    for raw, item, labels in items:
        account = accounts[raw.account_id]
        post = posts.get((raw.account_id, item["in_reply_to"]))
        person = people[(account.workspace_id, account.network, item["handle"])]
        placed.append((raw, item, labels, person, post, conversation_key(item, post)))

    threads, new = threads_of(placed), {}
    for raw, item, _, person, post, key in placed:
        if (raw.account_id, key) not in threads and (raw.account_id, key) not in new:
            new[(raw.account_id, key)] = Conversation(
                account_id=raw.account_id,
                key=key,
                workspace_id=accounts[raw.account_id].workspace_id,
                person_id=person,
                kind=item["kind"],
                post=post,
                first_inbound_at=item["created_at"],
                last_inbound_at=item["created_at"],
                awaiting_since=item["created_at"],
            )
    if new:
        insert_objects(Conversation, new.values(), ignore_conflicts=True)
        threads.update(threads_of([p for p in placed if (p[0].account_id, p[-1]) in new]))
        webhooks.conversations_created(new, threads)
    rows, touched = [], {}
    before = {thread.pk: changeable(thread) for thread in threads.values()}
    for raw, item, labels, _, _, key in placed:
        thread = threads[(raw.account_id, key)]
        take_in(thread, item, labels, created=(raw.account_id, key) in new and thread.pk not in touched)
        touched[thread.pk] = thread
        rows.append(
            (
                thread.pk,
                raw.pk,
                raw.remote_id,
                Interaction.Direction.IN,
                item["kind"],
                item["handle"],
                item["name"],
                item["text"],
                labels,
                item["created_at"],
            )
        )
    insert_rows(Interaction, ITEM_COLUMNS, rows)
    save_changes(touched.values(), before)
    return len(rows)


def changeable(thread: Thread) -> tuple:
    return tuple(getattr(thread, name) for name in CONVERSATION_FIELDS)


def save_changes(threads, before: dict) -> None:
    """UPDATE each conversation's changed fields only, one statement per set of fields changed (a few):
    every column set moves the conversation in the indexes that hold it, changed or not."""
    groups = {}
    for thread in threads:
        now = changeable(thread)
        changed = tuple(
            name for name, old, new in zip(CONVERSATION_FIELDS, before[thread.pk], now, strict=True) if old != new
        )
        if changed:
            groups.setdefault(changed, []).append(thread)
    for names, group in groups.items():
        update_rows(Conversation, group, list(names))


def take_in(conversation, item: dict, labels: list[str], created: bool) -> None:
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
