from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class PauseQuerySet(models.QuerySet):
    def active(self):
        return self.filter(resumed_at=None)


class Pause(models.Model):
    """The crisis switch: publishing stopped for a whole workspace, or for one account, until resumed."""

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="pauses")
    account = models.ForeignKey(
        "networks.ConnectedAccount", on_delete=models.CASCADE, null=True, blank=True, related_name="pauses"
    )
    reason = models.CharField(max_length=500)
    paused_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    paused_at = models.DateTimeField(default=timezone.now)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resumed_at = models.DateTimeField(null=True, blank=True)

    objects = PauseQuerySet.as_manager()

    class Meta:
        ordering = ["-paused_at"]
        constraints = [
            # At most one open pause per workspace-wide switch and per account.
            models.UniqueConstraint(
                fields=["workspace"], condition=Q(resumed_at=None, account=None), name="one_open_workspace_pause"
            ),
            models.UniqueConstraint(
                fields=["account"], condition=Q(resumed_at=None, account__isnull=False), name="one_open_account_pause"
            ),
        ]

    def __str__(self):
        return f"{self.account or self.workspace} paused: {self.reason}"
