"""API tokens, the answers kept for idempotency keys, and the per-token request counters."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from firsthand.team.permissions import ROLE_CHOICES, allows

PREFIX_LENGTH = 12  # "fh_" and nine characters: enough to tell a business's tokens apart in a list


def token_hash(raw: str) -> str:
    # A token carries 256 random bits, so a plain SHA-256 is enough: nothing to guess, nothing to stretch.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        return self.filter(revoked_at=None)


class ApiToken(models.Model):
    """A program's key to one workspace. Shown once, stored as a hash; it acts with its own role and accounts."""

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60)
    role = models.CharField(max_length=16, choices=ROLE_CHOICES)
    all_accounts = models.BooleanField(default=True)
    limited_to_accounts = models.ManyToManyField("networks.ConnectedAccount", blank=True, related_name="+")
    prefix = models.CharField(max_length=PREFIX_LENGTH)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"API token “{self.name}”"

    def can(self, capability) -> bool:
        return allows(self.role, capability)


class IdempotentAnswer(models.Model):
    """The answer given to a request with an Idempotency-Key, kept so a retry gets it again instead of a twin."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    body_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    answer = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="one_answer_per_token_and_key")]


class RequestCount(models.Model):
    """Requests one token made in one minute; in the database, so every web process counts into the same row."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    minute = models.BigIntegerField()  # minutes since the epoch
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "minute"], name="one_count_per_token_and_minute")]
