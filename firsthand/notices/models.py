from django.conf import settings
from django.db import models
from django.utils import timezone


class Notice(models.Model):
    """Something a person must know about: a post that failed, an account to reconnect."""

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    message = models.CharField(max_length=1000)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "workspace", "read_at"], name="unread_notices")]
