"""Live streams: accounts on networks that push (Mastodon) are read the moment something happens.

A stream only rings a doorbell: the worker's loop wakes and reads the account from its cursor, the
same way polling does, so what is stored and filed is the same, a notification lost while a stream
reconnects is read all the same, and a repeated one is absorbed by the raw events' unique key.
While a stream is live the account is still polled, every STREAMED_POLL_SECONDS instead of every 15.

One worker holds each account's stream, by a lease on the account's AccountCursor that it renews
while it runs: many workers never open the same stream twice, and the accounts of a worker that
died are taken over once its leases run out.
"""

import logging
import threading
from datetime import timedelta

from django.db import DatabaseError, close_old_connections, connection
from django.db.models import Q
from django.utils import timezone

from firsthand.inbox.models import AccountCursor
from firsthand.networks import registry
from firsthand.networks.base import NetworkError
from firsthand.networks.models import ConnectedAccount

logger = logging.getLogger("firsthand.inbox")

LEASE_SECONDS = 60
TICK_SECONDS = 10
STREAMED_POLL_SECONDS = 120
RETRY_SECONDS = (5, 15, 60, 300)  # after the first, second, third and every later failure in a row

doorbell = threading.Event()
_rung: set[int] = set()
_rung_lock = threading.Lock()


def ring(account_id: int) -> None:
    with _rung_lock:
        _rung.add(account_id)
        doorbell.set()


def take_rung() -> list[int]:
    """The accounts whose streams rang since the last call."""
    with _rung_lock:
        found = sorted(_rung)
        _rung.clear()
        doorbell.clear()
    return found


class AccountStream:
    """One account's stream, kept open in its own thread and opened again after a failure."""

    def __init__(self, account_id: int):
        self.account_id = account_id
        self.stopped = threading.Event()
        self.current = None
        self.failures = 0
        self.thread = threading.Thread(target=self.run, name=f"firsthand-stream-{account_id}", daemon=True)

    def run(self):
        try:
            while not self.stopped.is_set():
                reason = self.listen_once()
                if self.stopped.is_set():
                    break
                self.record(stream_live_since=None, stream_error=reason[:500])
                self.failures += 1
                self.stopped.wait(RETRY_SECONDS[min(self.failures, len(RETRY_SECONDS)) - 1])
        finally:
            connection.close()

    def listen_once(self) -> str:
        """Run the stream until it ends; why it ended."""
        live = False

        def rang():
            nonlocal live
            if not live:
                live = True
                self.failures = 0
                self.record(stream_live_since=timezone.now(), stream_error="")
            ring(self.account_id)

        try:
            close_old_connections()
            account = ConnectedAccount.objects.get(pk=self.account_id)
            self.current = registry.connector(account.network).stream(account)
            # A stream stays open for hours: it holds no database connection meanwhile (one per
            # streamed account would fill PostgreSQL's connection slots).
            connection.close()
            if self.stopped.is_set():
                return ""
            self.current.run(rang)
            return "the network ended the stream"
        except NetworkError as error:
            return error.message
        except Exception as error:
            logger.exception("the stream of account %s failed", self.account_id)
            return f"the stream failed: {error}"

    def record(self, **fields):
        try:
            AccountCursor.objects.filter(account_id=self.account_id).update(**fields)
        except Exception:
            logger.warning("could not record the stream state of account %s", self.account_id, exc_info=True)
        finally:
            connection.close()

    def start(self):
        self.thread.start()

    def stop(self):
        self.stopped.set()
        if self.current is not None:
            self.current.close()


class StreamKeeper:
    """The streams one worker holds: claimed and renewed by tick(), all let go by close()."""

    def __init__(self, worker_id: str):
        self.worker_id = worker_id
        self.streams: dict[int, AccountStream] = {}

    def tick(self) -> None:
        held = self.claim()
        for account_id in held - self.streams.keys():
            self.streams[account_id] = AccountStream(account_id)
            self.streams[account_id].start()
        for account_id in self.streams.keys() - held:
            self.streams.pop(account_id).stop()

    def claim(self) -> set[int]:
        """Take or renew the lease of every streamable account no other live worker holds, in three
        queries however many accounts, and say which this worker holds now.

        The UPDATE's condition is on the cursor's own columns, so on PostgreSQL a row another worker
        has just taken is re-checked against its new values and skipped."""
        now = timezone.now()
        streamable = list(
            AccountCursor.objects.filter(account__network__in=registry.STREAMS, account__disconnected_at=None)
            .exclude(account__health=ConnectedAccount.Health.NEEDS_RECONNECT)
            .values_list("pk", flat=True)
        )
        free = Q(stream_until=None) | Q(stream_until__lt=now) | Q(streamed_by=self.worker_id)
        candidates = AccountCursor.objects.filter(pk__in=streamable)
        candidates.filter(free).update(streamed_by=self.worker_id, stream_until=now + timedelta(seconds=LEASE_SECONDS))
        return set(candidates.filter(streamed_by=self.worker_id).values_list("account_id", flat=True))

    def close(self) -> None:
        for stream in self.streams.values():
            stream.stop()
        self.streams.clear()
        try:
            AccountCursor.objects.filter(streamed_by=self.worker_id).update(
                streamed_by="", stream_until=None, stream_live_since=None
            )
        except DatabaseError:
            # The leases run out by themselves within LEASE_SECONDS; another worker then takes over.
            logger.warning("could not let go of this worker's streams", exc_info=True)
