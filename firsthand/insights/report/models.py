from django.conf import settings
from django.db import models


class WeeklyReport(models.Model):
    """A workspace's choice to mail last week's report every Monday, to whom, and what the last send did.

    `week` is the Monday (in the workspace's time zone) of the week whose start last claimed a send: a
    worker claims a week by moving it with a conditional UPDATE, so several workers send it once."""

    workspace = models.OneToOneField("team.Workspace", on_delete=models.CASCADE, related_name="weekly_report")
    enabled = models.BooleanField(default=False)
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    week = models.DateField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    retry_after = models.DateTimeField(null=True, blank=True)  # after a failed send

    def __str__(self):
        return f"weekly report of {self.workspace}"
