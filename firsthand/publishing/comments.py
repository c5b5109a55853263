"""First comments: sent once the post is published, as their own step, exactly once.

A delivery published with a first comment gets comment_state "pending" in the same UPDATE that records the
post as published. The worker that published it claims the comment straight away (the usual case: one more
call right after the post), and every worker's loop claims the others: a comment waiting to retry after a
transient failure, or one whose worker died mid-attempt (its claim ran out). A claim is the same conditional
UPDATE as a post's, on the claim columns the published post no longer needs, so any number of workers share
the work and one that dies is replaced.

Exactly once: every attempt carries the same key (`<delivery key>-comment`); an attempt that may have reached
the network (a lost answer, a dead worker) sets comment_needs_reconcile, and the next attempt first asks
find_published() whether it is there, as posts do (networks/lookup.py). Nothing here sends the post again:
a comment that fails stays failed, with the network's reason, until someone presses Retry.

A person's side of it is at the end: the comment counted like a part of the post before it is scheduled
(comment_problems), and that Retry (retry_comment).
"""

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.networks import registry
from firsthand.networks.base import NetworkError, OutgoingPost
from firsthand.publishing.models import Delivery, LinkSettings
from firsthand.publishing.states import CommentState, State
from firsthand.team import scope

logger = logging.getLogger("firsthand.publishing")

MAX_ATTEMPTS = 8
BACKOFF_CAP_SECONDS = 60 * 60
C = CommentState


def claim(worker_id: str, batch: int = 100, only: int | None = None) -> list[int]:
    """Take up to `batch` first comments that are due (or only the one of delivery `only`)."""
    now = timezone.now()
    due = Delivery.objects.filter(state=State.PUBLISHED).filter(
        Q(comment_state=C.PENDING)
        | Q(comment_state=C.RETRYING, comment_next_at__lte=now)
        # A claim that ran out: its worker died or hung mid-attempt.
        | Q(comment_state=C.SENDING, claimed_until__lt=now)
    )
    if only is not None:
        due = due.filter(pk=only)
    due = due.order_by("published_at", "pk").values_list("pk", flat=True)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            due = due.select_for_update(skip_locked=True, of=("self",))
        ids = list(due[:batch])
        if not ids:
            return []
        # Whoever held these may have reached the network before dying.
        Delivery.objects.filter(pk__in=ids, comment_state=C.SENDING).update(comment_needs_reconcile=True)
        Delivery.objects.filter(pk__in=ids).update(
            comment_state=C.SENDING,
            claimed_by=worker_id,
            claimed_until=now + timedelta(seconds=settings.PUBLISH_CLAIM_SECONDS),
        )
    return ids


def run_once(worker_id: str, batch: int = 100, only: int | None = None) -> int:
    ids = claim(worker_id, batch, only)
    deliveries = Delivery.objects.select_related("post__workspace", "account").filter(
        pk__in=ids, comment_state=C.SENDING, claimed_by=worker_id
    )
    for delivery in deliveries:
        try:
            send_one(delivery, worker_id)
        except Exception:
            # A bug, not a network answer: the claim runs out and another attempt looks before sending.
            logger.exception("first comment of delivery %s failed unexpectedly", delivery.pk)
    return len(ids)


def send_one(delivery: Delivery, worker_id: str) -> None:
    account = delivery.account
    connector = registry.connector(account.network)
    text = delivery.outgoing_comment(LinkSettings.for_workspace(delivery.post.workspace))
    if not text:
        # Changed since it was published (the network lost its comments in an update): nothing to send.
        finish(delivery, worker_id, C.FAILED, comment_error="There is no first comment to send for this network.")
        return
    if account.needs_reconnect:
        failed(delivery, worker_id, f"{account} needs reconnecting: {account.health_reason}")
        return
    try:
        found = None
        if delivery.comment_needs_reconcile:
            if not connector.limits.can_look_up_by_key:
                failed(
                    delivery,
                    worker_id,
                    f"An earlier attempt may have reached {account.get_network_display()}, which cannot be asked "
                    "about it. Look under the post there before you retry.",
                )
                return
            # Before any retry: did the last attempt reach the network after all?
            found = connector.find_published(account, delivery.comment_key)
        outgoing = OutgoingPost(
            text=text,
            idempotency_key=delivery.comment_key,
            reply_to=delivery.remote_ids[0],  # under the post itself, not under the last part of a thread
            audience=delivery.post.audience,
        )
        sent = found or connector.publish(account, outgoing)
    except NetworkError as error:
        network_failed(delivery, worker_id, error)
        return
    if finish(
        delivery,
        worker_id,
        C.SENT,
        comment_remote_id=sent.remote_id[:300],
        comment_sent_at=timezone.now(),
        comment_error="",
        comment_needs_reconcile=False,
    ):
        record(
            "publishing.first_comment_sent",
            f"First comment sent on {account}" + (" (found from an earlier attempt)" if found else ""),
            workspace=delivery.post.workspace,
            actor=delivery.post.author,
            delivery=delivery.pk,
        )


def finish(delivery: Delivery, worker_id: str, target: CommentState, **fields) -> bool:
    """Write the outcome only while the claim is still ours."""
    delivery.move_comment(target)
    fields.update(comment_state=target, claimed_by="", claimed_until=None)
    updated = Delivery.objects.filter(pk=delivery.pk, comment_state=C.SENDING, claimed_by=worker_id).update(**fields)
    if not updated:
        # Nothing updated: another worker took the comment over after our claim ran out.
        logger.warning("delivery %s: first comment's claim lost to another worker", delivery.pk)
    return bool(updated)


