"""The Practice page, a run being played, and its coaching. Everything here is labelled Practice."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from firsthand.practice import catalogue, operations, progress
from firsthand.practice.forms import AnswerForm
from firsthand.practice.models import PracticeRun
from firsthand.practice.schema import KINDS, MOVES
from firsthand.practice.scoring import PASS_SCORE
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability


def run_or_404(membership, run_id) -> PracticeRun:
    try:
        return operations.runs_of(membership).get(pk=run_id)
    except PracticeRun.DoesNotExist:
        raise Http404("No such practice run.") from None


@workspace_view(Capability.REPLY)
def home(request, membership):
    workspace = membership.workspace
    scenarios = catalogue.for_workspace(workspace)
    best = progress.best_by_scenario(workspace, request.user)
    cards = [dict(s, kind_label=KINDS[s["kind"]], best=best.get(s["key"])) for s in scenarios]
    mine = progress.of_people(workspace, [request.user])[request.user.pk]
    team = None
    if membership.can(Capability.MANAGE_TEAM):
        members = workspace.memberships.select_related("user").order_by("user__name")
        people = [m.user for m in members if m.can(Capability.REPLY)]  # viewers don't answer, so don't practise
        team = list(progress.of_people(workspace, people).values())
    playing = operations.runs_of(membership).filter(state="playing").order_by("-started_at").first()
    context = {
        "active": "practice",
        "scenarios": cards,
        "mine": mine,
        "team": team,
        "playing": playing,
        "still_to_pass": operations.still_to_pass(membership),
        "pass_score": PASS_SCORE,
        "can_manage": membership.can(Capability.SETTINGS),
    }
    return render(request, "practice/home.html", context)


@require_POST
@workspace_view(Capability.REPLY)
def start(request, membership):
    try:
        run = operations.start(membership, str(request.POST.get("scenario", ""))[:60])
    except operations.PracticeError as error:
        messages.error(request, str(error))
        return redirect("practice:home", slug=membership.workspace.slug)
    return redirect("practice:run", slug=membership.workspace.slug, run_id=run.pk)


@workspace_view(Capability.REPLY)
def run(request, membership, run_id):
    practice_run = run_or_404(membership, run_id)
    form = AnswerForm(request.POST or None, initial={"text": practice_run.scenario.get("draft", "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                operations.answer(membership, practice_run, form.cleaned_data["text"], form.cleaned_data["moves"])
            except operations.PracticeError as error:
                form.add_error("text", str(error))
            else:
                return redirect("practice:run", slug=membership.workspace.slug, run_id=practice_run.pk)
        status = 400
    context = {
        "active": "practice",
        "run": practice_run,
        "chat": list(practice_run.messages.all()),
        "form": form,
        "kind_label": KINDS[practice_run.scenario["kind"]],
        "moves": MOVES,
        "pass_score": PASS_SCORE,
    }
    return render(request, "practice/run.html", context, status=status)


@require_POST
@workspace_view(Capability.REPLY)
def abandon(request, membership, run_id):
    operations.abandon(membership, run_or_404(membership, run_id))
    return redirect("practice:home", slug=membership.workspace.slug)
