"""Practice's operations: every door (the pages, later the API) plays, coaches and imports through these.

A run is the trainee's alone and lives in practice's tables. The customers are simulated here, on the
sandbox's terms: nothing is sent to any network, and nothing reaches the inbox or Insights.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.practice import catalogue, coach, scoring
from firsthand.practice.models import CustomScenario, HouseRules, PracticeMessage, PracticeRun
from firsthand.practice.schema import MOVES, ScenarioError, dump, parse
from firsthand.practice.states import RunState
from firsthand.team.permissions import Capability, Role

Who = PracticeMessage.Who
# The practice clock: one minute of the workspace's response target is one real second, so a 60-minute
# target gives a trainee a minute to answer: the pressure of a real inbox, in a session of a few minutes.
SECONDS_PER_TARGET_MINUTE = 1
MAX_ANSWER = 2000
DEFAULT_IMPATIENT = ["hello??", "Anyone there?"]


class PracticeError(Exception):
    pass


def runs_of(membership):
    """A member's own runs; only through this do views load a run, so another person's run is a 404."""
    return PracticeRun.objects.filter(workspace=membership.workspace, user=membership.user)


def start(membership, key: str, *, seed: int | None = None) -> PracticeRun:
    scenario = catalogue.find(membership.workspace, key)
    if scenario is None:
        raise PracticeError("There is no such scenario in this workspace.")
    seed = seed if seed is not None else random.SystemRandom().randrange(1, 2**31)
    choose = random.Random(seed)  # nosec B311 # picks a phrasing, not a secret
    now = timezone.now()
    with transaction.atomic():
        run = PracticeRun.objects.create(
            workspace=membership.workspace,
            user=membership.user,
            scenario_key=key,
            scenario_title=scenario["title"],
            scenario={k: v for k, v in scenario.items() if k != "custom"},
            seed=seed,
            customer=choose.choice(scenario["customers"]),
            started_at=now,
            last_line_at=now,
        )
        say(run, Who.SITUATION, scenario["situation"], now)
        say(run, Who.CUSTOMER, choose.choice(scenario["opening"]), now, name=run.customer)
        if scenario["kind"] in ("pile_on", "crisis") and scenario["others"]:
            others = [name for name in scenario["customers"] if name != run.customer] or ["someone"]
            for line in choose.sample(scenario["others"], min(2, len(scenario["others"]))):
                say(run, Who.OTHER, line, now, name=choose.choice(others))
    return run


def say(run, who, text, when, name="", **extra) -> PracticeMessage:
    return PracticeMessage.objects.create(run=run, who=who, name=name, text=text, created_at=when, **extra)


def answer(membership, run: PracticeRun, text: str, moves=(), *, now=None) -> PracticeMessage:
    """The trainee answers: coached at once, and the customer reacts to what was written."""
    from firsthand.inbox.models import ResponseTargets

    if run.user_id != membership.user.pk:
        raise PracticeError("This practice run belongs to someone else.")
    if not run.playing:
        raise PracticeError("This practice run is over. Start the scenario again to play it once more.")
    text = (text or "").strip()
    if not text:
        raise PracticeError("Write the answer first.")
    if "\x00" in text:
        raise PracticeError("The answer holds a null character (U+0000). Remove it and try again.")
    if len(text) > MAX_ANSWER:
        raise PracticeError(f"The answer is {len(text)} characters; keep it under {MAX_ANSWER}.")
    unknown = [m for m in moves if m not in MOVES]
    if unknown:
        raise PracticeError("There is no such move: " + ", ".join(map(str, unknown)))
    now = now or timezone.now()
    scenario = run.scenario
    targets = ResponseTargets.for_workspace(run.workspace)
    minutes = targets.next_response_minutes if run.rounds_played else targets.first_response_minutes
    target = timedelta(seconds=minutes * SECONDS_PER_TARGET_MINUTE)
    waited = now - run.last_line_at
    rules = HouseRules.for_workspace(run.workspace)
    points = judge_answer(membership, scenario, text, list(moves), waited, target, rules)
    shaded = random.Random(run.seed * 31 + run.rounds_played)  # nosec B311 # varies a phrasing, not a secret
    with transaction.atomic():
        if waited > target and scenario["kind"] != "personal_draft":
            impatient = scenario.get("impatient") or DEFAULT_IMPATIENT
            say(run, Who.CUSTOMER, shaded.choice(impatient), run.last_line_at + target, name=run.customer)
        mood = scoring.reaction(scenario["kind"], points)
        mine = say(
            run,
            Who.TRAINEE,
            text,
            now,
            name=membership.user.name,
            moves=list(moves),
            coaching={"points": points, "score": scoring.answer_score(points), "reaction": mood},
        )
        pool = {"calm": "calm", "unsettled": "unsettled", "escalate": "escalate"}[mood]
        say(run, Who.CUSTOMER, shaded.choice(scenario[pool]), now + timedelta(seconds=1), name=run.customer)
        run.rounds_played += 1
        run.last_line_at = now + timedelta(seconds=1)
        if mood == "calm" or run.rounds_played >= scenario["rounds"]:
            finish(run, now)
        else:
            run.move(RunState.PLAYING)
            run.save(update_fields=["rounds_played", "last_line_at", "state"])
    return mine


def judge_answer(membership, scenario, text, moves, waited, target, rules) -> list[dict]:
    from firsthand.guard.language import detect
    from firsthand.judge import judge

    # The team's answer, not a customer's message: sentiment reads it as trained, without customers' lean to negative.
    offensive, sentiment = judge("offensive", [text])[0], judge("sentiment", [text], customers=False)[0]
    written_in = detect(text)
    foreign = written_in if written_in and rules.language and written_in != rules.language else None
    points = coach.coach(
        scenario,
        coach.Answer(text, moves, waited.total_seconds(), target.total_seconds()),
        rules=rules,
        offensive=offensive,
        sentiment=sentiment,
        findings=guard_findings(membership, text),
        foreign=foreign,
    )
    return coach.as_data(points)


def guard_findings(membership, text: str):
    """The pre-publish check, as on a real answer: on the workspace's sandbox account when it has one (so
    the brand rules, the personal-tone and language checks all run), else the checks that need no account."""
    from firsthand.guard import checks
    from firsthand.guard.models import BrandRules
    from firsthand.networks.models import ConnectedAccount

    account = ConnectedAccount.objects.filter(workspace=membership.workspace, network="sandbox").connected().first()
    if account is not None:
        return checks.check(text, account, author=membership.user)
    rules = BrandRules.for_workspace(membership.workspace)
    stand_in = ConnectedAccount(workspace=membership.workspace, network="sandbox", handle="@practice", is_brand=True)
    return checks.offensive(text) + checks.brand_rules(text, rules) + checks.wrong_account(text, stand_in)


def finish(run: PracticeRun, now) -> None:
    answers = [m.coaching["points"] for m in run.messages.filter(who=Who.TRAINEE).order_by("created_at", "pk")]
    run.move(RunState.FINISHED)
    run.finished_at = now
    run.score = scoring.run_score(answers)
    run.next_time = scoring.next_time(answers)
    run.save(update_fields=["rounds_played", "last_line_at", "state", "finished_at", "score", "next_time"])
    record(
        "practice.finished",
        f"{run.user} finished the practice scenario “{run.scenario_title}” with {run.score}/100",
        actor=run.user,
        workspace=run.workspace,
        run=run.pk,
    )


def abandon(membership, run: PracticeRun) -> None:
    if run.user_id != membership.user.pk:
        raise PracticeError("This practice run belongs to someone else.")
    if run.playing:
        run.move(RunState.ABANDONED)
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "finished_at"])


def import_scenarios(membership, text: str) -> list[dict]:
    """All the file's scenarios, or none: a ScenarioError names the line of the first problem."""
    if not membership.can(Capability.SETTINGS):
        raise PracticeError("Only owners and managers add practice scenarios.")
    scenarios = parse(text)
    for scenario in scenarios:
        if scenario["key"] in catalogue.shipped_keys():
            raise ScenarioError(f"“{scenario['key']}” is the key of a scenario firsthand ships; choose another key")
    with transaction.atomic():
        for scenario in scenarios:
            CustomScenario.objects.update_or_create(
                workspace=membership.workspace,
                key=scenario["key"],
                defaults={"title": scenario["title"], "source": dump([scenario]), "created_by": membership.user},
            )
        record(
            "practice.scenarios_imported",
            f"{membership.user} added practice scenarios: " + ", ".join(s["title"] for s in scenarios),
            actor=membership.user,
            workspace=membership.workspace,
        )
    return scenarios


