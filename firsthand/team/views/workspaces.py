import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from firsthand.audit.log import record
from firsthand.team import operations
from firsthand.team.access import workspace_view
from firsthand.team.forms import TwoFactorPolicyForm, WorkspaceForm
from firsthand.team.permissions import Capability, Role


def can_create_workspaces(user) -> bool:
    # Owners run the business; adding another brand is theirs to decide.
    return user.is_superuser or user.memberships.filter(role=Role.OWNER).exists()


@login_required
def choose(request):
    memberships = request.user.memberships.select_related("workspace").order_by("workspace__name")
    return render(
        request,
        "team/workspaces.html",
        {"memberships": memberships, "can_create": can_create_workspaces(request.user), "form": WorkspaceForm()},
    )


@login_required
def create(request):
    if request.method != "POST" or not can_create_workspaces(request.user):
        return redirect("team:workspaces")
    form = WorkspaceForm(request.POST)
    if not form.is_valid():
        memberships = request.user.memberships.select_related("workspace")
        return render(
            request,
            "team/workspaces.html",
            {"memberships": memberships, "can_create": True, "form": form},
            status=400,
        )
    membership = operations.create_workspace(
        request.user, form.cleaned_data["name"], timezone_name=form.cleaned_data["timezone"]
    )
    messages.success(request, f"{membership.workspace} is ready. Invite the people who work on it.")
    return redirect("web:workspace_home", slug=membership.workspace.slug)


@workspace_view(Capability.SETTINGS)
def settings_page(request, membership):
    workspace = membership.workspace
    form = WorkspaceForm(request.POST or None, instance=workspace)
    if request.method == "POST" and form.is_valid():
        changed = form.changed_data
        form.save()
        if changed:
            record(
                "team.workspace_settings_changed",
                f"{request.user} changed {', '.join(changed)}",
                actor=request.user,
                workspace=workspace,
                fields=changed,
            )
        messages.success(request, "Settings saved.")
        return redirect("team:settings", slug=workspace.slug)
    recent = workspace.audit_events.select_related("actor")[:50]
    return render(
        request,
        "team/settings.html",
        {
            "active": "settings",
            "form": form,
            "audit_events": recent,
            "policy_form": TwoFactorPolicyForm(initial={"policy": workspace.two_factor_policy}),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@workspace_view(Capability.MANAGE_TEAM)
def two_factor_policy(request, membership):
    form = TwoFactorPolicyForm(request.POST)
    if form.is_valid():
        operations.set_two_factor_policy(membership, form.cleaned_data["policy"])
        messages.success(request, "Two-factor sign-in policy saved.")
    else:
        messages.error(request, "Choose who must use two-factor sign-in.")
    return redirect("team:settings", slug=membership.workspace.slug)


# A spreadsheet runs a cell that starts like a formula; a quote makes it text (OWASP's CSV injection advice).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


# The whole log, with who did what, is the owners' (like the team itself).
@workspace_view(Capability.MANAGE_TEAM)
def audit_export(request, membership):
    workspace = membership.workspace
    events = workspace.audit_events.order_by("seq").values_list(
        "seq", "created_at", "actor_label", "action", "summary", "data", "prev_hash", "hash"
    )
    writer = csv.writer(_Echo())
    header = ["seq", "time (UTC)", "who", "action", "summary", "data", "previous hash", "hash"]

    def rows():
        yield writer.writerow(header)
        for seq, created_at, *rest in events.iterator(chunk_size=2000):
            yield writer.writerow([seq, created_at.isoformat(), *(safe_cell(value) for value in rest)])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{workspace.slug}-audit.csv"'
    return response
