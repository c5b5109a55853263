"""How each person is getting on: scenarios done, scores over time, and what keeps going wrong."""

from collections import Counter, defaultdict

from firsthand.practice.models import PracticeMessage, PracticeRun
from firsthand.practice.scoring import PASS_SCORE
from firsthand.practice.states import RunState


def of_people(workspace, users) -> dict:
    """user id → {runs, passed, average, recent scores (oldest first), keeps_missing [(title, times)]}."""
    runs = PracticeRun.objects.filter(workspace=workspace, user__in=users, state=RunState.FINISHED).order_by(
        "finished_at"
    )
    by_user = defaultdict(list)
    for run in runs.only("user_id", "scenario_key", "scenario_title", "score", "finished_at"):
        by_user[run.user_id].append(run)
    missed = defaultdict(Counter)
    answers = PracticeMessage.objects.filter(
        run__workspace=workspace, run__user__in=users, who=PracticeMessage.Who.TRAINEE
    ).values_list("run__user_id", "coaching")
    for user_id, coaching in answers:
        for point in (coaching or {}).get("points", []):
            if point.get("ok") is False:
                missed[user_id][point["title"]] += 1
    summary = {}
    for user in users:
        done = by_user.get(user.pk, [])
        scores = [run.score or 0 for run in done]
        summary[user.pk] = {
            "user": user,
            "runs": len(done),
            "passed": sorted({run.scenario_title for run in done if (run.score or 0) >= PASS_SCORE}),
            "average": round(sum(scores) / len(scores)) if scores else None,
            "recent": done[-8:],
            "keeps_missing": missed[user.pk].most_common(3),
        }
    return summary


def best_by_scenario(workspace, user) -> dict[str, int]:
    best = {}
    for key, score in PracticeRun.objects.filter(workspace=workspace, user=user, state=RunState.FINISHED).values_list(
        "scenario_key", "score"
    ):
        best[key] = max(best.get(key, 0), score or 0)
    return best
