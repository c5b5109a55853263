from django.conf import settings
from django.db import models
from django.utils import timezone


class AccountCursor(models.Model):
    """Where reading an account's interactions got to, and when to look again."""

    account = models.OneToOneField("networks.ConnectedAccount", on_delete=models.CASCADE, related_name="inbox_cursor")
    cursor = models.TextField(blank=True)  # the connector's own, opaque to the inbox
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    polled_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    limitation = models.CharField(max_length=500, blank=True)  # see networks.base.InteractionPage
    # On networks that stream (streams.py): which worker holds the account's stream, until when,
    # since when it has been connected, and why it is not, when it is not.
    streamed_by = models.CharField(max_length=64, blank=True)
    stream_until = models.DateTimeField(null=True, blank=True)
    stream_live_since = models.DateTimeField(null=True, blank=True)
    stream_error = models.CharField(max_length=500, blank=True)

    @property
    def streaming(self) -> bool:
        """Connected now, by a worker that is still alive (its lease is renewed while it runs)."""
        return bool(self.stream_live_since and self.stream_until and self.stream_until > timezone.now())


class PostWatch(models.Model):
    """A published post whose replies are read post by post (on networks that only tell that way),
    for FIRSTHAND_WATCH_HOURS after it went out, so a scheduled post is never forgotten."""

    delivery = models.OneToOneField("publishing.Delivery", on_delete=models.CASCADE, related_name="watch")
    needed = models.BooleanField(default=True)  # False: its network brings replies with the notifications
    cursor = models.TextField(blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    polled_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)


class RawEvent(models.Model):
    """An interaction exactly as the network gave it, stored once per (account, network id) before anything else."""

    account = models.ForeignKey("networks.ConnectedAccount", on_delete=models.CASCADE, related_name="raw_events")
    remote_id = models.CharField(max_length=255)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "remote_id"], name="one_raw_event_per_item")]


class Person(models.Model):
    """Someone on a network who talks to the business; their history spans the workspace's accounts."""

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="people")
    network = models.CharField(max_length=32)
    handle = models.CharField(max_length=255)
    name = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "network", "handle"], name="one_person_per_handle")]

    def __str__(self):
        return self.name or self.handle


class Conversation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        HIDDEN = "hidden", "Hidden"  # spam, or what the team chose not to see; kept, never deleted

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="conversations")
    account = models.ForeignKey("networks.ConnectedAccount", on_delete=models.CASCADE, related_name="conversations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="conversations")
    key = models.CharField(max_length=300)  # what groups items: a thread of ours with one person, or a DM
    kind = models.CharField(max_length=16)  # the first item's kind: reply, mention, message, ...
    post = models.ForeignKey("publishing.Delivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    hidden_reason = models.CharField(max_length=200, blank=True)
    labels = models.JSONField(default=list, blank=True)  # union of its items' labels
    priority = models.PositiveSmallIntegerField(default=3)  # 0 is most urgent
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    first_inbound_at = models.DateTimeField()
    last_inbound_at = models.DateTimeField(db_index=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    last_response_at = models.DateTimeField(null=True, blank=True)
    # The customer's first message since our last answer: where the response clock starts. Cleared by an
    # answer; a second "hello?" does not restart it. Its first run is the first-response clock, later runs
    # the next-response clock.
    awaiting_since = models.DateTimeField(null=True, blank=True, db_index=True)
    # Set when the team was told this waited past the target; cleared by an answer.
    overdue_told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "key"], name="one_conversation_per_key")]
        indexes = [
            models.Index(fields=["workspace", "status", "priority", "last_inbound_at"], name="inbox_order"),
            # The waiting count in the navigation, the overdue check and the longest-waiting first.
            models.Index(fields=["workspace", "status", "awaiting_since"], name="inbox_waiting"),
            models.Index(fields=["status", "awaiting_since"], name="inbox_waiting_everywhere"),
            models.Index(fields=["account", "status", "priority", "last_inbound_at"], name="inbox_account_order"),
        ]

    @property
    def waiting_since(self):
        """Since when the customer has waited for an answer; None when answered."""
        return self.awaiting_since


