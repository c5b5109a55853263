"""The follower audit job: claim an audit, read its account's followers page by page, judge, store.

Runs in every worker's loop beside the publishing engine. An audit is claimed by a conditional UPDATE
that only one worker wins, with a lease (`claimed_until`) renewed after every page: a worker that dies
leaves a lease that runs out, and the next worker resumes from the stored cursor. Each page is stored in
one transaction with its counters and the cursor after it, so a crash between pages loses nothing and a
crash inside one stores nothing of it; the page is read again, and (audit, remote id) being unique
means a follower is never counted twice. Cancel is a state change the worker sees at its next page.
A worker holds an audit for at most RUN_SECONDS, then lets go, so publishing (same loop, lateness target
1 s) never waits behind a 100,000-follower audit; such an audit then takes about 20 s of wall time.
"""

import logging
import re
import time
from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from firsthand.insights.followers.models import AuditedFollower, FollowerAudit, FollowerSnapshot
from firsthand.insights.followers.states import AuditState, check_move
from firsthand.judge import judge
from firsthand.networks import registry
from firsthand.networks.base import NetworkError
from firsthand.networks.models import ConnectedAccount
from firsthand.webhooks import payloads as webhooks

logger = logging.getLogger("firsthand.insights")

LEASE_SECONDS = 60
RUN_SECONDS = 1.0
MAX_ATTEMPTS = 8
BACKOFF_CAP_SECONDS = 15 * 60
DISCONNECTED = "The account was disconnected during the audit, so its followers can no longer be read."
SIGNALS = ("followers_count", "following_count", "posts_count", "has_default_avatar", "created_at")


# The judge's reasons carry the profile's own numbers ("follows 4,572 accounts"); counted as they are, every
# bought follower would be a reason of its own. The page counts them by kind.
REASON_KINDS = {
    "follows N, followed by N": "follows far more accounts than follow it",
    "follows N accounts": "follows thousands of accounts",
    "N followers only": "has few followers",
    "no posts": "has never posted",
    "only N posts": "has hardly posted",
    "default picture": "kept the default picture",
}


def reason_kind(reason: str) -> str:
    template = re.sub(r"\d(?:[\d,.]*\d)?", "N", reason)
    return REASON_KINDS.get(template, template)


def claim(worker_id: str) -> FollowerAudit | None:
    now = timezone.now()
    due = (
        Q(state=AuditState.QUEUED)
        | Q(state=AuditState.FETCHING, claimed_until__lt=now)
        | Q(state=AuditState.FETCHING, claimed_until=None)
    )
    waiting_over = Q(next_attempt_at=None) | Q(next_attempt_at__lte=now)
    for pk in FollowerAudit.objects.filter(due, waiting_over).order_by("created_at").values_list("pk", flat=True)[:5]:
        won = FollowerAudit.objects.filter(due, waiting_over, pk=pk).update(
            state=AuditState.FETCHING,
            claimed_by=worker_id,
            claimed_until=now + timedelta(seconds=LEASE_SECONDS),
        )
        if won:
            FollowerAudit.objects.filter(pk=pk, started_at=None).update(started_at=now)
            return FollowerAudit.objects.select_related("account").get(pk=pk)
        # Nothing updated: another worker got there first.
    return None


def run_once(worker_id: str, budget: float = RUN_SECONDS) -> int:
    """Claim one audit and work on it for up to `budget` seconds; the number of pages stored."""
    audit = claim(worker_id)
    return run_claimed(audit, worker_id, budget) if audit else 0


def run_claimed(audit: FollowerAudit, worker_id: str, budget: float = RUN_SECONDS) -> int:
    connector = registry.connector(audit.account.network)
    deadline = time.monotonic() + budget
    pages = 0
    while True:
        account = ConnectedAccount.objects.filter(pk=audit.account_id).first()
        if account is None:
            return pages  # the account was removed, and its audits with it
        if account.disconnected_at is not None:
            finish(audit, worker_id, AuditState.FAILED, error=DISCONNECTED)
            return pages
        try:
            page = connector.list_followers(account, audit.cursor)
        except NetworkError as error:
            network_failed(audit, account, worker_id, error)
            return pages
        if not store_page(audit, worker_id, page):
            return pages  # cancelled, or the claim went to another worker
        pages += 1
        if not page.cursor:
            finish(audit, worker_id, AuditState.DONE)
            return pages
        if time.monotonic() >= deadline:
            # Let go: the next tick (of this worker or another) picks it up from the cursor.
            FollowerAudit.objects.filter(pk=audit.pk, claimed_by=worker_id).update(claimed_until=None)
            return pages


