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
    # When the credentials were last refreshed or checked with the network (see networks.health).
    checked_at = models.DateTimeField(null=True, blank=True)
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
        newly = self.health != self.Health.NEEDS_RECONNECT
        if newly:
            self.health, self.health_since = self.Health.NEEDS_RECONNECT, timezone.now()
        self.health_reason = reason[:500]
        self.save(update_fields=["health", "health_reason", "health_since"])
        if newly:
            self.tell_managers(f"{self} needs reconnecting: {self.health_reason}")

    def tell_managers(self, message: str) -> None:
        from django.urls import reverse

        from firsthand.notices.send import notify
        from firsthand.team.permissions import Capability

        people = [
            m.user for m in self.workspace.memberships.select_related("user") if m.can(Capability.MANAGE_ACCOUNTS)
        ]
        notify(self.workspace, people, message, reverse("networks:accounts", kwargs={"slug": self.workspace.slug}))

    def disconnect(self) -> None:
        self.credentials_encrypted = ""
        self.disconnected_at = timezone.now()
        self.save(update_fields=["credentials_encrypted", "disconnected_at"])

    def mark_ok(self) -> None:
        self.health, self.health_reason, self.health_since = self.Health.OK, "", timezone.now()
        self.save(update_fields=["health", "health_reason", "health_since"])


class ReservedRecordKey(models.Model):
    """A record key chosen before the first attempt to publish, so every retry writes the same record.

    Networks where the client names its own record (Bluesky's TIDs) get exactly-once from this:
    a retry after a lost answer asks for the record by this key instead of writing a second one.
    It is committed before the network call, so a crash right after the call still finds it.
    """

    account = models.ForeignKey(ConnectedAccount, on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.CharField(max_length=200)
    record_key = models.CharField(max_length=300)  # a TID (Bluesky), or what was sent (networks/lookup.py)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "idempotency_key"], name="one_record_key_per_attempt")
        ]

    @classmethod
    def for_attempt(cls, account, idempotency_key: str, new_key) -> str:
        """The key reserved for this attempt, reserving `new_key()` on the first call."""
        found = cls.objects.filter(account=account, idempotency_key=idempotency_key).first()
        if found is None:
            found, _ = cls.objects.get_or_create(
                account=account, idempotency_key=idempotency_key, defaults={"record_key": new_key()}
            )
        return found.record_key

    @classmethod
    def reserved(cls, account, idempotency_key: str) -> str | None:
        found = cls.objects.filter(account=account, idempotency_key=idempotency_key).first()
        return found.record_key if found else None


class NetworkApp(models.Model):
    """The business's own developer app on a network (X, Facebook, LinkedIn...): its client id and secret.

    These networks let an app act for an account only after the account's owner approves that app; the
    app is registered by the business itself on the network's developer site, and entered here once by
    an owner. The secret is kept encrypted, like account tokens.
    """

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="network_apps")
    network = models.CharField(max_length=32)
    client_id = models.CharField(max_length=300)
    client_secret_encrypted = models.TextField(blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "network"], name="one_app_per_network")]

    def __repr__(self):
        return f"<NetworkApp {self.network} for workspace {self.workspace_id}>"  # never the secret

    @property
    def client_secret(self) -> str:
        return (
            crypto.decrypt_json(self.client_secret_encrypted).get("secret", "") if self.client_secret_encrypted else ""
        )

    @client_secret.setter
    def client_secret(self, value: str) -> None:
        self.client_secret_encrypted = crypto.encrypt_json({"secret": value}) if value else ""
