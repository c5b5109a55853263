"""What the team can do to itself, with the rules that keep a workspace safe.

Each function checks its own rules, changes the database in one transaction,
and writes the audit log. Views and commands call these; nothing else
changes memberships.
"""

import logging
import secrets

from django.db import transaction
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.team import scope, throttle
from firsthand.team.access import require
from firsthand.team.models import Invite, Membership, SetupToken, TwoFactorPolicy, User, Workspace
from firsthand.team.permissions import Capability, Role

logger = logging.getLogger(__name__)


class TeamError(Exception):
    """A change that the rules refuse; the message is shown to the person as is."""


# --- First run ---------------------------------------------------------------------


def new_setup_token() -> str | None:
    """A fresh one-time setup token, or None when the app already has people."""
    if User.objects.exists():
        return None
    token = secrets.token_urlsafe(32)
    SetupToken.objects.create(token_hash=SetupToken.hash(token))
    return token


def setup_token_is_valid(token: str) -> bool:
    return not User.objects.exists() and SetupToken.objects.filter(token_hash=SetupToken.hash(token)).exists()


def create_first_owner(
    token: str, *, name: str, email: str, password: str, workspace_name: str, timezone_name: str
) -> Membership:
    with transaction.atomic():
        # Deleting the token is the claim: of two people racing with one link,
        # only the one whose delete removed a row goes on.
        deleted, _ = SetupToken.objects.filter(token_hash=SetupToken.hash(token)).delete()
        if not deleted or User.objects.exists():
            raise TeamError("This setup link has already been used. Sign in instead.")
        SetupToken.objects.all().delete()
        return create_owner(
            name=name, email=email, password=password, workspace_name=workspace_name, timezone_name=timezone_name
        )


def create_owner(
    *, name: str, email: str, password: str, workspace_name: str, timezone_name: str = "UTC", is_demo=False
) -> Membership:
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise TeamError(f"There is already an account for {email}.")
        user = User.objects.create_user(email=email, password=password, name=name)
        membership = create_workspace(user, workspace_name, timezone_name=timezone_name, is_demo=is_demo)
        return membership


def create_workspace(user: User, name: str, *, timezone_name: str = "UTC", is_demo=False) -> Membership:
    with transaction.atomic():
        workspace = Workspace.objects.create(name=name, timezone=timezone_name, is_demo=is_demo)
        membership = Membership.objects.create(user=user, workspace=workspace, role=Role.OWNER)
        record("team.workspace_created", f"{user} created the workspace {workspace}", actor=user, workspace=workspace)
        return membership


# --- Changing one's email ----------------------------------------------------------------
# The password is checked before (forms.AccountForm); here the new address must prove it is theirs.


def create_invite(actor: Membership, *, role: str, email: str = "", accounts=()) -> Invite:
    """An invite link; `accounts`, when given, limits the staff member or viewer it makes to them."""
    require(actor, Capability.MANAGE_TEAM)
    workspace = actor.workspace
    email = email.strip().lower()
    accounts = list(accounts)
    if email and Membership.objects.filter(workspace=workspace, user__email__iexact=email).exists():
        raise TeamError(f"{email} is already a member of {workspace}.")
    if accounts and role not in (Role.STAFF, Role.VIEWER):
        raise TeamError("Owners and managers always reach every account: invite them as staff or viewer to limit them.")
    if any(account.workspace_id != workspace.pk for account in accounts):
        raise TeamError("One of those accounts isn't this workspace's.")
    with transaction.atomic():
        invite = Invite.objects.create(
            workspace=workspace, email=email, role=role, created_by=actor.user, all_accounts=not accounts
        )
        invite.limited_to_accounts.set(accounts)
        who = email or "someone with the link"
        handles = sorted(account.handle for account in accounts)
        record(
            "team.invite_created",
            f"{actor.user} invited {who} as {Role(role).label.lower()}"
            + (f", limited to {', '.join(handles)}" if handles else ""),
            actor=actor.user,
            workspace=workspace,
            invite_id=invite.pk,
            role=role,
            email=email,
            accounts=handles,
        )
    return invite


