import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from firsthand.audit.log import record
from firsthand.networks.forms import (
    AccountForm,
    BlueskyConnectForm,
    GhostConnectForm,
    MastodonConnectForm,
    SandboxConnectForm,
    WordPressConnectForm,
)
from firsthand.networks.models import ACCOUNT_COLOURS, ConnectedAccount
from firsthand.networks.sandbox.connector import SandboxConnector
from firsthand.publishing.operations import unschedule_account
from firsthand.team import scope
from firsthand.team.access import returning_member, workspace_view
from firsthand.team.permissions import Capability


def accounts_page(
    request,
    membership,
    sandbox_form=None,
    bluesky_form=None,
    mastodon_form=None,
    status=200,
    wordpress_form=None,
    ghost_form=None,
):
    from firsthand.inbox.filing import set_aside

    # A member limited to some accounts (team/scope.py) sees only those; staff can't manage accounts anyway.
    accounts = list(
        scope.within(
            membership,
            ConnectedAccount.objects.connected().filter(workspace=membership.workspace).select_related("inbox_cursor"),
            "pk",
        )
    )
    aside = set_aside(membership.workspace)
    for account in accounts:  # what the inbox could not file from it, shown so nothing is lost unseen
        account.set_aside_count, account.set_aside_reasons = aside.get(account.pk, (0, []))
    return render(
        request,
        "networks/accounts.html",
        {
            "active": "accounts",
            "accounts": accounts,
            "sandbox_form": sandbox_form or SandboxConnectForm(),
            "bluesky_form": bluesky_form or BlueskyConnectForm(),
            "mastodon_form": mastodon_form or MastodonConnectForm(),
            "wordpress_form": wordpress_form or WordPressConnectForm(),
            "ghost_form": ghost_form or GhostConnectForm(),
            "can_manage": membership.can(Capability.MANAGE_ACCOUNTS),
            "account_colours": ACCOUNT_COLOURS,
        },
        status=status,
    )


@workspace_view(Capability.VIEW)
def accounts(request, membership):
    return accounts_page(request, membership)


class AlreadyConnected(Exception):
    pass


def attach(request, workspace, *, network, remote_id, handle, display_name, credentials, is_brand, avatar_url=""):
    """Save a connection: a new account, a disconnected one coming back, or one that needed reconnecting.

    Reconnecting keeps the row (and so the account's history, colour and scheduled posts).
    """
    with transaction.atomic():
        account = ConnectedAccount.objects.filter(workspace=workspace, network=network, remote_id=remote_id).first()
        if account is not None and account.disconnected_at is None and not account.needs_reconnect:
            raise AlreadyConnected(f"{handle} is already connected to this workspace.")
        if account is None:
            used = ConnectedAccount.objects.filter(workspace=workspace).count()
            account = ConnectedAccount(
                workspace=workspace,
                network=network,
                remote_id=remote_id,
                colour=ACCOUNT_COLOURS[used % len(ACCOUNT_COLOURS)],
            )
        account.handle, account.display_name, account.avatar_url = handle, display_name, avatar_url
        account.is_brand = is_brand
        account.connected_by, account.disconnected_at = request.user, None
        account.credentials = credentials
        account.save()
        account.mark_ok()
    record(
        "networks.connected",
        f"{request.user} connected {account}",
        actor=request.user,
        workspace=workspace,
        account=account.pk,
    )
    messages.success(request, f"Connected {account}.")
    return account


@require_POST
@workspace_view(Capability.MANAGE_ACCOUNTS)
def connect_sandbox(request, membership):
    workspace = membership.workspace
    form = SandboxConnectForm(request.POST)
    if not form.is_valid():
        return accounts_page(request, membership, sandbox_form=form, status=400)
    handle = form.cleaned_data["handle"]
    # On a real network the account already exists and OAuth hands over a token; the
    # sandbox makes the account on the spot (or signs in to it) and does the same.
    remote = SandboxConnector.sign_in(handle, workspace, form.cleaned_data["display_name"])
    if remote is None:
        form.add_error("handle", "That sandbox handle belongs to another workspace. Choose another handle.")
        return accounts_page(request, membership, sandbox_form=form, status=400)
    try:
        attach(
            request,
            workspace,
            network="sandbox",
            remote_id=str(remote.pk),
            handle=f"@{remote.handle}",
            display_name=remote.display_name,
            credentials=SandboxConnector.authorize(remote),
            is_brand=form.cleaned_data["is_brand"],
        )
    except AlreadyConnected as problem:
        messages.error(request, str(problem))
    return redirect("networks:accounts", slug=workspace.slug)


