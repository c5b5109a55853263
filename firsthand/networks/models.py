from django.conf import settings
from django.db import models
from django.utils import timezone

from firsthand.networks import crypto
from firsthand.networks.registry import network_choices

ACCOUNT_COLOURS = ["#0f766e", "#1d4ed8", "#b45309", "#be123c", "#7c3aed", "#15803d", "#0e7490", "#a16207"]


class ConnectedAccountQuerySet(models.QuerySet):
    def connected(self):
        return self.filter(disconnected_at=None)


class ConnectedAccount(models.Model):
    """A company account on a network that firsthand speaks as."""

    class Health(models.TextChoices):
        OK = "ok", "Connected"
        NEEDS_RECONNECT = "needs_reconnect", "Needs reconnecting"

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="accounts")
    network = models.CharField(max_length=32, choices=network_choices)
    remote_id = models.CharField(max_length=255)  # the network's own id for the account
    handle = models.CharField(max_length=255)
    display_name = models.CharField(max_length=255, blank=True)
    avatar_url = models.URLField(max_length=1000, blank=True)
    colour = models.CharField(max_length=7, default=ACCOUNT_COLOURS[0])
    is_brand = models.BooleanField(default=True, help_text="The business's own account, not a person's.")
    health = models.CharField(max_length=20, choices=Health.choices, default=Health.OK)
    health_reason = models.CharField(max_length=500, blank=True)
    health_since = models.DateTimeField(default=timezone.now)
    # Encrypted JSON; read and written only through `credentials`.
    credentials_encrypted = models.TextField(blank=True)
    connected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    connected_at = models.DateTimeField(default=timezone.now)
    # Disconnecting keeps the row so the account's post history stays; only the credentials go.
    disconnected_at = models.DateTimeField(null=True, blank=True)

    objects = ConnectedAccountQuerySet.as_manager()

    class Meta:
        ordering = ["network", "handle"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "network", "remote_id"], name="one_connection_per_account")
        ]

    def __str__(self):
        return f"{self.handle} on {self.get_network_display()}"

    def __repr__(self):
        # Never the credentials, not even encrypted.
        return f"<ConnectedAccount {self.pk} {self.network}:{self.handle}>"

    @property
    def credentials(self) -> dict:
        return crypto.decrypt_json(self.credentials_encrypted)

    @credentials.setter
    def credentials(self, value: dict) -> None:
        self.credentials_encrypted = crypto.encrypt_json(value)

    @property
    def is_sandbox(self) -> bool:
        return self.network == "sandbox"

    @property
    def needs_reconnect(self) -> bool:
        return self.health == self.Health.NEEDS_RECONNECT

    def mark_needs_reconnect(self, reason: str) -> None:
        if self.health != self.Health.NEEDS_RECONNECT:
            self.health, self.health_since = self.Health.NEEDS_RECONNECT, timezone.now()
        self.health_reason = reason[:500]
        self.save(update_fields=["health", "health_reason", "health_since"])

    def disconnect(self) -> None:
        self.credentials_encrypted = ""
        self.disconnected_at = timezone.now()
        self.save(update_fields=["credentials_encrypted", "disconnected_at"])

    def mark_ok(self) -> None:
        self.health, self.health_reason, self.health_since = self.Health.OK, "", timezone.now()
        self.save(update_fields=["health", "health_reason", "health_since"])
