from django.conf import settings
from django.db import models
from django.utils import timezone

from firsthand.insights.followers.states import AuditState


class FollowerAudit(models.Model):
    """One run of the audit over one account's followers; resumable from `cursor`."""

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("networks.ConnectedAccount", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=16, choices=AuditState.choices, default=AuditState.QUEUED)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cursor = models.CharField(max_length=500, blank=True)  # the network's cursor after the last stored page
    pages = models.PositiveIntegerField(default=0)
    fetched = models.PositiveIntegerField(default=0)
    judged = models.PositiveIntegerField(default=0)
    bought = models.PositiveIntegerField(default=0)
    reason_counts = models.JSONField(default=dict, blank=True)  # among the bought-looking: kind of reason → how many
    total_expected = models.PositiveIntegerField(null=True, blank=True)  # the account's follower count, if known
    # Failed: why, in the network's words. Fetching: what it waits for (a rate limit), cleared on the next page.
    error = models.CharField(max_length=1000, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)  # transient failures in a row

    class Meta:
        indexes = [models.Index(fields=["state", "claimed_until"], name="insights_audit_due")]
        constraints = [
            # The database's word on "started twice": one running audit per account.
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(state__in=["queued", "fetching"]),
                name="insights_one_running_audit",
            )
        ]

    def __repr__(self):
        return f"<FollowerAudit {self.pk} {self.state} {self.fetched}>"

    @property
    def running(self) -> bool:
        return self.state in (AuditState.QUEUED, AuditState.FETCHING)

    @property
    def percent(self) -> int | None:
        if self.state == AuditState.DONE:
            return 100
        if not self.total_expected:
            return None
        return min(99, self.fetched * 100 // self.total_expected)

    @property
    def bought_percent(self) -> int:
        return round(self.bought * 100 / self.judged) if self.judged else 0


class AuditedFollower(models.Model):
    audit = models.ForeignKey(FollowerAudit, on_delete=models.CASCADE, related_name="followers")
    remote_id = models.CharField(max_length=255)
    handle = models.CharField(max_length=255)
    display_name = models.CharField(max_length=255, blank=True)
    profile_url = models.CharField(max_length=1000, blank=True)
    score = models.FloatField(null=True)
    label = models.CharField(max_length=16)  # real, fake, or error (the profile could not be judged)
    reasons = models.JSONField(default=list)
    signals = models.JSONField(default=dict)  # the counts the judgement read, to check by hand

    class Meta:
        constraints = [
            # A page read twice (a resumed audit) counts once.
            models.UniqueConstraint(fields=["audit", "remote_id"], name="insights_follower_once")
        ]


class FollowerSnapshot(models.Model):
    """What one finished audit counted: the points of the growth-over-time line."""

    audit = models.OneToOneField(FollowerAudit, on_delete=models.CASCADE, related_name="snapshot")
    account = models.ForeignKey("networks.ConnectedAccount", on_delete=models.CASCADE, related_name="+")
    taken_at = models.DateTimeField(default=timezone.now)
    followers = models.PositiveIntegerField()
    real = models.PositiveIntegerField()
    bought = models.PositiveIntegerField()

    class Meta:
        ordering = ["taken_at"]
