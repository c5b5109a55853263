"""The lifecycle of a practice run (one person playing one scenario), declared once.

A run is played by its trainee only; nothing here reaches a network, the inbox or Insights.
"""

from django.db import models


class RunState(models.TextChoices):
    PLAYING = "playing", "Playing"
    FINISHED = "finished", "Finished"
    ABANDONED = "abandoned", "Abandoned"


S = RunState
TRANSITIONS: dict[RunState, frozenset[RunState]] = {
    # Playing to playing: each answer is a round; the customer answers back and the run goes on.
    S.PLAYING: frozenset({S.PLAYING, S.FINISHED, S.ABANDONED}),
    S.FINISHED: frozenset(),
    S.ABANDONED: frozenset(),
}


class InvalidMove(Exception):
    def __init__(self, current, target):
        super().__init__(
            f"A practice run that is {RunState(current).label.lower()} cannot become {RunState(target).label.lower()}."
        )
        self.current, self.target = current, target


def check_move(current: str, target: str) -> None:
    if RunState(target) not in TRANSITIONS[RunState(current)]:
        raise InvalidMove(current, target)