@require_POST
@workspace_view(Capability.MANAGE_ACCOUNTS)
def connect_bluesky(request, membership):
    from firsthand.networks.bluesky.session import SignInError, sign_in

    workspace = membership.workspace
    form = BlueskyConnectForm(request.POST)
    if not form.is_valid():
        return accounts_page(request, membership, bluesky_form=form, status=400)
    try:
        found = sign_in(form.cleaned_data["handle"], form.cleaned_data["app_password"])
    except SignInError as problem:
        form.add_error(None, str(problem))
        return accounts_page(request, membership, bluesky_form=form, status=400)
    try:
        attach(
            request,
            workspace,
            network="bluesky",
            remote_id=found["did"],
            handle=f"@{found['handle']}",
            display_name=found["display_name"],
            avatar_url=found["avatar_url"],
            credentials=found["credentials"],
            is_brand=form.cleaned_data["is_brand"],
        )
    except AlreadyConnected as problem:
        messages.error(request, str(problem))
    return redirect("networks:accounts", slug=workspace.slug)


@require_POST
@workspace_view(Capability.MANAGE_ACCOUNTS)
def connect_wordpress(request, membership):
    """A WordPress site: its address, a username and an application password, checked with the site."""
    from firsthand.networks.wordpress.signin import SignInError, sign_in

    form = WordPressConnectForm(request.POST)
    if not form.is_valid():
        return accounts_page(request, membership, wordpress_form=form, status=400)
    try:
        found = sign_in(form.cleaned_data["site"], form.cleaned_data["username"], form.cleaned_data["app_password"])
    except SignInError as problem:
        form.add_error(None, str(problem))
        return accounts_page(request, membership, wordpress_form=form, status=400)
    return attach_blog(request, membership, "wordpress", found, form.cleaned_data["is_brand"])


@require_POST
@workspace_view(Capability.MANAGE_ACCOUNTS)
def connect_ghost(request, membership):
    """A Ghost site: its address and an Admin API key, checked with the site."""
    from firsthand.networks.ghost.connector import SignInError, sign_in

    form = GhostConnectForm(request.POST)
    if not form.is_valid():
        return accounts_page(request, membership, ghost_form=form, status=400)
    try:
        found = sign_in(form.cleaned_data["site"], form.cleaned_data["admin_key"])
    except SignInError as problem:
        form.add_error(None, str(problem))
        return accounts_page(request, membership, ghost_form=form, status=400)
    return attach_blog(request, membership, "ghost", found, form.cleaned_data["is_brand"])


def attach_blog(request, membership, network: str, found: dict, is_brand: bool):
    # Signing in again after a revoked password keeps what the account was set to (drafts, category).
    before = ConnectedAccount.objects.filter(
        workspace=membership.workspace, network=network, remote_id=found["remote_id"]
    ).first()
    if before is not None and before.credentials_encrypted:
        kept = {k: v for k, v in before.credentials.items() if k in ("status", "category")}
        found = {**found, "credentials": {**found["credentials"], **kept}}
    try:
        attach(
            request,
            membership.workspace,
            network=network,
            remote_id=found["remote_id"],
            handle=found["handle"],
            display_name=found["display_name"],
            credentials=found["credentials"],
            is_brand=is_brand,
        )
    except AlreadyConnected as problem:
        messages.error(request, str(problem))
    return redirect("networks:accounts", slug=membership.workspace.slug)


MASTODON_PENDING = "firsthand.mastodon_oauth"


@require_POST
@workspace_view(Capability.MANAGE_ACCOUNTS)
def connect_mastodon(request, membership):
    """Step one: register on the server if need be, then send the person there to approve."""
    from firsthand.networks.mastodon import oauth

    form = MastodonConnectForm(request.POST)
    if not form.is_valid():
        return accounts_page(request, membership, mastodon_form=form, status=400)
    callback = reverse("networks:mastodon_callback")
    redirect_uri = settings.BASE_URL + callback if settings.BASE_URL else request.build_absolute_uri(callback)
    state = secrets.token_urlsafe(24)
    try:
        instance = oauth.app_for(form.cleaned_data["instance"], redirect_uri)
        url = oauth.authorization_url(instance, state)
    except oauth.SignInError as problem:
        form.add_error(None, str(problem))
        return accounts_page(request, membership, mastodon_form=form, status=400)
    pending = request.session.get(MASTODON_PENDING, {})
    pending[state] = {
        "workspace": membership.workspace.slug,
        "instance": instance.pk,
        "is_brand": form.cleaned_data["is_brand"],
    }
    request.session[MASTODON_PENDING] = dict(list(pending.items())[-5:])  # a few tabs at once, not forever
    # A page with a link rather than a redirect: the accounts page's CSP (form-action 'self') rightly stops
    # a form from landing on another site, and the pause is the moment to say which account to choose.
    return render(
        request,
        "networks/mastodon_continue.html",
        {"active": "accounts", "authorize_url": url, "server": instance.api_base_url.split("://", 1)[1]},
    )


