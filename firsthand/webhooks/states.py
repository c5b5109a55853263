"""The lifecycle of a webhook delivery (one event going to one endpoint), declared once, in the shape of
publishing/states.py. Every change of state is a conditional UPDATE from a state this graph allows."""

from django.db import models


class State(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Sending"
    RETRYING = "retrying", "Waiting to retry"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


S = State
TRANSITIONS: dict[State, frozenset[State]] = {
    S.PENDING: frozenset({S.SENDING}),
    # From sending back to sending: a worker that died mid-attempt is replaced by another once its claim runs out.
    S.SENDING: frozenset({S.DELIVERED, S.RETRYING, S.FAILED, S.SENDING}),
    S.RETRYING: frozenset({S.SENDING}),
    # Redelivery makes a new delivery of the same event (the same webhook-id); these rows stay as they were.
    S.DELIVERED: frozenset(),
    S.FAILED: frozenset(),
}

# States a worker picks up once their time has come.
DUE_STATES = (S.PENDING, S.RETRYING)
# States a delivery ends in, from which a person may send the event again.
FINAL_STATES = (S.DELIVERED, S.FAILED)


class InvalidMove(Exception):
    def __init__(self, current, target):
        super().__init__(
            f"A delivery that is {State(current).label.lower()} cannot become {State(target).label.lower()}."
        )


def check_move(current: str, target: str) -> None:
    if State(target) not in TRANSITIONS[State(current)]:
        raise InvalidMove(current, target)
