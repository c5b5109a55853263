from django.conf import settings
from django.db import models


class HourlyCount(models.Model):
    """Customers' messages on one account in one local hour of one local day (the workspace's zone at the
    time of counting, RollupMark.zone), by kind (inbox.window.of_kind), and how many read as negative.
    Holds exactly the messages up to RollupMark.last_pk; newer ones are counted live on top."""

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("networks.ConnectedAccount", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    hour = models.PositiveSmallIntegerField()
    total = models.PositiveIntegerField(default=0)
    complaint = models.PositiveIntegerField(default=0)
    question = models.PositiveIntegerField(default=0)
    praise = models.PositiveIntegerField(default=0)
    other = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)  # of them, replies to the business's own posts

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "day", "hour"], name="one_count_per_account_hour")]
        indexes = [models.Index(fields=["workspace", "day"], name="insights_counts_by_day")]


class Wait(models.Model):
    """One wait of a customer for an answer (insights.conversations.walk): when it began, when and by whom
    it was answered, and how long that was in opening hours (RollupMark.waits_basis: the zone and the
    hours it was counted in). Rewritten whole for every conversation that got a new item."""

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("networks.ConnectedAccount", on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey("inbox.Conversation", on_delete=models.CASCADE, related_name="+")
    started = models.DateTimeField()
    answered = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    first = models.BooleanField()  # the conversation's first wait: the first-response clock
    seconds = models.FloatField(null=True, blank=True)  # in opening hours; None while unanswered
    minutes = models.IntegerField(null=True, blank=True)  # round(seconds / 60), as the page shows it

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "started"], name="insights_waits_by_start"),
            models.Index(fields=["conversation"], name="insights_waits_of_talk"),
        ]


class RollupMark(models.Model):
    """How far a workspace's counts go: every customer message with an id up to `last_pk` is in them,
    counted in `zone`; relabellings seen up to `relabels_seen`. A zone other than the workspace's
    means the counts are rebuilt (and meanwhile not used)."""

    workspace = models.OneToOneField("team.Workspace", on_delete=models.CASCADE, related_name="+")
    zone = models.CharField(max_length=64, blank=True)
    last_pk = models.BigIntegerField(default=0)
    relabels_seen = models.DateTimeField(null=True, blank=True)
    # The waits hold every conversation whose items all have ids up to `waits_pk`, timed in `waits_basis`.
    waits_pk = models.BigIntegerField(default=0)
    waits_basis = models.CharField(max_length=200, blank=True)
    # The per-day wait histograms (WaitCount) count the waits as stored, against the targets in `counts_basis`.
    counts_basis = models.CharField(max_length=250, blank=True)
    # The answer counts hold every answer with an id up to `answers_pk`, on days in `zone`.
    answers_pk = models.BigIntegerField(default=0)
    # The topic phrases (TopicMessage) hold every customer message with an id up to `topics_pk`, as labelled
    # when the run of `topics_seen` read the relabelled ones (phrases need no zone, so a zone change keeps them).
    topics_pk = models.BigIntegerField(default=0)
    topics_seen = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)


class AnswerCount(models.Model):
    """Our answers on one account on one local day (RollupMark.zone), by who wrote them and who let them go
    out: "who answered" and "approvals by approver" sum these. Holds exactly the answers with ids up to
    RollupMark.answers_pk; newer ones are counted live on top. A teammate who is removed becomes None here
    as on the answer itself (SET_NULL on both)."""

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("networks.ConnectedAccount", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    n = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["workspace", "day"], name="insights_answers_by_day")]


class WaitCount(models.Model):
    """The stored waits (Wait) that began on one local day, counted by account, answerer, clock and shown
    minute: a histogram per day. Medians and 90th percentiles read from it are exact in whole minutes (the
    minute the page shows is the stored wait's own rounded minute, so nothing is lost by counting per
    minute); `within` counts those within the target (RollupMark.counts_basis) to the second. `minutes`
    None: not answered yet. Rewritten for every day a rewritten wait began on, in the same transaction."""

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("networks.ConnectedAccount", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    first = models.BooleanField()
    minutes = models.IntegerField(null=True, blank=True)
    n = models.PositiveIntegerField(default=0)
    within = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["workspace", "day"], name="insights_waitcounts_by_day")]


class TopicMessage(models.Model):
    """A customer's complaint or question (inbox.window.of_kind) with the phrases cut from its text
    (insights.topics.phrases), one per line: the topics count these instead of cutting thousands of texts
    on every view. Holds exactly the messages with ids up to RollupMark.topics_pk; other kinds have no row."""

    interaction = models.OneToOneField(
        "inbox.Interaction", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="+", db_index=False)
    account = models.ForeignKey("networks.ConnectedAccount", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)
    created_at = models.DateTimeField()
    phrases = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "kind", "-created_at", "-interaction"], name="insights_topics_newest")
        ]
