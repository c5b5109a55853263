"""The webhook engine: claim due deliveries, POST each once per attempt, record the answer, retry later.

Runs in every worker's loop beside the publishing engine, but never makes it wait: the loop only claims
(one short transaction) and hands each claimed delivery to a small pool of threads (WEBHOOK_CONCURRENCY per
worker), so an endpoint that takes its full 10 seconds holds one thread, not the loop and not the other
endpoints. No endpoint gets more than PER_ENDPOINT of those threads at once, so a slow or dead endpoint
with a thousand events queued cannot starve a healthy one.

Any number of workers may run against one PostgreSQL database: rows are claimed by a conditional UPDATE
(with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL) that only one of them wins, and every later write
checks the claim is still its own. A claim expires, so a worker that dies mid-attempt is replaced; the
receiver may then see that event twice, with the same webhook-id to tell.
"""

import logging
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.webhooks import signing, transport
from firsthand.webhooks.models import RESPONSE_KEPT_CHARS, Delivery, Endpoint
from firsthand.webhooks.states import DUE_STATES, FINAL_STATES, State

logger = logging.getLogger("firsthand.webhooks")

# The wait after each failed attempt: the Standard Webhooks spec's example schedule ("Deliverability and
# reliability"), about three days in all, each wait with ±20 % jitter so endpoints that failed together
# are not all retried together.
SCHEDULE_SECONDS = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600)
MAX_ATTEMPTS = len(SCHEDULE_SECONDS) + 1
PER_ENDPOINT = 4  # and never more than half the threads, so one endpoint always leaves room for the others
# A thread goes on with its endpoint's next delivery only while the endpoint answers well and quickly, and
# at most this many times; then it is handed back, for the loop to share out again.
CHAIN_MAX = 50
CHAIN_FAST_MS = 1000


def claim_seconds() -> int:
    return settings.WEBHOOK_TIMEOUT_SECONDS + 50


def retry_delay(attempts: int, asked: int | None = None) -> float:
    """Seconds to wait after the attempts-th failed attempt; the endpoint's Retry-After, when longer, wins."""
    delay = SCHEDULE_SECONDS[min(attempts, len(SCHEDULE_SECONDS)) - 1]
    delay *= random.uniform(0.8, 1.2)  # nosec B311 # retry jitter, not a secret
    return max(delay, min(asked or 0, SCHEDULE_SECONDS[-1]))


def claim(
    worker_id: str, slots: int, busy: Counter | None = None, endpoint_id: int | None = None, per_endpoint=PER_ENDPOINT
) -> list[int]:
    """Take up to `slots` due deliveries (of one endpoint, if given), at most PER_ENDPOINT in flight per
    endpoint counting `busy`; returns their ids, oldest first."""
    if slots <= 0:
        return []
    busy = busy or Counter()
    now = timezone.now()
    due_now = (
        Q(state__in=DUE_STATES, next_attempt_at__lte=now)
        # A claim that ran out: its worker died or hung mid-attempt.
        | Q(state=State.SENDING, claimed_until__lt=now)
    )
    due = Delivery.objects.filter(due_now, endpoint__enabled=True)
    if endpoint_id is not None:
        due = due.filter(endpoint_id=endpoint_id)
    with transaction.atomic():
        # One small query per endpoint with something due, so each endpoint's share is taken from its own
        # oldest rows: a thousand queued for a dead endpoint never hide the one due for a healthy one.
        if endpoint_id is not None:
            endpoint_ids = [endpoint_id]
        else:
            endpoint_ids = list(due.order_by().values_list("endpoint_id", flat=True).distinct()[:500])
        random.shuffle(endpoint_ids)  # nosec B311 # fairness between endpoints when slots run out
        ids: list[int] = []
        for endpoint_id in endpoint_ids:
            share = min(per_endpoint - busy[endpoint_id], slots - len(ids))
            if share <= 0:
                continue
            rows = due.filter(endpoint_id=endpoint_id).order_by("next_attempt_at", "pk").values_list("pk", flat=True)
            if connection.vendor == "postgresql":
                # Rows another worker is claiming right now are skipped, not waited for.
                rows = rows.select_for_update(skip_locked=True, of=("self",))
            ids += list(rows[:share])
            if len(ids) >= slots:
                break
        if not ids:
            return []
        won = Delivery.objects.filter(due_now, pk__in=ids).update(
            state=State.SENDING, claimed_by=worker_id, claimed_until=now + timedelta(seconds=claim_seconds())
        )
    if won == len(ids):
        return ids
    # Some not updated: another worker got there first. Only what is ours now is sent.
    ours = Delivery.objects.filter(pk__in=ids, state=State.SENDING, claimed_by=worker_id)
    return list(ours.order_by("next_attempt_at", "pk").values_list("pk", flat=True))  # oldest first