def find_pending_invite(token: str) -> tuple[Invite | None, str]:
    """The invite behind a link, or None with the reason to show."""
    nonce = Invite.nonce_from_token(token)
    invite = Invite.objects.select_related("workspace", "created_by").filter(nonce=nonce).first() if nonce else None
    if invite is None:
        return None, "This invite link isn't valid. It may have been replaced by a newer link; ask for a new one."
    if invite.accepted_at:
        return None, "This invite link has already been used. Each link works once; ask for a new one."
    if invite.revoked_at:
        return None, "This invite was withdrawn. Ask the workspace owner for a new one."
    if invite.is_expired:
        return None, "This invite link has expired. Ask the workspace owner for a new one."
    return invite, ""


def accept_invite(token: str, user: User) -> Membership:
    with transaction.atomic():
        invite, reason = find_pending_invite(token)
        if invite is None:
            raise TeamError(reason)
        if Membership.objects.filter(workspace=invite.workspace, user=user).exists():
            raise TeamError(f"You are already a member of {invite.workspace}.")
        if not invite.is_for(user.email):
            raise TeamError(wrong_person(invite))
        # The conditional update is the claim: a link opened twice at once makes one member.
        claimed = Invite.objects.filter(pk=invite.pk, accepted_at=None).update(
            accepted_at=timezone.now(), accepted_by=user
        )
        if not claimed:
            raise TeamError("This invite link has already been used. Each link works once; ask for a new one.")
        membership = Membership.objects.create(
            user=user, workspace=invite.workspace, role=invite.role, all_accounts=invite.all_accounts
        )
        if not invite.all_accounts:  # an account disconnected since leaves fewer, never every one
            membership.limited_to_accounts.set(invite.limited_to_accounts.all())
        record(
            "team.invite_accepted",
            f"{user} joined as {Role(invite.role).label.lower()}",
            actor=user,
            workspace=invite.workspace,
            invite_id=invite.pk,
        )
        return membership


def wrong_person(invite: Invite) -> str:
    return (
        f"This invite is for {invite.email}, and only that address can accept it. "
        f"Sign in or sign up with it, or ask {invite.created_by or 'the owner'} for a link for your address."
    )


def sign_up_with_invite(token: str, *, name: str, email: str, password: str) -> Membership:
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise TeamError(f"There is already an account for {email}. Sign in to accept the invite.")
        user = User.objects.create_user(email=email, password=password, name=name)
        return accept_invite(token, user)


def revoke_invite(actor: Membership, invite: Invite) -> None:
    Invite.objects.filter(pk=invite.pk).update(revoked_at=timezone.now())
    record(
        "team.invite_revoked",
        f"{actor.user} withdrew an invite",
        actor=actor.user,
        workspace=actor.workspace,
        invite_id=invite.pk,
    )


def renew_invite(actor: Membership, invite: Invite) -> None:
    invite.renew()
    record(
        "team.invite_renewed",
        f"{actor.user} made a new invite link",
        actor=actor.user,
        workspace=actor.workspace,
        invite_id=invite.pk,
    )


# --- Roles and removal -------------------------------------------------------------------


def _other_owners(membership: Membership):
    return (
        Membership.objects.select_for_update()
        .filter(workspace=membership.workspace, role=Role.OWNER)
        .exclude(pk=membership.pk)
    )


def change_role(actor: Membership, target: Membership, new_role: str) -> None:
    new_role = Role(new_role)
    with transaction.atomic():
        target = Membership.objects.select_for_update().select_related("user").get(pk=target.pk)
        if target.role == new_role:
            return
        if target.role == Role.OWNER and not _other_owners(target).exists():
            raise TeamError(f"{target.user} is the only owner. Make someone else an owner first.")
        old = Role(target.role)
        target.role = new_role
        target.save(update_fields=["role"])
        if not scope.can_be_limited(target):
            # Owners and managers reach every account; a limit kept aside would surprise whoever
            # makes them staff again months later.
            target.all_accounts = True
            target.save(update_fields=["all_accounts"])
            target.limited_to_accounts.clear()
        record(
            "team.role_changed",
            f"{actor.user} changed {target.user} from {old.label.lower()} to {new_role.label.lower()}",
            actor=actor.user,
            workspace=actor.workspace,
            member=target.user.email,
            old_role=old,
            new_role=new_role,
        )


