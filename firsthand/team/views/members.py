from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from firsthand.networks.models import ConnectedAccount
from firsthand.team import operations, scope, throttle, twofactor
from firsthand.team.access import workspace_view
from firsthand.team.forms import AccountLimitForm, InviteForm, RoleForm
from firsthand.team.models import Invite, Membership
from firsthand.team.permissions import MATRIX, ROLE_CHOICES, ROLE_SUMMARIES, Capability, Role
from firsthand.team.tasks import send_invite_email
from firsthand.web.links import absolute_url, base_url_for


def invites_with_links(request, workspace):
    base_url = base_url_for(request)
    invites = list(workspace.invites.pending().select_related("created_by").prefetch_related("limited_to_accounts"))
    for invite in invites:
        invite.link = absolute_url("team:invite", base_url, token=invite.token)
    return invites


def team_page(request, membership, invite_form=None, status=200):
    workspace = membership.workspace
    members = list(
        workspace.memberships.select_related("user").prefetch_related("limited_to_accounts").order_by("user__name")
    )
    with_two_factor = twofactor.users_with_two_factor([member.user for member in members])
    for member in members:
        member.sign_in_locked = throttle.is_locked_somewhere(member.user.email)
        member.two_factor_on = member.user.pk in with_two_factor
    context = {
        "active": "team",
        "invite_days": settings.INVITE_VALID_DAYS,
        "members": members,
        "invites": invites_with_links(request, workspace),
        "invite_form": invite_form or InviteForm(workspace=workspace),
        "role_choices": ROLE_CHOICES,
        "workspace_accounts": workspace_accounts(workspace),
        "email_configured": settings.EMAIL_CONFIGURED,
        "base_url": base_url_for(request),
        "matrix": [
            (Role(role), ROLE_SUMMARIES[Role(role)], [capability in MATRIX[Role(role)] for capability in Capability])
            for role, _ in ROLE_CHOICES
        ],
        "capabilities": list(Capability),
        "two_factor_policy": workspace.get_two_factor_policy_display(),
    }
    return render(request, "team/team.html", context, status=status)


def workspace_accounts(workspace):
    return list(ConnectedAccount.objects.connected().filter(workspace=workspace).order_by("handle", "network"))


@workspace_view(Capability.MANAGE_TEAM)
def team(request, membership):
    return team_page(request, membership)


@require_POST
@workspace_view(Capability.MANAGE_TEAM)
def invite(request, membership):
    form = InviteForm(request.POST, workspace=membership.workspace)
    if not form.is_valid():
        return team_page(request, membership, invite_form=form, status=400)
    try:
        new_invite = operations.create_invite(membership, **form.cleaned_data)
    except operations.TeamError as error:
        form.add_error("email", str(error))
        return team_page(request, membership, invite_form=form, status=400)
    if new_invite.email and settings.EMAIL_CONFIGURED:
        queue_invite_email(request, new_invite)
    messages.success(request, "Invite ready. Copy the link below and send it however you like.")
    return redirect(reverse("team:team", kwargs={"slug": membership.workspace.slug}) + f"#invite-{new_invite.pk}")


def queue_invite_email(request, invite):
    Invite.objects.filter(pk=invite.pk).update(email_status=Invite.EmailStatus.QUEUED, email_error="")
    base_url = base_url_for(request)
    transaction.on_commit(lambda: send_invite_email.enqueue(invite.pk, base_url))


def pending_invite_or_404(membership, invite_id):
    return get_object_or_404(Invite.objects.pending(), pk=invite_id, workspace=membership.workspace)


@require_POST
@workspace_view(Capability.MANAGE_TEAM)
def invite_action(request, membership, invite_id, action):
    invite = pending_invite_or_404(membership, invite_id)
    if action == "revoke":
        operations.revoke_invite(membership, invite)
        messages.success(request, "Invite withdrawn; its link no longer works.")
    elif action == "renew":
        operations.renew_invite(membership, invite)
        messages.success(request, "New link made; the old one no longer works.")
    elif action == "email" and invite.email and settings.EMAIL_CONFIGURED:
        queue_invite_email(request, invite)
        messages.success(request, f"Sending the invite to {invite.email} again.")
    else:
        raise Http404("No such action.")
    return redirect("team:team", slug=membership.workspace.slug)


