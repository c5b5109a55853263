"""Reading interactions from every connected account: store raw first, then process, so nothing is lost or doubled.

poll(): one page from the network → RawEvent rows (unique per account and network id; a repeated or
reordered page inserts nothing new) → only then the cursor moves. A crash between the two re-reads
the page next time, and the unique key absorbs it.
watch_due(): the same for replies to each post published in the last FIRSTHAND_WATCH_HOURS, on networks
that tell of comments only post by post (a scheduled post is never forgotten).
poll_rung(): the same, at once, for accounts whose live stream rang (streams.py).
process_pending() (filing.py): raw events → people, conversations and items, judged in batches.
"""

import dataclasses
import functools
import logging
import math
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from firsthand.inbox import streams
from firsthand.inbox.bulk import insert_rows
from firsthand.inbox.filing import process_pending
from firsthand.inbox.models import AccountCursor, PostWatch, RawEvent
from firsthand.networks import registry
from firsthand.networks.base import NetworkError, Unreadable
from firsthand.networks.models import ConnectedAccount

logger = logging.getLogger("firsthand.inbox")

POLL_SECONDS = 15
WATCH_SECONDS = 60  # each watched post is asked once a minute: networks count these calls per post


def payload_of(item) -> dict:
    # A shallow copy: asdict() deep-copies the network's raw payload, which nothing changes afterwards.
    data = {name: storable(getattr(item, name)) for name in field_names(type(item))}
    data["created_at"] = item.created_at.isoformat()
    return data


def stored(item) -> dict:
    """What a page's item is kept as: an Interaction's fields; or, for an item its reader could not read
    (networks/base.py read_each), the item whole with the reason, which filing sets aside for the owners
    to see and retry_set_aside reads again after a fix."""
    if isinstance(item, Unreadable):
        return {"unread": item.reason, "item": item.raw, "reader": item.reader, "args": storable(list(item.args))}
    return payload_of(item)


MAX_DEPTH = 64
MAX_BITS = 1000  # 301 digits: far past any network's ids, well before Python refuses to write it (4,300)


def storable(value, depth: int = 0):
    """What a network sent, made fit for a JSON column on SQLite and PostgreSQL alike: PostgreSQL refuses
    U+0000 (dropped: it is no character a person typed) and both refuse a lone surrogate (JSON's
    "\\ud800" reads as one; replaced by U+FFFD), Python cannot write a whole number past 4,300 digits as
    JSON, and a float may be NaN. Anything else is kept exactly; a part nested deeper than 64 levels (no
    network nests past 10) is cut off."""
    if isinstance(value, str):
        if value.isascii():
            return value.replace("\x00", "")
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace").replace("\x00", "")
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if value.bit_length() <= MAX_BITS else f"(a number of {value.bit_length()} bits)"
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if depth >= MAX_DEPTH:
        return None
    if isinstance(value, dict):
        return {storable(str(key)): storable(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [storable(item, depth + 1) for item in value]
    return storable(str(value))


@functools.cache
def field_names(kind: type) -> tuple[str, ...]:
    return tuple(field.name for field in dataclasses.fields(kind))


RAW_EVENT_COLUMNS = ["account_id", "remote_id", "payload", "received_at", "error"]


def poll(account) -> int:
    cursor, _ = AccountCursor.objects.get_or_create(account=account)
    connector = registry.connector(account.network)
    # A live stream rings for anything new; the poll is then only the net under it.
    every = streams.STREAMED_POLL_SECONDS if cursor.streaming else POLL_SECONDS
    return read_page(
        account, AccountCursor.objects.filter(pk=cursor.pk), every, connector.list_interactions, cursor.cursor
    )


def poll_rung() -> int:
    """Read at once the accounts whose streams told of something new."""
    rung = streams.take_rung()
    if not rung:
        return 0
    accounts = ConnectedAccount.objects.connected().filter(pk__in=rung)
    return sum(poll(account) for account in accounts.exclude(health=ConnectedAccount.Health.NEEDS_RECONNECT))


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
    except Exception as problem:
        # What the network sent did not read as its API says (a reader's bug, or an API change): this
        # account waits and says why on the Accounts page; the other accounts are read all the same.
        logger.exception("reading account %s failed", account.pk)
        reason = f"firsthand could not read what the network sent ({type(problem).__name__})."
        place.update(error=reason, next_poll_at=timezone.now() + timedelta(seconds=every * 4))
        return 0
    now = timezone.now()
    events = [(account.pk, storable(item.remote_id)[:255], stored(item), now, "") for item in page.items]
    extra = {"limitation": page.limitation[:500]} if place.model is AccountCursor else {}
    with transaction.atomic():
        insert_rows(RawEvent, RAW_EVENT_COLUMNS, events, ignore_conflicts=True)
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


_next_spike_check = 0.0


def guarded(step) -> int:
    """Run one of the worker's steps; a failure is logged and the next step runs all the same, so a
    fault in filing never stops the overdue clocks or account health, nor the reverse."""
    try:
        return step() or 0
    except Exception:
        logger.exception("the inbox step %s failed; the others go on", getattr(step, "__name__", step))
        return 0


def run_once() -> int:
    import time

    from firsthand.guard.spikes import check_all
    from firsthand.inbox.clocks import tell_overdue
    from firsthand.networks.health import check_due
    from firsthand.system.statistics import refresh_now_and_then

    global _next_spike_check
    from firsthand.inbox.relabel import relabel_some

    done = sum(guarded(step) for step in (poll_rung, poll_due, watch_due, process_pending))
    # After filing, so new messages are in the inbox first; its own step, so a fault there stops nothing else.
    done += guarded(relabel_some)
    for step in (check_due, tell_overdue, refresh_now_and_then):
        guarded(step)
    if time.monotonic() >= _next_spike_check:  # once a minute is plenty for an hourly measure
        _next_spike_check = time.monotonic() + 60
        guarded(check_all)
    return done