def failed(delivery: Delivery, worker_id: str, reason: str, **fields) -> None:
    if not finish(delivery, worker_id, C.FAILED, comment_error=reason, **fields):
        return
    record(
        "publishing.first_comment_failed",
        f"The first comment on {delivery.account} failed: {reason}",
        workspace=delivery.post.workspace,
        actor=delivery.post.author,
        delivery=delivery.pk,
    )
    tell_about_failure(delivery, reason)


def network_failed(delivery: Delivery, worker_id: str, error: NetworkError) -> None:
    maybe_sent = delivery.comment_needs_reconcile or error.outcome_unknown
    if error.auth:
        delivery.account.mark_needs_reconnect(error.message)
        failed(delivery, worker_id, f"{delivery.account} needs reconnecting: {error.message}")
        return
    if not error.transient:
        failed(delivery, worker_id, error.message, comment_needs_reconcile=maybe_sent)
        return
    attempts = delivery.comment_attempts + 1
    if attempts >= MAX_ATTEMPTS:
        # A Retry later still looks first (comment_needs_reconcile stays), so giving up never duplicates.
        failed(
            delivery,
            worker_id,
            f"Gave up after {attempts} attempts. Last answer: {error.message}",
            comment_attempts=attempts,
            comment_needs_reconcile=maybe_sent,
        )
        return
    delay = min(BACKOFF_CAP_SECONDS, settings.PUBLISH_RETRY_BASE_SECONDS * 2 ** (attempts - 1))
    delay *= random.uniform(0.8, 1.2)  # nosec B311 # retry jitter, not a secret
    retry_at = timezone.now() + timedelta(seconds=delay)
    if error.retry_at and error.retry_at > retry_at:
        retry_at = error.retry_at  # the network said when; asking sooner only fails again
    finish(
        delivery,
        worker_id,
        C.RETRYING,
        comment_attempts=attempts,
        comment_next_at=retry_at,
        comment_error=error.message,
        comment_needs_reconcile=maybe_sent,
    )


def tell_about_failure(delivery: Delivery, reason: str) -> None:
    """The author and the approvers hear of it, as of a post that did not go out: the post is up, its
    comment is not, and only a person can say whether to try again."""
    from django.urls import reverse

    from firsthand.notices.send import notify
    from firsthand.team.permissions import Capability

    workspace = delivery.post.workspace
    approvers = [m.user for m in workspace.memberships.select_related("user") if m.can(Capability.APPROVE)]
    url = reverse("publishing:post", kwargs={"slug": workspace.slug, "post_id": delivery.post_id})
    notify(
        workspace,
        [delivery.post.author, *approvers],
        f"The post to {delivery.account} is published, but its first comment was not sent: {reason}",
        url,
        kind="post.failed",
    )


# --- what people do about first comments: the count before scheduling, a retry after a failure ---------


def comment_problems(delivery: Delivery, link_settings=None) -> list[str]:
    """The first comment counted against the network's limit, like a part of the post; an account's own
    first comment on a network that takes none is refused rather than silently dropped."""
    from firsthand.publishing.checks import check_comment

    network = delivery.account.network
    if delivery.comment_variant.strip() and network not in registry.FIRST_COMMENTS:
        return [registry.NO_FIRST_COMMENT.get(network, f"{network} takes no first comment in firsthand.")]
    return check_comment(delivery.account, delivery.outgoing_comment(link_settings))


def retry_comment(membership, delivery: Delivery) -> None:
    """Send a failed first comment again, and only it: the post is out and stays as it is. The comment
    passes the guard again (the rules may have changed since); a lost answer is looked for before sending."""
    from firsthand.guard.checks import BLOCK
    from firsthand.guard.checks import check as guard_check
    from firsthand.publishing.operations import PublishingError  # not at the top: operations imports this module

    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("account", "post__workspace").get(pk=delivery.pk)
        scope.require(membership, delivery.account)
        if delivery.state != State.PUBLISHED or delivery.comment_state != C.FAILED:
            raise PublishingError("Only a first comment that failed, under a published post, can be tried again.")
        if not delivery.remote_ids:
            raise PublishingError(
                f"The post's id on {delivery.account.get_network_display()} is not known (it was marked as "
                "published by hand), so there is nothing to put the comment under."
            )
        if delivery.account.needs_reconnect:
            raise PublishingError(f"{delivery.account} needs reconnecting first: {delivery.account.health_reason}")
        text = delivery.outgoing_comment(LinkSettings.for_workspace(delivery.post.workspace))
        blocked = [
            found.reason for found in guard_check(text, delivery.account, post=delivery.post) if found.severity == BLOCK
        ]
        if blocked:
            raise PublishingError("This first comment can't go out: " + "; ".join(blocked) + ".")
        delivery.move_comment(C.PENDING, comment_attempts=0, comment_next_at=None, comment_error="")
        delivery.save(
            update_fields=["comment_state", "comment_attempts", "comment_next_at", "comment_error", "updated_at"]
        )
        record(
            "publishing.first_comment_retried",
            f"{membership.user} retried the first comment on {delivery.account}",
            actor=membership.user,
            workspace=delivery.post.workspace,
            delivery=delivery.pk,
        )
