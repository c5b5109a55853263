"""Slow down password guessing: too many recent failures for an email or an address locks sign-in for a while.

Failures live in the database, so every web process of a deployment sees the same count.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from firsthand.team.models import LoginFailure


def client_address(request) -> str:
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            # The proxy appends the address it saw; earlier entries are the client's word.
            return forwarded.split(",")[-1].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def seconds_locked(email: str, address: str) -> int:
    """0 when sign-in may be tried, else how long to wait."""
    window_start = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(created_at__gte=window_start)
    for failures, limit in (
        (recent.filter(email=email.lower()), settings.LOGIN_FAILURES_PER_EMAIL),
        (recent.filter(address=address), settings.LOGIN_FAILURES_PER_ADDRESS),
    ):
        times = list(failures.order_by("-created_at").values_list("created_at", flat=True)[:limit])
        if len(times) >= limit:
            # Locked until the oldest of the last `limit` failures leaves the window.
            unlock_at = times[-1] + timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
            return max(1, math.ceil((unlock_at - timezone.now()).total_seconds()))
    return 0


def note_failure(email: str, address: str) -> None:
    LoginFailure.objects.create(email=email.lower()[:254], address=address)
    # Keep the table small: nothing older than the window matters.
    cutoff = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    LoginFailure.objects.filter(created_at__lt=cutoff).delete()


def forget_failures(email: str) -> None:
    LoginFailure.objects.filter(email=email.lower()).delete()
