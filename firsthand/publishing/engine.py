"""The publishing engine: claim due deliveries, publish them once, record what happened.

Runs in every worker process (`firsthand worker`, or inside `firsthand serve`).
Any number of engines may run against one PostgreSQL database: a delivery is
claimed by a single UPDATE that only succeeds for one of them, and a claim
expires, so a worker that dies is replaced without a person stepping in.
"""

import logging
import random
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.networks import registry
from firsthand.networks.base import Media, NetworkError, OutgoingPost
from firsthand.publishing.models import Delivery, LinkSettings, PostMedia
from firsthand.publishing.states import State
from firsthand.webhooks import payloads as webhooks

logger = logging.getLogger("firsthand.publishing")

MAX_ATTEMPTS = 8
BACKOFF_CAP_SECONDS = 60 * 60


def claim_seconds() -> int:
    return settings.PUBLISH_CLAIM_SECONDS


def claim(worker_id: str, batch: int = 100) -> list[int]:
    """Take up to `batch` due deliveries for this worker; returns their ids."""
    now = timezone.now()
    # Imported here: guard/ builds on publishing's models, so it cannot be imported at module load.
    from firsthand.guard.crisis import hold_due, paused_filter

    # The crisis switch first: what is paused is held, never claimed. (Posts awaiting approval are
    # never claimed either: their state is not a due state.)
    hold_due(now)
    due = (
        Delivery.objects.filter(
            Q(state=State.SCHEDULED, due_at__lte=now)
            | Q(state=State.RETRYING, next_attempt_at__lte=now)
            # A claim that ran out: its worker died or hung mid-attempt.
            | Q(state=State.PUBLISHING, claimed_until__lt=now)
        )
        .exclude(paused_filter())
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Rows another worker is claiming right now are skipped, not waited for.
            due = due.select_for_update(skip_locked=True, of=("self",))
        ids = list(due[:batch])
        if not ids:
            return []
        # Whoever held these may have reached the network before dying.
        Delivery.objects.filter(pk__in=ids, state=State.PUBLISHING).update(needs_reconcile=True)
        Delivery.objects.filter(pk__in=ids).update(
            state=State.PUBLISHING, claimed_by=worker_id, claimed_until=now + timedelta(seconds=claim_seconds())
        )
    return ids


def publish_claimed(ids: list[int], worker_id: str) -> None:
    deliveries = (
        Delivery.objects.select_related("post", "account", "post__workspace")
        .prefetch_related(
            Prefetch("post__attachments", queryset=PostMedia.objects.select_related("media")), "short_links"
        )
        .filter(pk__in=ids, state=State.PUBLISHING, claimed_by=worker_id)
    )
    link_settings = {}  # per workspace, read once per batch
    for delivery in deliveries:
        workspace = delivery.post.workspace
        if workspace.pk not in link_settings:
            link_settings[workspace.pk] = LinkSettings.for_workspace(workspace)
        try:
            publish_one(delivery, worker_id, link_settings[workspace.pk])
        except Exception:
            # A bug, not a network answer: keep the claim so it is retried after it expires, and say so.
            logger.exception("publishing delivery %s failed unexpectedly", delivery.pk)


def publish_one(delivery: Delivery, worker_id: str, link_settings=None) -> None:
    account = delivery.account
    connector = registry.connector(account.network)
    if account.needs_reconnect:
        fail(delivery, worker_id, f"{account} needs reconnecting: {account.health_reason}")
        return
    try:
        parts = delivery.outgoing_parts(link_settings)
        remote_ids = list(delivery.remote_ids)
        url = delivery.remote_url
        while len(remote_ids) < len(parts):
            index = len(remote_ids)
            found = None
            if delivery.needs_reconcile:
                if not connector.limits.can_look_up_by_key:
                    unconfirmed(delivery, worker_id)
                    return
                # Before any retry: did the last attempt reach the network after all?
                found = connector.find_published(account, delivery.part_key(index))
            outgoing = OutgoingPost(
                text=parts[index],
                idempotency_key=delivery.part_key(index),
                reply_to=remote_ids[-1] if remote_ids else None,
                media=media_for(delivery) if index == 0 else (),
                content_warning=delivery.post.content_warning,
                audience=delivery.post.audience,
            )
            published = found or connector.publish(account, outgoing)
            remote_ids.append(published.remote_id)
            url = url or published.url
            delivery.needs_reconcile = False
            if len(remote_ids) < len(parts):
                # Each part of a thread is recorded as soon as it exists, so a crash mid-thread repeats nothing.
                if not save_claimed(delivery, worker_id, remote_ids=remote_ids, remote_url=url, needs_reconcile=False):
                    return
    except NetworkError as error:
        network_failed(delivery, worker_id, error)
        return
    if not finish(
        delivery,
        worker_id,
        State.PUBLISHED,
        published_at=timezone.now(),
        error="",
        remote_ids=remote_ids,
        remote_url=url,
        needs_reconcile=False,
    ):
        return
    record(
        "publishing.published",
        f"Published to {account}",
        workspace=delivery.post.workspace,
        actor=delivery.post.author,
        delivery=delivery.pk,
        url=url,
    )
    webhooks.post_event("post.published", delivery.post, [delivery])


def media_for(delivery: Delivery) -> tuple[Media, ...]:
    return tuple(
        Media(
            path=attachment.media.file.name,
            mime_type=attachment.media.mime_type,
            alt_text=attachment.alt_text,
            width=attachment.media.width,
            height=attachment.media.height,
        )
        for attachment in delivery.post.images()
    )


def save_claimed(delivery: Delivery, worker_id: str, **fields) -> bool:
    """Write only while the claim is still ours."""
    fields["claimed_until"] = timezone.now() + timedelta(seconds=claim_seconds())
    updated = Delivery.objects.filter(pk=delivery.pk, state=State.PUBLISHING, claimed_by=worker_id).update(**fields)
    if not updated:
        logger.warning("delivery %s: claim lost to another worker; leaving it to them", delivery.pk)
    return bool(updated)


def finish(delivery: Delivery, worker_id: str, target: State, **fields) -> bool:
    delivery.move(target)
    fields.update(state=target, claimed_by="", claimed_until=None)
    updated = Delivery.objects.filter(pk=delivery.pk, state=State.PUBLISHING, claimed_by=worker_id).update(**fields)
    if not updated:
        logger.warning("delivery %s: claim lost to another worker before it finished", delivery.pk)
    return bool(updated)


def fail(delivery: Delivery, worker_id: str, reason: str) -> None:
    if finish(delivery, worker_id, State.FAILED, error=reason):
        record(
            "publishing.failed",
            f"Publishing to {delivery.account} failed: {reason}",
            workspace=delivery.post.workspace,
            actor=delivery.post.author,
            delivery=delivery.pk,
        )
        webhooks.post_event("post.failed", delivery.post, [delivery])
        from firsthand.publishing.alerts import tell_about_failure

        tell_about_failure(delivery, reason)


def unconfirmed(delivery: Delivery, worker_id: str, why: str = "") -> None:
    network = delivery.account.get_network_display()
    reason = (
        why or f"An earlier attempt may have reached {network}, which cannot be asked about it."
    ) + f" Check the account on {network}, then mark the post as published or publish it again."
    if finish(delivery, worker_id, State.UNCONFIRMED, error=reason):
        record(
            "publishing.unconfirmed",
            f"Publishing to {delivery.account} is unconfirmed",
            workspace=delivery.post.workspace,
            delivery=delivery.pk,
        )
        webhooks.post_event("post.unconfirmed", delivery.post, [delivery])


def network_failed(delivery: Delivery, worker_id: str, error: NetworkError) -> None:
    if error.auth:
        delivery.account.mark_needs_reconnect(error.message)
        fail(delivery, worker_id, f"{delivery.account} needs reconnecting: {error.message}")
        return
    if not error.transient:
        fail(delivery, worker_id, error.message)
        return
    attempts = delivery.attempts + 1
    if attempts >= MAX_ATTEMPTS:
        if error.outcome_unknown:
            # The last attempt may have gone through: say so rather than guess either way.
            unconfirmed(delivery, worker_id, f"After {attempts} attempts the last answer was: {error.message}")
        else:
            fail(delivery, worker_id, f"Gave up after {attempts} attempts. Last answer: {error.message}")
        return
    delay = min(BACKOFF_CAP_SECONDS, settings.PUBLISH_RETRY_BASE_SECONDS * 2 ** (attempts - 1))
    # So posts that failed together do not retry together.
    delay *= random.uniform(0.8, 1.2)  # nosec B311 # retry jitter, not a secret
    retry_at = timezone.now() + timedelta(seconds=delay)
    if error.retry_at and error.retry_at > retry_at:
        retry_at = error.retry_at  # the network said when; asking sooner only fails again
    if finish(
        delivery,
        worker_id,
        State.RETRYING,
        attempts=attempts,
        next_attempt_at=retry_at,
        error=error.message,
        needs_reconcile=delivery.needs_reconcile or error.outcome_unknown,
    ):
        record(
            "publishing.retry_scheduled",
            f"Publishing to {delivery.account} will be retried at {retry_at:%H:%M:%S} UTC: {error.message}",
            workspace=delivery.post.workspace,
            delivery=delivery.pk,
            attempt=attempts,
        )


def run_once(worker_id: str, batch: int = 100) -> int:
    ids = claim(worker_id, batch)
    if ids:
        publish_claimed(ids, worker_id)
    return len(ids)


class PublishingLoop:
    """The engine as a thread of a worker process."""

    def __init__(self, worker_id: str, idle_seconds: float = 0.25):
        self.worker_id = worker_id
        self.idle_seconds = idle_seconds
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, name="firsthand-publisher", daemon=True)
        from firsthand.inbox.streams import StreamKeeper

        self.streams = StreamKeeper(worker_id)  # the live streams this worker holds

    def start(self):
        from firsthand.inbox import ingest
        from firsthand.inbox.filing import retry_set_aside

        # What filing set aside is tried again at each start: after an update, its fault may be fixed.
        ingest.guarded(retry_set_aside)
        self.thread.start()

    def run(self):
        import time
        from functools import partial

        from firsthand.guard.approvals import tell_overdue
        from firsthand.inbox import ingest, streams
        from firsthand.insights.followers import engine as follower_audits
        from firsthand.insights.posts import engine as post_figures
        from firsthand.insights.report import weekly as weekly_report
        from firsthand.insights.rollups import engine as insights_counts
        from firsthand.publishing.feeds import operations as feeds
        from firsthand.webhooks import engine as webhook_engine

        next_inbox = next_streams = next_counts = 0.0
        while not self.stopped.is_set():
            try:
                close_old_connections()
                busy = run_once(self.worker_id)
                busy += ingest.guarded(partial(webhook_engine.run_once, self.worker_id))  # sends, never waits
                # Every couple of seconds, or at once when a live stream rings, the same thread reads
                # the inbox and tells the authors of posts that reached their time still waiting for
                # approval.
                # Each step on its own: a failure in one (a bad item in the inbox) never stops the others.
                if time.monotonic() >= next_inbox or streams.doorbell.is_set():
                    next_inbox = time.monotonic() + 2
                    busy += ingest.guarded(ingest.run_once)
                    ingest.guarded(tell_overdue)
                    # Follower audits: a few seconds of paging at most per tick (insights/followers/engine.py).
                    busy += ingest.guarded(partial(follower_audits.run_once, self.worker_id))
                    busy += ingest.guarded(feeds.run_once)  # RSS/Atom feeds due a check (publishing/feeds)
                    # Published posts' figures for Insights → Posts (insights/posts/engine.py).
                    ingest.guarded(post_figures.run_once)
                    ingest.guarded(weekly_report.run_once)  # Monday's email of last week's Insights report
                if time.monotonic() >= next_counts:
                    # Insights' hourly counts: pages count the messages past their mark live, so a
                    # slower beat only makes that live part a little longer (insights/rollups/engine.py).
                    next_counts = time.monotonic() + insights_counts.EVERY_SECONDS
                    ingest.guarded(insights_counts.run_once)
                if time.monotonic() >= next_streams:
                    next_streams = time.monotonic() + streams.TICK_SECONDS
                    ingest.guarded(self.streams.tick)
                if not busy:
                    streams.doorbell.wait(self.idle_seconds)
            except Exception:
                logger.exception("the publishing loop failed; starting again in 5 seconds")
                self.stopped.wait(5)
        self.streams.close()
        webhook_engine.stop()
        connection.close()

    def stop(self, timeout: float = 30):
        # The loop finishes the batch it holds; anything left keeps its claim until it expires.
        self.stopped.set()
        if self.thread.ident is not None:  # started
            self.thread.join(timeout=timeout)
