from django.core.cache import cache
from django.db.models import Count, Q
from django.shortcuts import redirect, render

from firsthand.inbox.escalations import waiting_for
from firsthand.team import scope
from firsthand.team.access import LAST_WORKSPACE_SESSION_KEY, workspace_view
from firsthand.team.models import User
from firsthand.team.permissions import ROLE_SUMMARIES, Capability, Role
from firsthand.web.today import today_for


def home(request):
    """Send people where they belong: setup help, sign-in, their last workspace, or the chooser."""
    if not request.user.is_authenticated:
        if not User.objects.exists():
            return render(request, "web/not_set_up.html")
        return redirect("team:login")
    memberships = request.user.memberships.select_related("workspace")
    last = request.session.get(LAST_WORKSPACE_SESSION_KEY)
    if last and memberships.filter(workspace__slug=last).exists():
        return redirect("web:workspace_home", slug=last)
    if len(memberships) == 1:
        return redirect("web:workspace_home", slug=memberships[0].workspace.slug)
    return redirect("team:workspaces")


@workspace_view(Capability.VIEW)
def workspace_home(request, membership):
    context = {
        "active": "home",
        "can_manage_team": membership.can(Capability.MANAGE_TEAM),
        "role_summary": ROLE_SUMMARIES[Role(membership.role)],
        "capabilities": [(capability, membership.can(capability)) for capability in Capability],
        "can_draft": membership.can(Capability.DRAFT),
        "owner_questions": list(waiting_for(membership)[:5]),
        "today": today_for(membership),
        **setting_up(membership),
    }
    return render(request, "web/workspace_home.html", context)


SET_UP_KEPT_SECONDS = 60


def setting_up(membership) -> dict:
    """The getting-started figures, over the accounts this member reaches, and whether all is set up.

    While a workspace is still being set up they are counted on every view, so each step ticks the moment it
    is done. Once it is set up they only fill the line at the page's foot, so they are kept for a minute per
    member: six of the home page's counts, each an ORM query and a round trip to the database."""
    key = f"home-set-up:{membership.pk}"
    kept = cache.get(key)
    if kept is not None:
        return kept
    figures = set_up_figures(membership)
    if figures["set_up"]:
        cache.set(key, figures, SET_UP_KEPT_SECONDS)
    return figures


def set_up_figures(membership) -> dict:
    from firsthand.networks.models import ConnectedAccount
    from firsthand.publishing.models import Delivery
    from firsthand.publishing.states import State

    workspace = membership.workspace
    deliveries = scope.within(membership, Delivery.objects.filter(post__workspace=workspace))
    accounts = scope.within(membership, ConnectedAccount.objects.connected().filter(workspace=workspace), "pk")
    counts = deliveries.aggregate(
        scheduled=Count("pk", filter=Q(state=State.SCHEDULED)), published=Count("pk", filter=Q(state=State.PUBLISHED))
    )
    figures = {
        "member_count": workspace.memberships.count(),
        "pending_invites": workspace.invites.pending().count(),
        "account_count": accounts.count(),
        "post_count": scope.posts_within(membership, workspace.posts.all()).count(),
        "scheduled_count": counts["scheduled"],
        "published_count": counts["published"],
    }
    figures["set_up"] = bool(figures["member_count"] > 1 and figures["account_count"] and figures["post_count"])
    return figures


def permission_denied(request, exception):
    reason = str(exception) or "Your role doesn't allow this."
    return render(request, "web/403.html", {"reason": reason}, status=403)


def page_not_found(request, exception):
    return render(request, "web/404.html", status=404)


def server_error(request):
    return render(request, "web/500.html", status=500)


def csrf_failure(request, reason=""):
    # Usually a page left open across a sign-out or a restart; a fresh page fixes it.
    return render(request, "web/csrf_failure.html", status=403)
