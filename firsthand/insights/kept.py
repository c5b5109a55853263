"""Figures kept in the cache until anything they are counted from changes.

Twenty teammates opening Insights at once ask for the same figures again and again; one web process
works them out one at a time (Python holds one core), so even 60 ms a page queued them up behind each
other. A figure is kept under everything it depends on: the workspace, the period and filters, the
accounts the member may see, the zone, and `version`: the newest interaction's id and the latest
relabelling (any message or answer arriving, in any workspace, or changing kind), the response targets
and opening hours, the owners, and the accounts' handles. So a kept figure is the one the rollups and
the raw rows would give at that moment; names of teammates shown in it may lag by KEEP_SECONDS.
"""

import hashlib

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from firsthand.team import scope

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


def kept(name: str, membership, period, compute, *more):
    """`compute()`, or what it gave last time for the same figure, member's reach and inputs."""
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
            version(membership),
        )
    )
    key = "insights:" + hashlib.sha256(what.encode()).hexdigest()  # short, and no spaces for memcached
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, KEEP_SECONDS)
    return found