class Interaction(models.Model):
    class Direction(models.TextChoices):
        IN = "in", "From the customer"
        OUT = "out", "From the business"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="items")
    raw_event = models.OneToOneField(RawEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="item")
    remote_id = models.CharField(max_length=255, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=16)
    author_handle = models.CharField(max_length=255)
    author_name = models.CharField(max_length=255, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )  # who in the team wrote an outgoing reply
    text = models.TextField(blank=True)
    labels = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    # Liked on the network by the account, and by whom in the team.
    liked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    liked_at = models.DateTimeField(null=True, blank=True)
    # Hidden on the network itself (a Facebook comment: its writer still sees it, nobody else), and by whom.
    hidden_on_network_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_on_network_at = models.DateTimeField(null=True, blank=True)
    # For an answer that had to wait for one: who let it go out.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # When the accurate judgements (inbox/relabel.py) replaced the labels filing gave; None: not yet.
    relabelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # What still waits for the accurate judgements, newest first: the relabelling's one query.
            models.Index(
                fields=["-id"], name="inbox_item_to_relabel", condition=models.Q(relabelled_at=None, direction="in")
            ),
            # Insights: customers' messages (or our answers) in a period; and the relabelled ones the
            # insights counts look at again (insights/rollups/engine.py).
            models.Index(fields=["direction", "created_at"], name="inbox_item_by_time"),
            models.Index(fields=["relabelled_at"], name="inbox_item_relabelled"),
        ]


class Escalation(models.Model):
    """A teammate asks the owner what only the owner can answer; the customer's clock keeps running meanwhile."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="escalations")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    question = models.TextField()
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["asked_at"]


class ResponseTargets(models.Model):
    """How fast the business wants to answer, counted in its business hours."""

    workspace = models.OneToOneField("team.Workspace", on_delete=models.CASCADE, related_name="response_targets")
    first_response_minutes = models.PositiveIntegerField(default=60)
    next_response_minutes = models.PositiveIntegerField(default=60)
    opens_at = models.TimeField(default="09:00")
    closes_at = models.TimeField(default="17:00")
    open_days = models.CharField(max_length=7, default="01234", help_text="weekday numbers, Monday is 0")

    @classmethod
    def for_workspace(cls, workspace):
        return cls.objects.filter(workspace=workspace).first() or cls(workspace=workspace)


class PendingAnswer(models.Model):
    """An answer that waits for an owner's or manager's yes before it goes to the customer.

    The conversation's clock keeps running meanwhile: the customer has no answer yet.
    """

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for approval"
        SENT = "sent", "Approved and sent"
        SENT_BACK = "sent_back", "Sent back"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="pending_answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField()
    reasons = models.JSONField(default=list)  # why it waits, in plain words
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)  # what the approver said when sending it back

    class Meta:
        ordering = ["created_at"]

    def customer_said(self):
        """The customer's latest message before this answer: what an approver needs to judge it."""
        return (
            self.conversation.items.filter(direction=Interaction.Direction.IN, created_at__lte=self.created_at)
            .order_by("created_at", "pk")
            .last()
        )


class Presence(models.Model):
    """Who has a conversation open right now, and whether they are writing an answer (collision detection)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    writing = models.BooleanField(default=False)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="one_presence_per_person")]


class Note(models.Model):
    """What the team says to itself about a conversation; the customer never sees it."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]


class SavedReply(models.Model):
    """An answer the team wrote once and reuses ("Our opening hours are…"), edited before sending as needed."""

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="saved_replies")
    title = models.CharField(max_length=100)
    text = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["workspace", "title"], name="one_saved_reply_per_title")]


class Tag(models.Model):
    """A word the team puts on a conversation ("refund", "wholesale", "press") to find it again."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="tags")
    # The conversation's, kept here too: "the tags this workspace uses" is asked on every inbox page, and
    # reaching it through the conversations walked all of them.
    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="+", null=True)
    name = models.CharField(max_length=40)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["conversation", "name"], name="one_tag_per_name")]
        indexes = [
            models.Index(fields=["name"], name="inbox_tag_name"),
            models.Index(fields=["workspace", "name"], name="inbox_tags_in_workspace"),
        ]


class SavedView(models.Model):
    """A set of inbox filters kept under a name ("Complaints on the shop account"), for the whole team."""

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(max_length=60)
    query = models.CharField(max_length=500)  # the inbox's own filter parameters, as in its address
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="one_saved_view_per_name")]