@login_required
def mastodon_callback(request):
    """Step two: the server sends the person back with a code (or with their refusal)."""
    from firsthand.networks.mastodon import oauth
    from firsthand.networks.mastodon.models import MastodonInstance

    pending = request.session.get(MASTODON_PENDING, {})
    started = pending.pop(request.GET.get("state", ""), None)
    request.session[MASTODON_PENDING] = pending
    if started is None:
        messages.error(request, "That Mastodon sign-in was not started here or has already been used. Start again.")
        return redirect("web:home")
    membership, refusal = returning_member(request, started["workspace"], Capability.MANAGE_ACCOUNTS)
    if refusal:
        return refusal
    back = redirect("networks:accounts", slug=membership.workspace.slug)
    if request.GET.get("error") or not request.GET.get("code"):
        reason = request.GET.get("error_description") or request.GET.get("error") or "no code came back"
        messages.error(request, f"Mastodon did not connect the account: {reason}.")
        return back
    instance = get_object_or_404(MastodonInstance, pk=started["instance"])
    try:
        found = oauth.finish(instance, request.GET["code"])
    except oauth.SignInError as problem:
        messages.error(request, str(problem))
        return back
    try:
        attach(
            request,
            membership.workspace,
            network="mastodon",
            remote_id=f"{instance.api_base_url}/{found['id']}",
            handle=found["handle"],
            display_name=found["display_name"],
            avatar_url=found["avatar_url"],
            credentials={**found["credentials"], "account_id": found["id"]},
            is_brand=started["is_brand"],
        )
    except AlreadyConnected as problem:
        messages.error(request, str(problem))
    return back


@require_POST
@workspace_view(Capability.MANAGE_ACCOUNTS)
def update(request, membership, account_id):
    account = get_object_or_404(ConnectedAccount.objects.connected(), pk=account_id, workspace=membership.workspace)
    form = AccountForm(request.POST, instance=account)
    if form.is_valid():
        form.save()
        choose_board(account, request.POST.get("board"))
        choose_blog_settings(account, request.POST)
        messages.success(request, f"Saved {account}.")
    else:
        messages.error(request, "Choose one of the colours offered.")
    return redirect("networks:accounts", slug=membership.workspace.slug)


def choose_board(account, board: str | None) -> None:
    """Pinterest: the board the account's pins go to, one of those Pinterest listed for it."""
    if account.network != "pinterest" or not board:
        return
    credentials = account.credentials
    if board in (credentials.get("boards") or {}):
        account.credentials = {**credentials, "board_id": board}
        account.save(update_fields=["credentials_encrypted"])


def choose_blog_settings(account, data) -> None:
    """WordPress and Ghost: publish at once or leave a draft to finish on the site; WordPress's category,
    one of those the site listed (none: WordPress's default)."""
    if account.network not in ("wordpress", "ghost") or "blog_status" not in data:
        return
    credentials = account.credentials
    publish = "publish" if account.network == "wordpress" else "published"
    changed = {"status": "draft" if data.get("blog_status") == "draft" else publish}
    if account.network == "wordpress":
        category = data.get("category") or None
        changed["category"] = category if category in (credentials.get("categories") or {}) else None
    account.credentials = {**credentials, **changed}
    account.save(update_fields=["credentials_encrypted"])


@require_POST
@workspace_view(Capability.MANAGE_ACCOUNTS)
def disconnect(request, membership, account_id):
    account = get_object_or_404(ConnectedAccount.objects.connected(), pk=account_id, workspace=membership.workspace)
    label = str(account)
    with transaction.atomic():
        account.disconnect()
        # Nothing may go out through an account that is no longer connected.
        unschedule_account(account)
    record(
        "networks.disconnected",
        f"{request.user} disconnected {label}",
        actor=request.user,
        workspace=membership.workspace,
    )
    messages.success(
        request, f"Disconnected {label}; its stored credentials are deleted and its scheduled posts are back in drafts."
    )
    return redirect("networks:accounts", slug=membership.workspace.slug)