def member_or_404(membership, member_id) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user"), pk=member_id, workspace=membership.workspace)


@require_POST
@workspace_view(Capability.MANAGE_TEAM)
def change_role(request, membership, member_id):
    """Change a member's role. From htmx (the select changed) only that member's row comes back."""
    target = member_or_404(membership, member_id)
    form = RoleForm(request.POST)
    error = ""
    if not form.is_valid():
        error = "Choose one of the roles in the list."
    else:
        try:
            operations.change_role(membership, target, form.cleaned_data["role"])
        except operations.TeamError as refusal:
            error = str(refusal)
    target.refresh_from_db()
    target.two_factor_on = twofactor.is_enabled(target.user)
    gave_up_ownership = target.pk == membership.pk and target.role != Role.OWNER
    workspace_home = reverse("web:workspace_home", kwargs={"slug": membership.workspace.slug})

    if request.htmx:
        if gave_up_ownership:
            # You just gave up the right to see this page.
            return HttpResponseClientRedirect(workspace_home)
        context = {
            "member": target,
            "role_choices": ROLE_CHOICES,
            "workspace_accounts": workspace_accounts(membership.workspace),
            "row_error": error,
            "row_saved": not error,
        }
        return render(request, "team/_member.html", context)

    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{target.user} is now {target.role_label.lower()}.")
    if gave_up_ownership:
        return redirect(workspace_home)
    return redirect("team:team", slug=membership.workspace.slug)


@require_POST
@workspace_view(Capability.MANAGE_TEAM)
def remove(request, membership, member_id):
    target = member_or_404(membership, member_id)
    try:
        operations.remove_member(membership, target)
    except operations.TeamError as error:
        messages.error(request, str(error))
        return redirect("team:team", slug=membership.workspace.slug)
    if target.pk == membership.pk:
        return redirect("team:login")
    messages.success(request, f"{target.user} was removed and signed out everywhere.")
    return redirect("team:team", slug=membership.workspace.slug)


@require_POST
@workspace_view(Capability.MANAGE_TEAM)
def unlock(request, membership, member_id):
    """Let a person locked out by failed sign-ins (theirs or someone else's) try again at once."""
    target = member_or_404(membership, member_id)
    operations.unlock_sign_in(membership, target)
    messages.success(request, f"{target.user} can sign in again.")
    return redirect("team:team", slug=membership.workspace.slug)


@require_POST
@workspace_view(Capability.MANAGE_TEAM)
def sign_out(request, membership, member_id):
    target = member_or_404(membership, member_id)
    operations.sign_out_member(membership, target)
    messages.success(request, f"{target.user} is signed out on every device.")
    return redirect("team:team", slug=membership.workspace.slug)


@require_POST
@workspace_view(Capability.MANAGE_TEAM)
def limit_accounts(request, membership, member_id):
    """Set which accounts a staff member or viewer may use. From htmx only that member's row comes back."""
    target = member_or_404(membership, member_id)
    form = AccountLimitForm(request.POST, workspace=membership.workspace)
    error = ""
    if not form.is_valid():
        error = " ".join(message for messages_ in form.errors.values() for message in messages_)
    else:
        try:
            operations.limit_accounts(membership, target, form.chosen())
        except operations.TeamError as refusal:
            error = str(refusal)
    target = Membership.objects.select_related("user").prefetch_related("limited_to_accounts").get(pk=target.pk)
    saved = "" if error else account_summary(target)
    if request.htmx:
        context = {
            "member": target,
            "role_choices": ROLE_CHOICES,
            "workspace_accounts": workspace_accounts(membership.workspace),
            "row_error": error,
            "accounts_saved": saved,
        }
        # 200 even for a refusal: htmx swaps only successful answers, and the row carries the reason.
        return render(request, "team/_member.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{target.user} now works on {saved}.")
    return redirect(reverse("team:team", kwargs={"slug": membership.workspace.slug}) + f"#member-{target.pk}")


def account_summary(member) -> str:
    handles = [account.handle for account in member.limited_to_accounts.all()]
    if member.all_accounts or not handles or not scope.can_be_limited(member):
        return "every account"
    return ", ".join(sorted(handles))