def limit_accounts(actor: Membership, target: Membership, accounts) -> None:
    """Let a staff member or viewer use only these accounts; an empty list gives back every account."""
    require(actor, Capability.MANAGE_TEAM)
    accounts = list(accounts)
    with transaction.atomic():
        target = Membership.objects.select_for_update().select_related("user", "workspace").get(pk=target.pk)
        if accounts and not scope.can_be_limited(target):
            raise TeamError(
                f"{target.user} is {target.role_label.lower()}: owners and managers always reach every account. "
                "Make them staff to limit them."
            )
        if any(account.workspace_id != target.workspace_id for account in accounts):
            raise TeamError("One of those accounts isn't this workspace's.")
        before = [] if target.all_accounts else sorted(target.limited_to_accounts.values_list("handle", flat=True))
        after = sorted(account.handle for account in accounts)
        if before == after:
            return
        target.all_accounts = not accounts
        target.save(update_fields=["all_accounts"])
        target.limited_to_accounts.set(accounts)
        what = (
            "limited {} to {}".format(target.user, ", ".join(after)) if after else f"gave {target.user} every account"
        )
        record(
            "team.accounts_limited",
            f"{actor.user} {what}",
            actor=actor.user,
            workspace=actor.workspace,
            member=target.user.email,
            before=before,
            after=after,
        )


def unlock_sign_in(actor: Membership, target: Membership) -> None:
    """Clear a member's failed sign-ins, from every address (the throttle forgets them)."""
    throttle.forget_failures(target.user.email)
    record(
        "team.sign_in_unlocked",
        f"{actor.user} let {target.user} sign in again after failed attempts",
        actor=actor.user,
        workspace=actor.workspace,
        member=target.user.email,
    )


def set_two_factor_policy(actor: Membership, policy: str) -> None:
    """Who must use a second factor in this workspace. The owners' call, like the team itself."""
    require(actor, Capability.MANAGE_TEAM)
    policy = TwoFactorPolicy(policy)
    workspace = actor.workspace
    old = TwoFactorPolicy(workspace.two_factor_policy)
    if old == policy:
        return
    Workspace.objects.filter(pk=workspace.pk).update(two_factor_policy=policy)
    workspace.two_factor_policy = policy
    record(
        "team.two_factor_policy_changed",
        f"{actor.user} set two-factor sign-in required for: {policy.label.lower()} (was {old.label.lower()})",
        actor=actor.user,
        workspace=workspace,
        old=old.value,
        new=policy.value,
    )


def sign_out_member(actor: Membership, target: Membership) -> None:
    """An owner ends every session of a member (a lost phone, a shared computer), without removing them."""
    require(actor, Capability.MANAGE_TEAM)
    target.user.end_all_sessions()
    record(
        "team.member_signed_out",
        f"{actor.user} signed {target.user} out on every device",
        actor=actor.user,
        workspace=actor.workspace,
        member=target.user.email,
    )


def remove_member(actor: Membership, target: Membership) -> None:
    with transaction.atomic():
        target = Membership.objects.select_for_update().select_related("user", "workspace").get(pk=target.pk)
        if target.role == Role.OWNER and not _other_owners(target).exists():
            if target.pk == actor.pk:
                raise TeamError("You are the only owner. Make someone else an owner before you leave.")
            raise TeamError(f"{target.user} is the only owner and can't be removed.")
        user = target.user
        target.delete()
        # Access ends now, not when their session expires: every session they
        # hold is invalidated, in every browser.
        user.end_all_sessions()
        record(
            "team.member_removed",
            f"{actor.user} removed {user} from the workspace",
            actor=actor.user,
            workspace=target.workspace,
            member=user.email,
        )
