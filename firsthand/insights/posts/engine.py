"""The worker job that reads each published post's figures from its network into PostFigures.

Each tick takes the posts whose read is due, newest first (a post's figures move most in its first
hours), at most BATCH of them, and reads them account by account in one call per account where the
network takes several ids. Workers share the work as the inbox's polling does: a row is claimed by
moving its `next_fetch_at` with a conditional UPDATE, so two workers never read the same post at once.

A failure stays with its account: a rate limit waits until the network's reset time, a refusal (a
network without figures, X's words on a tier without them) is kept on the rows and shown on the Posts
tab, revoked credentials mark the account for reconnecting, and the next account is read all the same.
"""

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from firsthand.insights.posts.models import PostFigures
from firsthand.networks import registry
from firsthand.networks.base import NetworkError, post_metrics
from firsthand.networks.models import ConnectedAccount
from firsthand.publishing.models import Delivery
from firsthand.publishing.states import State

logger = logging.getLogger("firsthand.insights")

WATCH_DAYS = 30  # older posts keep their last figures: they hardly move, and every read costs rate limit
BATCH = 100  # posts read per tick, across accounts
REFUSED_WAIT = timedelta(days=1)  # a network that refused is asked again a day later (access may change)
GONE = "The network no longer has this post (deleted there); its last figures are kept."


def next_read(published_at, now):
    """Young posts are read often, older ones seldom: figures settle within days."""
    age = now - published_at
    if age < timedelta(hours=6):
        return now + timedelta(minutes=10)
    if age < timedelta(days=2):
        return now + timedelta(hours=1)
    return now + timedelta(hours=12)


def add_new(now) -> None:
    """A row, due at once, for each post published in the watch window that has none yet."""
    fresh = (
        Delivery.objects.filter(state=State.PUBLISHED, published_at__gte=now - timedelta(days=WATCH_DAYS), figures=None)
        .exclude(remote_ids=[])
        .order_by("-published_at")
        .values_list("pk", flat=True)[:500]
    )
    PostFigures.objects.bulk_create(
        [PostFigures(delivery_id=pk, next_fetch_at=now) for pk in fresh], ignore_conflicts=True
    )


def due(now, limit: int):
    return list(
        PostFigures.objects.filter(
            next_fetch_at__lte=now,
            delivery__published_at__gte=now - timedelta(days=WATCH_DAYS),
            delivery__account__disconnected_at=None,
        )
        .exclude(delivery__account__health=ConnectedAccount.Health.NEEDS_RECONNECT)
        .select_related("delivery__account")
        .order_by("-delivery__published_at")[:limit]
    )


def run_once(limit: int = BATCH) -> int:
    """Read the figures of up to `limit` due posts; the number of posts whose figures were stored."""
    now = timezone.now()
    add_new(now)
    by_account = {}
    for row in due(now, limit):
        # Claimed for a few minutes: another worker skips it; a worker that dies lets it come due again.
        claimed = PostFigures.objects.filter(pk=row.pk, next_fetch_at=row.next_fetch_at).update(
            next_fetch_at=now + timedelta(minutes=5)
        )
        if claimed:
            by_account.setdefault(row.delivery.account_id, []).append(row)
    stored = 0
    for rows in by_account.values():
        try:
            stored += read_account(rows, now)
        except Exception as problem:
            # A reader's bug or an answer not as documented: this account waits and says why; the others go on.
            logger.exception("reading post figures of account %s failed", rows[0].delivery.account_id)
            failed(rows, f"firsthand could not read what the network sent ({type(problem).__name__}).", now, 4)
    return stored


def read_account(rows: list[PostFigures], now) -> int:
    account = rows[0].delivery.account
    by_remote = {row.delivery.remote_ids[0]: row for row in rows}
    try:
        found = post_metrics(registry.connector(account.network), account, list(by_remote))
    except NetworkError as error:
        if error.auth:
            account.mark_needs_reconnect(error.message)
        if error.transient:
            wait = error.retry_at - now if error.retry_at and error.retry_at > now else timedelta(minutes=15)
            failed(rows, error.message, now, wait / timedelta(hours=1))
        else:
            failed(rows, error.message, now, REFUSED_WAIT / timedelta(hours=1))
        return 0
    for remote_id, row in by_remote.items():
        figures = found.get(remote_id)
        if figures is None:
            failed([row], GONE, now, REFUSED_WAIT / timedelta(hours=1))
            continue
        PostFigures.objects.filter(pk=row.pk).update(
            replies=figures.replies,
            likes=figures.likes,
            reposts=figures.reposts,
            quotes=figures.quotes,
            clicks=figures.clicks,
            fetched_at=now,
            error="",
            error_at=None,
            next_fetch_at=next_read(row.delivery.published_at, now),
        )
    return sum(1 for remote_id in by_remote if remote_id in found)


def failed(rows: list[PostFigures], reason: str, now, hours: float) -> None:
    PostFigures.objects.filter(pk__in=[row.pk for row in rows]).update(
        error=reason[:500], error_at=now, next_fetch_at=now + timedelta(hours=hours)
    )


def refused(account_ids) -> dict[int, str]:
    """Per account, why its figures could not be read lately (the newest reason), for the Posts tab."""
    rows = (
        PostFigures.objects.filter(delivery__account_id__in=account_ids)
        .exclude(Q(error="") | Q(error=GONE))
        .order_by("delivery__account_id", "-error_at")
        .values_list("delivery__account_id", "error")
    )
    reasons = {}
    for account_id, error in rows:
        reasons.setdefault(account_id, error)
    return reasons
