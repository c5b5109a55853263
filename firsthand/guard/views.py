from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from firsthand.guard import crisis
from firsthand.guard.models import Pause
from firsthand.networks.models import ConnectedAccount
from firsthand.publishing.clock import TimeProblem, requested_moment
from firsthand.publishing.models import Delivery
from firsthand.publishing.states import State
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability
from firsthand.web.params import an_id


@workspace_view(Capability.PAUSE)
def pause(request, membership):
    workspace = membership.workspace
    accounts = ConnectedAccount.objects.connected().filter(workspace=workspace)
    error = ""
    if request.method == "POST":
        account = None
        if an_id(request.POST.get("account", "")):
            account = get_object_or_404(accounts, pk=an_id(request.POST["account"]))
        try:
            crisis.pause(membership, request.POST.get("reason", ""), account)
        except crisis.CrisisError as problem:
            error = str(problem)
        else:
            messages.success(request, "Paused. Nothing will go out until someone resumes; due posts are held.")
            return redirect("guard:pause", slug=workspace.slug)
    context = {
        "active": "pause",  # its own place in the navigation, not Settings
        "accounts": accounts,
        "pauses": crisis.active_pauses(workspace),
        # With everything paused there is nothing more to pause: the page offers only Resume.
        "everything_paused": crisis.active_pauses(workspace).filter(account=None).exists(),
        "scheduled": Delivery.objects.filter(post__workspace=workspace, state=State.SCHEDULED).count(),
        "error": error,
        "reason": request.POST.get("reason", ""),
    }
    return render(request, "guard/pause.html", context, status=400 if error else 200)


@workspace_view(Capability.PAUSE)
def resume(request, membership, pause_id):
    workspace = membership.workspace
    paused = get_object_or_404(Pause.objects.active(), pk=pause_id, workspace=workspace)
    held = Delivery.objects.filter(post__workspace=workspace, state=State.HELD).select_related("post", "account")
    if paused.account_id:
        held = held.filter(account_id=paused.account_id)
    error = ""
    if request.method == "POST":
        overdue = request.POST.get("overdue", "")
        when = None
        try:
            if overdue == "at":
                when = requested_moment(request.POST, workspace.timezone)
            moved = crisis.resume(membership, paused, overdue=overdue, when=when)
        except (crisis.CrisisError, TimeProblem) as problem:
            error = str(problem)
        else:
            messages.success(request, resumed_message(overdue, moved))
            return redirect("guard:pause", slug=workspace.slug)
    return render(
        request,
        "guard/resume.html",
        {
            "active": "pause",
            "pause": paused,
            "held": held[:100],
            "held_count": held.count(),
            "error": error,
            "now": timezone.now(),
        },
        status=400 if error else 200,
    )


@workspace_view(Capability.SETTINGS)
def brand_rules(request, membership):
    from firsthand.audit.log import record
    from firsthand.guard.forms import BrandRulesForm
    from firsthand.guard.models import BrandRules

    rules = BrandRules.for_workspace(membership.workspace)
    form = BrandRulesForm(request.POST or None, instance=rules)
    if request.method == "POST" and form.is_valid():
        form.save()
        record(
            "guard.brand_rules_changed",
            f"{request.user} changed the brand rules",
            actor=request.user,
            workspace=membership.workspace,
            fields=form.changed_data,
        )
        messages.success(request, "Brand rules saved. Every post is checked against them from now on.")
        return redirect("guard:brand_rules", slug=membership.workspace.slug)
    return render(
        request, "guard/brand_rules.html", {"active": "settings", "form": form}, status=400 if form.errors else 200
    )


def resumed_message(overdue: str, moved: int) -> str:
    if not moved:
        return "Publishing resumed." + (" Held posts stay held until you send them." if overdue == "keep" else "")
    return f"Publishing resumed. {moved} held post{'s' if moved != 1 else ''} rescheduled."
