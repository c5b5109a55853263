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

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "day", "hour"], name="one_count_per_account_hour")]
        indexes = [models.Index(fields=["workspace", "day"], name="insights_counts_by_day")]


class RollupMark(models.Model):
    """How far a workspace's counts go: every customer message with an id up to `last_pk` is in them,
    counted in `zone`; relabellings seen up to `relabels_seen`. A zone other than the workspace's
    means the counts are rebuilt (and meanwhile not used)."""

    workspace = models.OneToOneField("team.Workspace", on_delete=models.CASCADE, related_name="+")
    zone = models.CharField(max_length=64, blank=True)
    last_pk = models.BigIntegerField(default=0)
    relabels_seen = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
