"""The events an endpoint can subscribe to: the names shared with Web Push, and what each means to a person."""

EVENTS: dict[str, str] = {
    "post.scheduled": "A post is scheduled",
    "post.published": "A post is published",
    "post.failed": "A post failed to publish",
    "post.unconfirmed": "A post may or may not have gone out",
    "conversation.created": "A new conversation arrives in the inbox",
    "conversation.answered": "A conversation is answered",
    "conversation.overdue": "A conversation waits past its response target",
    "conversation.done": "A conversation is marked done",
    "escalation.asked": "Someone asks the owner a question",
    "escalation.answered": "The owner answers a question",
    "approval.asked": "A post waits for approval",
    "approval.decided": "A post is approved or sent back",
    "publishing.paused": "Publishing is paused",
    "publishing.resumed": "Publishing resumes",
    "followers.audit_finished": "A follower audit finishes",
    "spike.negative": "A spike of negative messages",
}

# Sent by "Send test event" only; no endpoint subscribes to it, every endpoint accepts it.
TEST_EVENT = "webhook.test"

EVENT_CHOICES = [(name, f"{name} — {label}") for name, label in EVENTS.items()]