def attempt(delivery_id: int, worker_id: str) -> transport.Answer | None:
    """Send one claimed delivery once and record what the endpoint answered (returned, None if not ours)."""
    delivery = (
        Delivery.objects.select_related("endpoint")
        .filter(pk=delivery_id, state=State.SENDING, claimed_by=worker_id)
        .first()
    )
    if delivery is None:
        return None  # the claim ran out and another worker took it
    endpoint = delivery.endpoint
    body = delivery.body()
    # The attempt's own time, new at each retry: receivers refuse old timestamps against replays.
    headers = signing.headers(endpoint.secret, delivery.event_id, int(time.time()), body)
    answer = transport.post(endpoint.url, body, headers)
    finished(delivery, worker_id, answer)
    return answer


def finished(delivery: Delivery, worker_id: str, answer: transport.Answer) -> None:
    now = timezone.now()
    attempts = delivery.attempts + 1
    fields = dict(
        attempts=attempts,
        last_attempt_at=now,
        response_status=answer.status,
        response_body=answer.body[:RESPONSE_KEPT_CHARS],
        error=answer.error[:500],
        duration_ms=answer.duration_ms,
        claimed_by="",
        claimed_until=None,
    )
    if answer.ok:
        target = State.DELIVERED
        fields["delivered_at"] = now
    elif answer.gone or attempts >= MAX_ATTEMPTS:
        target = State.FAILED
        if not answer.gone:
            fields["error"] = f"Gave up after {attempts} attempts. Last answer: {answer.error}"[:500]
    else:
        target = State.RETRYING
        fields["next_attempt_at"] = now + timedelta(seconds=retry_delay(attempts, answer.retry_after))
    delivery.move(target)
    won = Delivery.objects.filter(pk=delivery.pk, state=State.SENDING, claimed_by=worker_id).update(
        state=target, **fields
    )
    if not won:
        logger.warning("webhook delivery %s: claim lost to another worker before it finished", delivery.pk)
        return
    endpoint = delivery.endpoint
    if answer.ok:
        recovered(endpoint)
    else:
        failed_again(endpoint, answer)


def recovered(endpoint: Endpoint) -> None:
    if not (endpoint.failing or endpoint.failures_in_a_row):
        # As read with the delivery: the usual case costs no query. A failure counted since then is
        # left for the next success to clear.
        return
    Endpoint.objects.filter(pk=endpoint.pk).exclude(failures_in_a_row=0).update(failures_in_a_row=0)
    was_failing = Endpoint.objects.filter(pk=endpoint.pk, failing=True).update(failing=False, failing_reason="")
    if not was_failing:
        return
    record(
        "webhooks.endpoint_recovered",
        f"The webhook endpoint {endpoint.url} answers again",
        workspace=endpoint.workspace,
        endpoint=endpoint.pk,
    )


def failed_again(endpoint: Endpoint, answer: transport.Answer) -> None:
    Endpoint.objects.filter(pk=endpoint.pk).update(failures_in_a_row=F("failures_in_a_row") + 1)
    if answer.gone:
        # The spec: 410 Gone means the receiver wants nothing more; stop sending until a person turns it on.
        reason = "It answered 410 Gone, which asks to be sent nothing more; it was turned off."
        Endpoint.objects.filter(pk=endpoint.pk).update(enabled=False)
    else:
        reason = answer.error
    after = settings.WEBHOOK_FAILING_AFTER
    # The conditional UPDATE makes one attempt, in one worker, the one that tells the owners.
    newly = Endpoint.objects.filter(pk=endpoint.pk, failing=False, failures_in_a_row__gte=after).update(
        failing=True, failing_reason=reason[:500]
    )
    if answer.gone and not newly:
        Endpoint.objects.filter(pk=endpoint.pk).update(failing=True, failing_reason=reason)
        newly = 1
    if not newly:
        Endpoint.objects.filter(pk=endpoint.pk, failing=True).update(failing_reason=reason[:500])
        return
    tell_failing(endpoint, reason)


