"""Figures kept in the cache until anything they are counted from changes.

Twenty teammates opening Insights at once ask for the same figures again and again; one web process
works them out one at a time (Python holds one core), so even 60 ms a page queued them up behind each
other. A figure is kept under everything it depends on: the workspace, the period and filters, the
accounts the member may see, the zone, and `version`: the newest interaction's id and the latest
relabelling (any message or answer arriving, in any workspace, or changing kind), the response targets
and opening hours, the owners, and the accounts' handles. So a kept figure is the one the rollups and
the raw rows would give at that moment; names of teammates shown in it may lag by KEEP_SECONDS.

A busy inbox changes `version` every few seconds, and working a whole Conversations page out again takes
0.1–0.4 s at a million messages, during which the one web process serves nobody else; twenty teammates
then queue behind every arriving message. So a page (not the single figures it is made of, which are
always current) may be shown as it was up to INSIGHTS_STALE_SECONDS ago (30 s; 0 turns this off); from half
that age one background thread works it out again, and the page says when its figures were counted.
"""

import hashlib
import logging
import queue
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Max
from django.utils import timezone, translation

from firsthand.team import scope

logger = logging.getLogger("firsthand.insights")
KEEP_SECONDS = 5 * 60


def version(membership) -> tuple:
    """What changes when any figure's inputs do (a handful of small lookups, once per request)."""
    found = getattr(membership, "_insights_version", None)
    if found is None:
        found = membership._insights_version = worked_out(membership)
    return found


def worked_out(membership) -> tuple:
    from firsthand.inbox.models import Interaction, ResponseTargets
    from firsthand.networks.models import ConnectedAccount
    from firsthand.team.permissions import Role

    workspace = membership.workspace
    newest = Interaction.objects.aggregate(n=Max("pk"))["n"]
    relabelled = Interaction.objects.aggregate(t=Max("relabelled_at"))["t"]
    targets = ResponseTargets.for_workspace(workspace)
    return (
        newest,
        relabelled and relabelled.isoformat(),
        targets.first_response_minutes,
        targets.next_response_minutes,
        f"{targets.opens_at}",
        f"{targets.closes_at}",
        targets.open_days,
        sorted(workspace.memberships.filter(role=Role.OWNER).values_list("user_id", flat=True)),
        sorted(ConnectedAccount.objects.filter(workspace=workspace).values_list("pk", "handle", "network")),
    )


def kept(name: str, membership, period, compute, *more, stale_ok: bool = False):
    """`compute()`, or what it gave last time for the same figure, member's reach and inputs. With
    `stale_ok` (a whole page's figures, one snapshot), what it gave for earlier inputs is still shown
    while it is younger than INSIGHTS_STALE_SECONDS, and worked out again in the background meanwhile."""
    ids = scope.account_ids(membership)
    what = repr(
        (
            name,
            membership.workspace_id,
            f"{period.since}",
            f"{period.until}",
            period.account and period.account.pk,
            period.network,
            ids and sorted(ids),
            timezone.get_current_timezone().key,
            more,
        )
    )
    key = "insights:" + hashlib.sha256(what.encode()).hexdigest()  # short, and no spaces for memcached
    current = version(membership)
    found = cache.get(key)
    if found is not None:
        made_for, made_at, value = found
        if made_for == current:
            return value
        age, window = time.time() - made_at, settings.INSIGHTS_STALE_SECONDS
        if stale_ok and age < window:
            # Worked out again once it is half the window old: however fast messages arrive, a page costs
            # the process at most two refreshes a window.
            if age >= window / 2:
                refresh_later(key, lambda: store(key, current, compute))
            return value
    return store(key, current, compute)


def store(key: str, made_for: tuple, compute):
    made_at = time.time()  # before: a figure is as old as the moment its counting began
    value = compute()
    cache.set(key, (made_for, made_at, value), KEEP_SECONDS)
    return value


# Figures being worked out again in this process, so twenty teammates on a stale page start one refresh.
refreshing: set[str] = set()
lock = threading.Lock()


def refresh_later(key: str, work) -> None:
    with lock:
        if key in refreshing:
            return
        refreshing.add(key)
    zone, language = timezone.get_current_timezone(), translation.get_language()

    def run():
        try:
            with timezone.override(zone), translation.override(language):
                work()
        except Exception:
            # The stale figures stay until they are too old; then the next view works them out itself.
            logger.exception("insights figures could not be worked out again")
        finally:
            with lock:
                refreshing.discard(key)

    start(run)


def start(run) -> None:
    """Queue `run` for this process's one refreshing thread (tests replace this to run it when they choose).
    One thread, not one per page: each refresh holds Python's one lock for a few hundred milliseconds, and
    several at once slowed every view the process serves meanwhile."""
    global refresher
    with lock:
        if refresher is None or not refresher.is_alive():  # none yet, or this is a forked web process
            refresher = threading.Thread(target=refresh_queued, name="insights-refresh", daemon=True)
            refresher.start()
    queued.put(run)


queued: queue.SimpleQueue = queue.SimpleQueue()
refresher: threading.Thread | None = None


def refresh_queued() -> None:
    while True:
        run = queued.get()
        try:
            run()
        finally:
            connections.close_all()  # this thread's own
