"""The lifecycle of a delivery (one post going to one account), declared once.

Every change of state goes through `move`, which refuses a move the graph
does not allow. Approval and holds (the guardrails) add their states here.
"""

from django.db import models


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHING = "publishing", "Publishing"
    RETRYING = "retrying", "Waiting to retry"
    PUBLISHED = "published", "Published"
    FAILED = "failed", "Failed"
    UNCONFIRMED = "unconfirmed", "Unconfirmed"
    DELETED = "deleted", "Deleted"
    HELD = "held", "Held"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"


S = State
TRANSITIONS: dict[State, frozenset[State]] = {
    S.DRAFT: frozenset({S.SCHEDULED, S.AWAITING_APPROVAL}),
    # An approver approves (scheduled), sends it back or the author withdraws it (draft).
    S.AWAITING_APPROVAL: frozenset({S.SCHEDULED, S.DRAFT, S.AWAITING_APPROVAL}),
    S.SCHEDULED: frozenset({S.DRAFT, S.PUBLISHING, S.SCHEDULED, S.HELD, S.AWAITING_APPROVAL}),
    # From publishing back to publishing: a worker that died mid-attempt is replaced by another.
    S.PUBLISHING: frozenset({S.PUBLISHED, S.FAILED, S.RETRYING, S.UNCONFIRMED, S.PUBLISHING}),
    S.RETRYING: frozenset({S.PUBLISHING, S.DRAFT, S.HELD}),
    # Publishing is paused (the crisis switch): kept, never dropped, until someone decides.
    # Released or resumed, it passes the check again: the rules may have changed while it waited.
    # An edit made while held may ask for approval again, like any edit of a scheduled post.
    S.HELD: frozenset({S.SCHEDULED, S.DRAFT, S.AWAITING_APPROVAL}),
    S.FAILED: frozenset({S.SCHEDULED, S.DRAFT, S.AWAITING_APPROVAL}),
    # The author looked on the network and says what happened; sent again, it passes the check again.
    S.UNCONFIRMED: frozenset({S.PUBLISHED, S.SCHEDULED, S.AWAITING_APPROVAL}),
    S.PUBLISHED: frozenset({S.DELETED}),
    S.DELETED: frozenset(),
}

# States a worker picks up.
DUE_STATES = (S.SCHEDULED, S.RETRYING)
# States in which the text may still be changed.
# A held post has not gone out: it may be changed (or moved to drafts, or deleted) while publishing is paused.
EDITABLE_STATES = (S.DRAFT, S.SCHEDULED, S.FAILED, S.AWAITING_APPROVAL, S.HELD)
# States in which nothing has reached the network, so the post may be deleted outright.
DELETABLE_STATES = (S.DRAFT, S.HELD)


class InvalidMove(Exception):
    def __init__(self, current, target):
        super().__init__(f"A post that is {State(current).label.lower()} cannot become {State(target).label.lower()}.")
        self.current, self.target = current, target


def check_move(current: str, target: str) -> None:
    if State(target) not in TRANSITIONS[State(current)]:
        raise InvalidMove(current, target)


class CommentState(models.TextChoices):
    """A delivery's first comment: its own step, taken only once the post is published, so a comment that
    fails is tried again (or given up on) without the post ever being sent twice."""

    NONE = "", "No first comment"
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Sending"
    RETRYING = "retrying", "Waiting to retry"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


C = CommentState
COMMENT_TRANSITIONS: dict[CommentState, frozenset[CommentState]] = {
    # Set in the same UPDATE that records the post as published.
    C.NONE: frozenset({C.PENDING, C.FAILED}),
    C.PENDING: frozenset({C.SENDING}),
    # From sending back to sending: a worker that died mid-attempt is replaced, and looks before sending.
    C.SENDING: frozenset({C.SENT, C.RETRYING, C.FAILED, C.SENDING}),
    C.RETRYING: frozenset({C.SENDING}),
    # Someone fixed the cause (reconnected the account) and pressed Retry: the post itself stays as it is.
    C.FAILED: frozenset({C.PENDING}),
    C.SENT: frozenset(),
}
COMMENT_DUE = (C.PENDING, C.RETRYING)


def check_comment_move(current: str, target: str) -> None:
    if CommentState(target) not in COMMENT_TRANSITIONS[CommentState(current)]:
        raise InvalidComment(current, target)


class InvalidComment(Exception):
    def __init__(self, current, target):
        super().__init__(
            f"A first comment that is {CommentState(current).label.lower()} cannot become "
            f"{CommentState(target).label.lower()}."
        )
