"""Starting and cancelling follower audits: the one place either is done, whichever door asks."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.insights.followers.models import FollowerAudit
from firsthand.insights.followers.states import RUNNING_STATES, AuditState
from firsthand.networks import registry
from firsthand.team import scope
from firsthand.team.access import require
from firsthand.team.permissions import Capability


class CannotAudit(PermissionDenied):
    """The account's network does not give follower lists, or it is disconnected; shown as is."""


def why_not(account) -> str:
    """Why this account's followers cannot be audited here, or "" when they can."""
    if account.disconnected_at is not None:
        return "This account is disconnected; connect it again to audit its followers."
    if account.network not in registry.FOLLOWER_LISTS:
        label = registry.NETWORK_LABELS.get(account.network, account.network)
        return registry.NO_FOLLOWER_LIST.get(account.network, f"{label} does not give follower lists here.")
    return ""


def running(account) -> FollowerAudit | None:
    return FollowerAudit.objects.filter(account=account, state__in=RUNNING_STATES).first()


def start_audit(membership, account) -> tuple[FollowerAudit, bool]:
    """Queue an audit of the account's followers; (the audit, True) or, when one already runs for the
    account, (that one, False): a second press never starts a second count."""
    require(membership, Capability.MANAGE_ACCOUNTS)
    scope.require(membership, account)
    if account.workspace_id != membership.workspace_id:
        raise CannotAudit("That account is not this workspace's.")
    reason = why_not(account)
    if reason:
        raise CannotAudit(reason)
    existing = running(account)
    if existing:
        return existing, False
    previous = FollowerAudit.objects.filter(account=account, state=AuditState.DONE).order_by("-finished_at").first()
    try:
        with transaction.atomic():
            audit = FollowerAudit.objects.create(
                workspace=membership.workspace,
                account=account,
                started_by=membership.user,
                # The last count, for the progress bar until the network says better.
                total_expected=previous.fetched if previous else None,
            )
    except IntegrityError:
        # Two presses at the same moment: the database let one in; return it.
        return running(account), False
    record(
        "insights.follower_audit_started",
        f"{membership.user.name or membership.user.email} started a follower audit of {account}",
        actor=membership.user,
        workspace=membership.workspace,
        audit=audit.pk,
        account=account.pk,
    )
    return audit, True


def cancel_audit(membership, audit: FollowerAudit) -> bool:
    """Stop a running audit at its next page; False when it had already ended."""
    require(membership, Capability.MANAGE_ACCOUNTS)
    cancelled = FollowerAudit.objects.filter(pk=audit.pk, state__in=RUNNING_STATES).update(
        state=AuditState.CANCELLED, finished_at=timezone.now(), claimed_by="", claimed_until=None
    )
    if cancelled:
        record(
            "insights.follower_audit_cancelled",
            f"{membership.user.name or membership.user.email} cancelled the follower audit of {audit.account}",
            actor=membership.user,
            workspace=membership.workspace,
            audit=audit.pk,
        )
    return bool(cancelled)
