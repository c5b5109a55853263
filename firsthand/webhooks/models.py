"""Where a workspace's events go (Endpoint) and each time one went, or will go, to one of them (Delivery)."""

import json

from django.conf import settings
from django.db import models
from django.utils import timezone

from firsthand.networks import crypto
from firsthand.webhooks.events import EVENTS
from firsthand.webhooks.states import State, check_move

RESPONSE_KEPT_CHARS = 2000  # of an endpoint's answer, for the delivery log: enough to read an error page's point


class Endpoint(models.Model):
    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)  # event names from events.EVENTS
    # The signing secret (whsec_...), encrypted at rest like network tokens; shown once, when made.
    secret_encrypted = models.TextField()
    enabled = models.BooleanField(default=True)
    # Failing: the last attempts in a row all failed; deliveries still go (a fixed endpoint recovers by itself).
    failing = models.BooleanField(default=False)
    failing_reason = models.CharField(max_length=500, blank=True)
    failures_in_a_row = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.description or self.url

    @property
    def secret(self) -> str:
        return crypto.decrypt_json(self.secret_encrypted).get("secret", "")

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = crypto.encrypt_json({"secret": value})

    def subscribed_to(self, kind: str) -> bool:
        return kind in self.events

    def event_labels(self) -> list[str]:
        return [name for name in EVENTS if name in self.events]


class Delivery(models.Model):
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # The webhook-id: the same for every endpoint and every attempt of one event, so receivers can dedupe.
    event_id = models.CharField(max_length=40)
    kind = models.CharField(max_length=60)
    payload = models.JSONField()  # {"type", "timestamp", "data"}: the body, as the spec suggests
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.CharField(max_length=100, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    redelivery_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_due")]

    def __str__(self):
        return f"{self.kind} to {self.endpoint}"

    def body(self) -> bytes:
        # Compact, as the spec recommends; the bytes signed are the bytes sent.
        return json.dumps(self.payload, separators=(",", ":"), ensure_ascii=False).encode()

    def move(self, target: State) -> None:
        check_move(self.state, target)
        self.state = target

    @property
    def ok(self) -> bool:
        return self.state == State.DELIVERED
