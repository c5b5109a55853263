"""Slow down password guessing without letting the guesser lock anyone out.

Too many recent failures for an email *from one address*, or from one address across emails, lock sign-in
for a while, from that address only: a person typing the right password anywhere else still signs in,
however many times someone else got it wrong. (Locking the email everywhere would let anyone who knows
it keep its owner out.) The price: guessing one password from many addresses is slowed per address, not
in total; the long passwords the validators ask for are what stand against that. An owner can clear a
person's failures (operations.unlock_sign_in).

Failures live in the database, so every web process of a deployment sees the same count.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.db import models
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
        (recent.filter(email=email.lower(), address=address), settings.LOGIN_FAILURES_PER_EMAIL),
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


def forget_failures(email: str, address: str | None = None) -> None:
    """After a right password (from that address), or an owner's unlock (everywhere)."""
    failures = LoginFailure.objects.filter(email=email.lower())
    (failures.filter(address=address) if address is not None else failures).delete()


def is_locked_somewhere(email: str) -> bool:
    """Whether some address is locked out of this email: for the Team page's unlock button."""
    window_start = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(email=email.lower(), created_at__gte=window_start)
    counts = recent.values("address").annotate(n=models.Count("id"))
    return any(row["n"] >= settings.LOGIN_FAILURES_PER_EMAIL for row in counts)
