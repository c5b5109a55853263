"""The lifecycle of a follower audit run, declared once (the shape of publishing/states.py)."""

from django.db import models


class AuditState(models.TextChoices):
    QUEUED = "queued", "Queued"
    FETCHING = "fetching", "Reading followers"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


A = AuditState
TRANSITIONS: dict[AuditState, frozenset[AuditState]] = {
    A.QUEUED: frozenset({A.FETCHING, A.CANCELLED, A.FAILED}),
    # From fetching back to fetching: a worker that died mid-audit is replaced, from the stored cursor.
    A.FETCHING: frozenset({A.FETCHING, A.DONE, A.FAILED, A.CANCELLED}),
    A.DONE: frozenset(),
    A.FAILED: frozenset(),
    A.CANCELLED: frozenset(),
}

# An audit in these states is the account's running one: starting another returns it.
RUNNING_STATES = (A.QUEUED, A.FETCHING)


class InvalidMove(Exception):
    def __init__(self, current, target):
        super().__init__(
            f"An audit that is {AuditState(current).label.lower()} cannot become {AuditState(target).label.lower()}."
        )


def check_move(current: str, target: str) -> None:
    if AuditState(target) not in TRANSITIONS[AuditState(current)]:
        raise InvalidMove(current, target)