def profile_url(network: str, profile: dict) -> str:
    # X's "url" is the website in the person's bio, not their profile.
    if network == "x":
        return f"https://x.com/{profile.get('handle')}" if profile.get("handle") else ""
    return str(profile.get("url") or "")


def judged_rows(audit: FollowerAudit, profiles: list[dict]) -> list[AuditedFollower]:
    results = judge("follower", profiles)
    network = audit.account.network
    rows = []
    for profile, result in zip(profiles, results, strict=True):
        error = result.get("error")
        rows.append(
            AuditedFollower(
                audit=audit,
                remote_id=str(profile.get("id") or profile.get("handle"))[:255],
                handle=str(profile.get("handle") or "")[:255],
                display_name=str(profile.get("display_name") or "")[:255],
                profile_url=profile_url(network, profile)[:1000],
                score=result.get("score"),
                label="error" if error else result["label"],
                reasons=[error] if error else result["reasons"],
                signals={key: profile.get(key) for key in SIGNALS},
            )
        )
    return rows


def store_page(audit: FollowerAudit, worker_id: str, page) -> bool:
    """The page's followers, its counts and the cursor after it, all or nothing. False when the audit
    was cancelled or claimed by another worker meanwhile (nothing of this page is kept)."""
    rows = judged_rows(audit, page.profiles)
    with transaction.atomic():
        ours = FollowerAudit.objects.select_for_update().filter(
            pk=audit.pk, state=AuditState.FETCHING, claimed_by=worker_id
        )
        current = ours.first()
        if current is None:
            return False
        # A network may give a follower again on a later page (a follow while paging): counted once.
        seen = set(
            AuditedFollower.objects.filter(audit=audit, remote_id__in=[r.remote_id for r in rows]).values_list(
                "remote_id", flat=True
            )
        )
        fresh, ids = [], set()
        for row in rows:
            if row.remote_id not in seen and row.remote_id not in ids:
                fresh.append(row)
                ids.add(row.remote_id)
        AuditedFollower.objects.bulk_create(fresh, batch_size=500)
        bought = [row for row in fresh if row.label == "fake"]
        reasons = Counter(current.reason_counts)
        for row in bought:
            reasons.update({reason_kind(reason) for reason in row.reasons})
        ours.update(
            cursor=page.cursor,
            pages=F("pages") + 1,
            fetched=F("fetched") + len(fresh),
            judged=F("judged") + sum(1 for row in fresh if row.label != "error"),
            bought=F("bought") + len(bought),
            reason_counts=dict(reasons),
            error="",
            attempts=0,
            next_attempt_at=None,
            claimed_until=timezone.now() + timedelta(seconds=LEASE_SECONDS),
        )
    audit.cursor = page.cursor
    return True


def finish(audit: FollowerAudit, worker_id: str, target: AuditState, error: str = "") -> bool:
    check_move(AuditState.FETCHING, target)
    with transaction.atomic():
        now = timezone.now()
        updated = FollowerAudit.objects.filter(pk=audit.pk, state=AuditState.FETCHING, claimed_by=worker_id).update(
            state=target, error=error[:1000], finished_at=now, claimed_by="", claimed_until=None, next_attempt_at=None
        )
        if not updated:
            logger.info("audit %s: no longer ours (cancelled or taken over)", audit.pk)
            return False
        webhooks.audit_finished(audit, target, error)
        if target == AuditState.DONE:
            done = FollowerAudit.objects.get(pk=audit.pk)
            FollowerSnapshot.objects.create(
                audit=done, account_id=done.account_id, taken_at=now, followers=done.fetched,
                real=done.judged - done.bought, bought=done.bought,
            )  # fmt: skip
    return True


def network_failed(audit: FollowerAudit, account, worker_id: str, error: NetworkError) -> None:
    if error.auth:
        account.mark_needs_reconnect(error.message)
    current = FollowerAudit.objects.get(pk=audit.pk)
    if not error.transient or current.attempts + 1 >= MAX_ATTEMPTS:
        finish(audit, worker_id, AuditState.FAILED, error=error.message)
        return
    # Back off: at the network's reset time when it said one, else doubling from 30 seconds.
    wait = min(BACKOFF_CAP_SECONDS, 30 * 2**current.attempts)
    retry_at = error.retry_at or timezone.now() + timedelta(seconds=wait)
    FollowerAudit.objects.filter(pk=audit.pk, state=AuditState.FETCHING, claimed_by=worker_id).update(
        attempts=F("attempts") + 1,
        next_attempt_at=retry_at,
        claimed_until=None,
        error=f"Waiting until {retry_at:%H:%M} UTC: {error.message}"[:1000],
    )
