"""The one path by which views reach a workspace.

A person who is not a member gets a 404, never a 403: the workspace's
existence is nobody else's business. A member whose role lacks the
capability gets a 403 that says why. A member the workspace's two-factor
policy covers, without a second factor, is sent to set one up first.
"""

from functools import wraps
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from firsthand.team import twofactor
from firsthand.team.models import Membership
from firsthand.team.permissions import REFUSALS, Capability

LAST_WORKSPACE_SESSION_KEY = "firsthand.last_workspace"


def membership_or_404(user, workspace_slug: str) -> Membership:
    if not user.is_authenticated:
        raise Http404("No such workspace.")
    try:
        return Membership.objects.select_related("workspace", "user").get(user=user, workspace__slug=workspace_slug)
    except Membership.DoesNotExist:
        raise Http404("No such workspace.") from None


def workspace_zone(workspace) -> ZoneInfo:
    try:
        return ZoneInfo(workspace.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def require(membership: Membership, capability: Capability) -> None:
    if not membership.can(capability):
        raise PermissionDenied(REFUSALS[capability])


def workspace_view(capability: Capability):
    """Decorate a view taking `slug`: it runs only for members whose role allows `capability`.

    The view receives the membership; `request.membership` and
    `request.workspace` are set for templates.
    """

    def decorate(view):
        @wraps(view)
        def wrapped(request, slug, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = membership_or_404(request.user, slug)
            refusal = two_factor_refusal(request, membership)
            if refusal:
                return refusal
            request.membership = membership
            request.workspace = membership.workspace
            require(membership, capability)
            if request.session.get(LAST_WORKSPACE_SESSION_KEY) != slug:  # a write only when it changes
                request.session[LAST_WORKSPACE_SESSION_KEY] = slug
            # Times on the workspace's pages read on its own clock, as its people live by it (the audit log
            # showed UTC); a time zone name the database somehow holds that zoneinfo lacks falls back to UTC.
            with timezone.override(workspace_zone(membership.workspace)):
                return view(request, membership, *args, **kwargs)

        return wrapped

    return decorate


def returning_member(request, slug: str, capability: Capability):
    """(membership, None) or (None, a redirect) for a view a network sends a person back to (an OAuth callback).

    It cannot sit behind `workspace_view`, as the workspace is in the session rather than the address; it is
    checked as that path checks, now and not only when the sign-in started: a role taken away or a
    two-factor policy set in between holds here too.
    """
    membership = membership_or_404(request.user, slug)
    refusal = two_factor_refusal(request, membership)
    if refusal:
        return None, refusal
    require(membership, capability)
    return membership, None


def two_factor_refusal(request, membership: Membership):
    """A redirect to the account page when the workspace requires a second factor this member lacks."""
    if not twofactor.is_covered(membership) or twofactor.is_enabled(request.user):
        return None
    workspace = membership.workspace
    messages.warning(
        request,
        f"{workspace} requires two-factor sign-in for {workspace.get_two_factor_policy_display().lower()}. "
        "Set up an authenticator app or a passkey to continue.",
    )
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(reverse("team:account") + "#two-factor")
    return redirect(reverse("team:account") + "#two-factor")
