"""firsthand's judgements: offensive, sentiment, complaint, question (texts) and follower (profiles).

    from firsthand.judge import judge
    judge("offensive", ["you absolute muppet", "lovely bread today"])
    → [{"label": "offensive", "score": 0.91, "reasons": ["muppet"]}, {"label": "ok", ...}]

Batched: a list in, a list out, in order. An item that cannot be judged gives {"error": "..."}.
Models load once, from files inside the package; nothing is fetched at run time. No database access.
"""

from firsthand.judge.judges import KINDS, judge

__all__ = ["KINDS", "judge"]
