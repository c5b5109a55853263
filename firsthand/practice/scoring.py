"""A score for each answer and for a run, the customer's reaction, and what to try next time."""

from collections import Counter

PASS_SCORE = 70
# Points that, failed, make any customer angrier whatever else the answer did well.
INFLAMING = {"tone", "brush_off", "no_argument"}
INFLAMED_CAP = 40


def answer_score(points: list[dict]) -> int:
    scored = [p for p in points if p["ok"] is not None]
    if not scored:
        return 100
    score = round(100 * sum(1 for p in scored if p["ok"]) / len(scored))
    if any(p["key"] in INFLAMING and p["ok"] is False for p in points):
        # A rude or dismissive answer never passes, however much else it got right.
        score = min(score, INFLAMED_CAP)
    return score


def reaction(kind: str, points: list[dict]) -> str:
    """calm, unsettled or escalate: how the customer takes this answer.

    An apology and a fix calm a complaint; a brush-off or a rude tone escalates it; anything between leaves the
    customer asking again. Speed is not in it: a slow answer already brought its own "hello??".
    """
    failed = {p["key"] for p in points if p["ok"] is False}
    if failed & INFLAMING:
        return "escalate"
    if kind in ("complaint", "pile_on") and {"apology", "next_step"} <= failed:
        return "escalate"  # no apology and nothing done: a brush-off, however politely worded
    if failed - {"speed"}:
        return "unsettled"
    return "calm"


def run_score(answer_points: list[list[dict]]) -> int:
    if not answer_points:
        return 0
    return round(sum(answer_score(points) for points in answer_points) / len(answer_points))


def next_time(answer_points: list[list[dict]], limit: int = 3) -> list[str]:
    """The points missed most often, each with its last reason: what to try next time."""
    missed = Counter()
    reasons = {}
    for points in answer_points:
        for point in points:
            if point["ok"] is False:
                missed[point["title"]] += 1
                reasons[point["title"]] = point["reason"]
    return [f"{title}: {reasons[title]}" for title, _ in missed.most_common(limit)]
