"""The event names shared by webhooks and push (one list for the whole project), and the ones a person
may choose to receive on a device."""

EVENTS = (
    "post.scheduled",
    "post.published",
    "post.failed",
    "post.unconfirmed",
    "conversation.created",
    "conversation.answered",
    "conversation.overdue",
    "conversation.done",
    "escalation.asked",
    "escalation.answered",
    "approval.asked",
    "approval.decided",
    "publishing.paused",
    "publishing.resumed",
    "followers.audit_finished",
    "spike.negative",
)

# What a device may receive, in the words of the settings page; the first six are on for a new device
# (the ones a person must act on), the last two are news about one's own work.
CHOICES = [
    ("escalation.asked", "A question for the owner"),
    ("conversation.overdue", "A conversation waiting past its target"),
    ("approval.asked", "Something waiting for approval"),
    ("post.failed", "A post that did not go out"),
    ("spike.negative", "A spike of complaints"),
    ("publishing.paused", "Publishing paused (crisis)"),
    ("escalation.answered", "An answer to my question"),
    ("approval.decided", "A decision on my post or answer"),
]
DEFAULT_KINDS = [name for name, _ in CHOICES[:6]]
TITLES = dict(CHOICES) | {
    "approval.decided": "A decision on your work",
    "escalation.answered": "Your question was answered",
}

# The push service may deliver these sooner at the cost of a phone's battery (RFC 8030 section 5.3).
HIGH = {"escalation.asked", "spike.negative", "publishing.paused", "post.failed"}


def check(kind: str) -> str:
    if kind not in EVENTS:
        raise ValueError(f"{kind!r} is not one of the event names in notices/push/events.py")
    return kind