def tell_failing(endpoint: Endpoint, reason: str) -> None:
    from firsthand.notices.send import notify

    workspace = endpoint.workspace
    record(
        "webhooks.endpoint_failing",
        f"The webhook endpoint {endpoint.url} is failing: {reason}",
        workspace=workspace,
        endpoint=endpoint.pk,
    )
    owners = [membership.user for membership in workspace.owners().select_related("user")]
    notify(
        workspace,
        owners,
        f"Webhooks to {endpoint.url} are failing: {reason}",
        reverse("webhooks:endpoint", kwargs={"slug": workspace.slug, "endpoint_id": endpoint.pk}),
    )


class Dispatcher:
    """The threads that send, shared by the worker's loop; one per process."""

    def __init__(self, size: int):
        self.size = size
        self.pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="firsthand-webhook")
        self.lock = threading.Lock()
        self.busy: Counter = Counter()  # endpoint id → deliveries in flight in this process
        self.stopping = False
        self.per_endpoint = max(1, min(PER_ENDPOINT, size // 2))

    def free(self) -> int:
        with self.lock:
            return self.size - sum(self.busy.values())

    def run_once(self, worker_id: str) -> int:
        with self.lock:
            busy = Counter(self.busy)
        ids = claim(worker_id, self.size - sum(busy.values()), busy, per_endpoint=self.per_endpoint)
        if not ids:
            return 0
        endpoints = dict(Delivery.objects.filter(pk__in=ids).values_list("pk", "endpoint_id"))
        for pk in ids:
            with self.lock:
                self.busy[endpoints[pk]] += 1
            self.pool.submit(self.send, pk, endpoints[pk], worker_id)
        return len(ids)

    def send(self, delivery_id: int, endpoint_id: int, worker_id: str) -> None:
        """Send this delivery, then the endpoint's next due one, and so on: a thread that is free goes on
        at once rather than waiting for the loop's next turn (measured: 6 events a second that way, the
        loop idling a quarter second between turns once the endpoint's threads were all busy)."""
        try:
            for turn in range(1, CHAIN_MAX + 1):
                try:
                    answer = attempt(delivery_id, worker_id)
                except Exception:
                    # A bug, not an endpoint's answer: the claim stays, runs out, and it is tried again.
                    logger.exception("webhook delivery %s failed unexpectedly", delivery_id)
                    return
                slow = answer is None or not answer.ok or answer.duration_ms > CHAIN_FAST_MS
                if self.stopping or slow or turn == CHAIN_MAX:
                    return
                # This thread's own share of the endpoint stays taken while it goes on: no new count.
                following = claim(worker_id, 1, endpoint_id=endpoint_id)
                if not following:
                    return
                delivery_id = following[0]
        finally:
            with self.lock:
                self.busy[endpoint_id] -= 1
                if self.busy[endpoint_id] <= 0:
                    del self.busy[endpoint_id]
            connection.close()  # this thread's own connection; the pool's threads outlive any one run

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.free() == self.size:
                return True
            time.sleep(0.01)
        return False


_dispatcher: Dispatcher | None = None
_dispatcher_lock = threading.Lock()


def dispatcher() -> Dispatcher:
    global _dispatcher
    with _dispatcher_lock:
        if _dispatcher is None:
            _dispatcher = Dispatcher(settings.WEBHOOK_CONCURRENCY)
        return _dispatcher


KEEP_DAYS = 30  # of finished deliveries in the log; an hourly DELETE keeps the table the size of a month
_next_prune = 0.0


def prune(now=None) -> int:
    """Delete finished deliveries older than KEEP_DAYS; one still being tried stays, however old."""
    cutoff = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    deleted, _ = Delivery.objects.filter(state__in=FINAL_STATES, created_at__lt=cutoff).delete()
    return deleted


def run_once(worker_id: str) -> int:
    """For the worker's loop: hand what is due to the sending threads, without waiting for any answer."""
    global _next_prune
    if time.monotonic() >= _next_prune:
        _next_prune = time.monotonic() + 3600
        prune()
    return dispatcher().run_once(worker_id)


def send_due_now(worker_id: str) -> int:
    """Send what is due in this thread, one after another (tests and the command line)."""
    sent = 0
    while ids := claim(worker_id, 100):
        for pk in ids:
            attempt(pk, worker_id)
        sent += len(ids)
    return sent


def stop() -> None:
    """The worker is stopping: each sending thread finishes the attempt it is in and takes no other."""
    if _dispatcher is not None:
        _dispatcher.stopping = True
