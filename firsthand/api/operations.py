"""API tokens: made, found, counted and revoked here, for the settings page, the REST API and the MCP endpoint.

A token acts as a member of its workspace would: `Principal` answers the questions operations ask a
Membership (role, capability, which accounts), so the same permission matrix, account scope, guard,
approvals and crisis switch hold for a program as for a person. What it writes is signed as
"Ann via API token “Zapier”", so the audit log and notices say who is behind it.

A token stops working when it is revoked, and when the person who made it is no longer in the workspace,
or no longer has a role at least as high as the token's: nobody hands a program more than they hold.
"""

import copy
import math
import secrets
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from firsthand.api.models import PREFIX_LENGTH, ApiToken, RequestCount, token_hash
from firsthand.audit.log import record
from firsthand.team import scope
from firsthand.team.access import require
from firsthand.team.models import Membership
from firsthand.team.permissions import Capability, Role, allows

RANK = {Role.VIEWER: 0, Role.STAFF: 1, Role.MANAGER: 2, Role.OWNER: 3}
LAST_USE_EVERY = 60  # seconds: last use is a hint for a person, not worth a write on every request


class TokenError(Exception):
    """A request about tokens the rules refuse; the message is shown as is."""


class Principal:
    """A token in the shape operations expect of a Membership."""

    def __init__(self, token: ApiToken, maker: Membership):
        self.token = token
        self.pk = token.pk
        self.workspace = token.workspace
        self.workspace_id = token.workspace_id
        self.role = token.role
        self.all_accounts = token.all_accounts
        self.limited_to_accounts = token.limited_to_accounts
        self.user = signed_as(maker.user, token)

    def can(self, capability: Capability) -> bool:
        return allows(self.role, capability)

    def __str__(self):
        return str(self.user)


def signed_as(user, token: ApiToken):
    """A copy of the token's maker that reads "Ann via API token “Zapier”" wherever a summary names it.

    Rows it writes still point at the person (authors, audit actors), so the team sees who is answerable.
    The copy refuses to be saved: its name is a label, not the person's."""
    label = copy.copy(user)
    label.name = f"{user.name or user.email} via API token “{token.name}”"

    def refuse(*args, **kwargs):
        raise RuntimeError("A token's label of its maker is never saved.")

    label.save = refuse
    return label


def may_give(membership, role: str) -> bool:
    return RANK[Role(role)] <= RANK[Role(membership.role)]


def create(membership, *, name: str, role: str, accounts=None) -> tuple[ApiToken, str]:
    """Make a token; returns it and the secret, which is shown this once and never stored."""
    require(membership, Capability.SETTINGS)
    name = name.strip()
    if not name:
        raise TokenError("Name the token after what will use it, for example “Website chat”.")
    if role not in {r.value for r in Role}:
        raise TokenError("Choose a role for the token.")
    if not may_give(membership, role):
        raise TokenError("A token can't have a higher role than yours.")
    accounts = list(accounts or [])
    if accounts and role not in scope.LIMITABLE_ROLES:
        raise TokenError("Only staff and viewer tokens can be limited to some accounts, as for people.")
    if any(account.workspace_id != membership.workspace.pk for account in accounts):
        raise TokenError("One of those accounts belongs to another workspace.")
    raw = "fh_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            workspace=membership.workspace,
            name=name[:60],
            role=role,
            all_accounts=not accounts,
            prefix=raw[:PREFIX_LENGTH],
            token_hash=token_hash(raw),
            created_by=membership.user,
        )
        token.limited_to_accounts.set(accounts)
        within = f", limited to {', '.join(a.handle for a in accounts)}" if accounts else ""
        record(
            "api.token_created",
            f"{membership.user} created the API token “{token.name}” ({Role(role).label}{within})",
            actor=membership.user,
            workspace=membership.workspace,
            token=token.pk,
        )
    return token, raw


def revoke(membership, token: ApiToken) -> None:
    require(membership, Capability.SETTINGS)
    if token.workspace_id != membership.workspace.pk:
        raise TokenError("No such token.")
    if not ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(
        revoked_at=timezone.now(), revoked_by=membership.user
    ):
        raise TokenError("This token was already revoked.")
    record(
        "api.token_revoked",
        f"{membership.user} revoked the API token “{token.name}”",
        actor=membership.user,
        workspace=membership.workspace,
        token=token.pk,
    )


def tokens_for(workspace):
    return ApiToken.objects.filter(workspace=workspace).select_related("created_by", "revoked_by")


def authenticate(raw: str) -> Principal | None:
    """The principal a bearer token stands for, or None (unknown, revoked, or its maker can no longer give it)."""
    if not raw or len(raw) > 200 or not raw.isascii():
        return None
    token = ApiToken.objects.live().select_related("workspace").filter(token_hash=token_hash(raw)).first()
    if token is None:
        return None
    maker = Membership.objects.select_related("user").filter(
        user_id=token.created_by_id, workspace_id=token.workspace_id
    )
    maker = maker.first()
    if maker is None or not maker.user.is_active or not may_give(maker, token.role):
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USE_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return Principal(token, maker)


def seconds_to_wait(token: ApiToken, now: float | None = None) -> int:
    """0 when this request may go ahead, else how long until the token's minute is over.

    One counter row per token and minute, bumped with UPDATE ... SET count = count + 1: every process of a
    deployment counts into the same row, and two requests at once both count."""
    now = time.time() if now is None else now
    minute = int(now // 60)
    bumped = RequestCount.objects.filter(token=token, minute=minute).update(count=F("count") + 1)
    if not bumped:
        try:
            with transaction.atomic():
                RequestCount.objects.create(token=token, minute=minute, count=1)
        except IntegrityError:  # another process made the row first: count into it
            RequestCount.objects.filter(token=token, minute=minute).update(count=F("count") + 1)
        # Old minutes are of no use; cleared when a new one starts rather than by a job.
        RequestCount.objects.filter(token=token, minute__lt=minute - 1).delete()
    count = RequestCount.objects.filter(token=token, minute=minute).values_list("count", flat=True).first() or 0
    if count <= settings.API_REQUESTS_PER_MINUTE:
        return 0
    return max(1, math.ceil((minute + 1) * 60 - now))
