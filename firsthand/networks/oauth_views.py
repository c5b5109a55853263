"""Networks that let an app act for an account after OAuth approval: X, Facebook, Instagram, LinkedIn,
YouTube, Threads and Pinterest.

Three steps: an owner enters the business's own developer app keys once (app_setup, with what the network
requires and what firsthand can do with it); someone who manages accounts starts a connection (connect),
which sends them to the network with a fresh state (and PKCE verifier) kept in their session; the network
sends them back (callback), where the state must match one this session started.
"""

from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from firsthand.audit.log import record
from firsthand.networks import oauth2
from firsthand.networks.forms import NetworkAppForm
from firsthand.networks.models import NetworkApp
from firsthand.networks.views import AlreadyConnected, attach
from firsthand.team.access import require, returning_member, workspace_view
from firsthand.team.permissions import Capability

# network → the module with ABOUT (what the set-up page explains), app_for(), authorization_url() and finish()
FLOWS = {
    "x": "firsthand.networks.x.oauth",
    "facebook": "firsthand.networks.facebook.oauth",
    "instagram": "firsthand.networks.instagram.oauth",
    "linkedin": "firsthand.networks.linkedin.oauth",
    "youtube": "firsthand.networks.youtube.oauth",
    "threads": "firsthand.networks.threads.oauth",
    "pinterest": "firsthand.networks.pinterest.oauth",
}
PENDING = "firsthand.oauth_pending"


def flow(network: str):
    """(what the set-up page says about the network, the module that signs in there)"""
    if network not in FLOWS:
        raise Http404("No such network.")
    module = import_module(FLOWS[network])
    return module.ABOUT, module


def callback_url(request, network: str) -> str:
    path = reverse("networks:oauth_callback", kwargs={"network": network})
    return settings.BASE_URL + path if settings.BASE_URL else request.build_absolute_uri(path)


@workspace_view(Capability.MANAGE_ACCOUNTS)
def app_setup(request, membership, network):
    about, module = flow(network)
    app = module.app_for(membership.workspace)
    form = NetworkAppForm(request.POST or None, initial={"client_id": app.client_id if app else ""})
    if request.method == "POST":
        require(membership, Capability.MANAGE_APPS)
        if form.is_valid() and not (app or form.cleaned_data["client_secret"]):
            form.add_error("client_secret", "Enter the client secret too.")
        if form.is_valid():
            app = app or NetworkApp(workspace=membership.workspace, network=network)
            app.client_id = form.cleaned_data["client_id"]
            if form.cleaned_data["client_secret"]:
                app.client_secret = form.cleaned_data["client_secret"]
            app.updated_by, app.updated_at = request.user, timezone.now()
            app.save()
            record(
                "networks.app_keys_saved",
                f"{request.user} saved the workspace's {about['label']} app keys",
                actor=request.user,
                workspace=membership.workspace,
            )
            messages.success(request, f"Saved. You can connect {about['label']} accounts now.")
            return redirect("networks:app_setup", slug=membership.workspace.slug, network=network)
    context = {
        "active": "accounts",
        "about": about,
        "network": network,
        "app": app,
        "form": form,
        "callback_url": callback_url(request, network),
        "can_enter_keys": membership.can(Capability.MANAGE_APPS),
        "webhook": webhook_for(request, network, app),
    }
    return render(request, "networks/app_setup.html", context, status=400 if form.errors else 200)


# What each network's app subscribes to, in the words of Meta's app dashboard.
WEBHOOK_SUBSCRIPTIONS = {
    "facebook": ("Page", "feed (Page) and messages (Messenger)", "comments and messages"),
    "instagram": ("Instagram", "comments and messages", "comments and direct messages"),
    "threads": ("Threads", "replies", "replies"),
}


def webhook_for(request, network: str, app) -> dict | None:
    """Where the network sends events in real time, and the token it proves itself with (Meta's apps)."""
    if network not in WEBHOOK_SUBSCRIPTIONS or app is None:
        return None
    from firsthand.networks.facebook.webhook import verify_token

    path = reverse(f"networks:{network}_webhook", kwargs={"app_id": app.pk})
    subscribed_object, fields, what = WEBHOOK_SUBSCRIPTIONS[network]
    return {
        "url": settings.BASE_URL + path if settings.BASE_URL else request.build_absolute_uri(path),
        "verify_token": verify_token(app),
        "object": subscribed_object,
        "fields": fields,
        "what": what,
    }


@require_POST
@workspace_view(Capability.MANAGE_ACCOUNTS)
def connect(request, membership, network):
    about, module = flow(network)
    app = module.app_for(membership.workspace)
    if app is None:
        messages.error(request, f"First the business's {about['label']} app keys: an owner enters them here once.")
        return redirect("networks:app_setup", slug=membership.workspace.slug, network=network)
    attempt = oauth2.Attempt.new()
    pending = request.session.get(PENDING, {})
    pending[attempt.state] = {
        "network": network,
        "workspace": membership.workspace.slug,
        "verifier": attempt.code_verifier,
        "is_brand": request.POST.get("is_brand") == "on",
    }
    request.session[PENDING] = dict(list(pending.items())[-5:])  # a few tabs at once, not forever
    url = module.authorization_url(app, callback_url(request, network), attempt)
    # A page with a link, not a redirect: our CSP (form-action 'self') rightly stops a form from landing
    # on another site, and the pause is the moment to say which account to sign in as.
    return render(request, "networks/oauth_continue.html", {"active": "accounts", "about": about, "authorize_url": url})


@login_required
def callback(request, network):
    about, module = flow(network)
    pending = request.session.get(PENDING, {})
    started = pending.pop(request.GET.get("state", ""), None)
    request.session[PENDING] = pending
    if started is None or started["network"] != network:
        messages.error(
            request, f"That {about['label']} sign-in was not started here or has already been used. Start again."
        )
        return redirect("web:home")
    membership, refusal = returning_member(request, started["workspace"], Capability.MANAGE_ACCOUNTS)
    if refusal:
        return refusal
    back = redirect("networks:accounts", slug=membership.workspace.slug)
    if request.GET.get("error") or not request.GET.get("code"):
        reason = request.GET.get("error_description") or request.GET.get("error") or "no code came back"
        messages.error(request, f"{about['label']} did not connect the account: {reason}.")
        return back
    app = module.app_for(membership.workspace)
    attempt = oauth2.Attempt(state=request.GET["state"], code_verifier=started["verifier"])
    try:
        found = module.finish(app, callback_url(request, network), request.GET["code"], attempt)
    except oauth2.SignInError as problem:
        messages.error(request, str(problem))
        return back
    for account in found:  # Facebook gives every Page the person chose in its dialog
        try:
            attach(
                request,
                membership.workspace,
                network=network,
                remote_id=account["id"],
                handle=account["handle"],
                display_name=account["display_name"],
                avatar_url=account["avatar_url"],
                credentials=account["credentials"],
                is_brand=started["is_brand"],
            )
        except AlreadyConnected as problem:
            messages.info(request, str(problem))
    return back
