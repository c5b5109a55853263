"""The owner's side of practice: house rules, the approval-until-passed setting, the business's own scenarios."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from firsthand.audit.log import record
from firsthand.practice import catalogue, operations
from firsthand.practice.forms import HouseRulesForm, ImportForm, WriteForm
from firsthand.practice.models import HouseRules
from firsthand.practice.schema import ScenarioError, dump
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability


def page(request, membership, *, rules_form=None, import_form=None, write_form=None, status=200):
    workspace = membership.workspace
    context = {
        "active": "practice",
        "rules_form": rules_form
        or HouseRulesForm(instance=HouseRules.for_workspace(workspace), scenarios=catalogue.for_workspace(workspace)),
        "import_form": import_form or ImportForm(),
        "write_form": write_form or WriteForm(),
        "own": catalogue.own(workspace),
    }
    return render(request, "practice/manage.html", context, status=status)


@workspace_view(Capability.SETTINGS)
def manage(request, membership):
    return page(request, membership)


@require_POST
@workspace_view(Capability.SETTINGS)
def rules(request, membership):
    workspace = membership.workspace
    form = HouseRulesForm(
        request.POST, instance=HouseRules.for_workspace(workspace), scenarios=catalogue.for_workspace(workspace)
    )
    if not form.is_valid():
        return page(request, membership, rules_form=form, status=400)
    form.save()
    record(
        "practice.house_rules_changed",
        f"{request.user} changed the house rules for answers",
        actor=request.user,
        workspace=workspace,
        fields=form.changed_data,
    )
    messages.success(request, "House rules saved. Practice answers are coached against them from now on.")
    return redirect("practice:manage", slug=workspace.slug)


@require_POST
@workspace_view(Capability.SETTINGS)
def import_file(request, membership):
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = operations.import_scenarios(membership, form.cleaned_data["file"])
        except ScenarioError as error:
            form.add_error("file", f"Nothing was imported. {error}")
        else:
            messages.success(request, f"Imported {len(added)} scenario{'s' if len(added) != 1 else ''}.")
            return redirect("practice:manage", slug=membership.workspace.slug)
    return page(request, membership, import_form=form, status=400)


def written(data) -> str:
    lines = lambda text: [line.strip() for line in text.splitlines() if line.strip()]  # noqa: E731
    needs = []
    for line in lines(data["needs"]):
        says, _, words = line.partition(":")
        needs.append({"says": says.strip(), "words": [w.strip() for w in words.split(",") if w.strip()] or [""]})
    key = "-".join("".join(c if c.isalnum() else " " for c in data["title"].lower()).split())[:50] or "scenario"
    scenario = {
        "key": f"own-{key}",
        "title": data["title"],
        "kind": data["kind"],
        "situation": data["situation"],
        "customers": lines(data["customers"]),
        "opening": lines(data["opening"]),
        "calm": lines(data["calm"]),
        "unsettled": lines(data["unsettled"]),
        "escalate": lines(data["escalate"]),
        "good_answer": {"needs": needs},
    }
    return dump([scenario])


@require_POST
@workspace_view(Capability.SETTINGS)
def write(request, membership):
    form = WriteForm(request.POST)
    if form.is_valid():
        try:
            operations.import_scenarios(membership, written(form.cleaned_data))
        except ScenarioError as error:
            # The form's fields map onto the schema's; its words name the field at fault.
            form.add_error(None, str(error).split(": ", 1)[-1])
        else:
            messages.success(request, f"Added the scenario “{form.cleaned_data['title']}”.")
            return redirect("practice:manage", slug=membership.workspace.slug)
    return page(request, membership, write_form=form, status=400)


@require_POST
@workspace_view(Capability.SETTINGS)
def delete(request, membership):
    operations.delete_scenario(membership, str(request.POST.get("key", ""))[:60])
    messages.success(request, "Scenario removed. Runs already played keep their scores.")
    return redirect("practice:manage", slug=membership.workspace.slug)


@workspace_view(Capability.SETTINGS)
def export(request, membership):
    """The business's own scenarios; with ?all=1 (or none written yet, as an example to start from) every one."""
    own = catalogue.own(membership.workspace)
    everything = request.GET.get("all") == "1" or not own
    text = operations.export(membership.workspace, own_only=not everything)
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="practice-scenarios-{"all" if everything else "own"}.yaml"'
    return response