def delete_scenario(membership, key: str) -> None:
    if not membership.can(Capability.SETTINGS):
        raise PracticeError("Only owners and managers remove practice scenarios.")
    CustomScenario.objects.filter(workspace=membership.workspace, key=key).delete()


def export(workspace, *, own_only: bool = True) -> str:
    return dump(catalogue.own(workspace) if own_only else list(catalogue.for_workspace(workspace)))


def passed_keys(workspace, user) -> set[str]:
    finished = PracticeRun.objects.filter(
        workspace=workspace, user=user, state=RunState.FINISHED, score__gte=scoring.PASS_SCORE
    )
    return set(finished.values_list("scenario_key", flat=True))


def still_to_pass(membership) -> list[str]:
    """The chosen scenarios this staff member has not passed yet; empty when the setting is off or done."""
    if membership.role != Role.STAFF:
        return []
    wanted = HouseRules.lines(HouseRules.for_workspace(membership.workspace).required_scenarios)
    if not wanted:
        return []
    done = passed_keys(membership.workspace, membership.user)
    return [key for key in wanted if key not in done]


def reasons_to_wait(membership) -> list[str]:
    """Why a staff member's answer to a real customer waits for an approver, by the approval-until-passed setting."""
    missing = still_to_pass(membership)
    if not missing:
        return []
    titles = {s["key"]: s["title"] for s in catalogue.for_workspace(membership.workspace)}
    named = ", ".join(f"“{titles.get(key, key)}”" for key in missing)
    return [f"{membership.user} has not yet passed the practice scenarios {named}"]
