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


class PushSubscription(models.Model):
    """One device (a browser's push subscription) of one person in one workspace, and what may reach it.

    The endpoint is a capability: whoever knows it can send to the device (encrypted only with the keys
    below), so it is shown by its host only and never logged."""

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="push_subscriptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=1000)
    p256dh = models.CharField(max_length=200)  # the device's P-256 public key, base64url (RFC 8291)
    auth = models.CharField(max_length=100)  # its 16-byte authentication secret, base64url
    label = models.CharField(max_length=80, blank=True)
    kinds = models.JSONField(default=list)  # event names from notices/push/events.py
    # In the workspace's time zone; a start after the end spans midnight (22:00 to 07:00).
    quiet_from = models.TimeField(null=True, blank=True)
    quiet_until = models.TimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user", "endpoint"], name="one_push_subscription_per_device")
        ]

    def __str__(self):
        return self.label or self.service

    @property
    def service(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.endpoint).hostname or "a push service"

    def quiet_at(self, moment) -> bool:
        """Whether `moment` (aware) falls in this device's quiet hours, read on the workspace's clock."""
        if self.quiet_from is None or self.quiet_until is None or self.quiet_from == self.quiet_until:
            return False
        from firsthand.team.access import workspace_zone

        now = moment.astimezone(workspace_zone(self.workspace)).time()
        if self.quiet_from < self.quiet_until:
            return self.quiet_from <= now < self.quiet_until
        return now >= self.quiet_from or now < self.quiet_until
