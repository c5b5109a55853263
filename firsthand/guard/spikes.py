"""The negative-spike alert: when complaints or offensive messages to an account rise far above its usual level.

"Usual" is robust: the median of the account's hourly counts over the last two weeks, and the spread
around it (median absolute deviation), so a few busy hours in the past do not raise the bar and a
quiet account still needs a real jump (at least MIN_COUNT messages) before anyone is disturbed.
"""

import statistics
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.urls import reverse
from django.utils import timezone

from firsthand.guard.models import SpikeAlert
from firsthand.notices.send import notify
from firsthand.team.permissions import Capability
from firsthand.webhooks import payloads as webhooks

BASELINE_DAYS = 14
MIN_COUNT = 5
SPREAD_FACTOR = 6.0
BAD = Q(labels__icontains='"complaint"') | Q(labels__icontains='"offensive"')


def hourly_counts(account, since, until) -> dict:
    from firsthand.inbox.models import Interaction

    rows = (
        Interaction.objects.filter(
            conversation__account=account, direction="in", created_at__gte=since, created_at__lt=until
        )
        .filter(BAD)
        .annotate(hour=TruncHour("created_at"))
        .values("hour")
        .annotate(n=Count("pk"))
    )
    return {row["hour"]: row["n"] for row in rows}


def usual_level(account, hour) -> tuple[float, float]:
    """Median and robust spread of the hourly counts in the two weeks before `hour`."""
    since = hour - timedelta(days=BASELINE_DAYS)
    counts = hourly_counts(account, since, hour)
    series = [counts.get(since + timedelta(hours=n), 0) for n in range(BASELINE_DAYS * 24)]
    median = statistics.median(series)
    spread = statistics.median(abs(x - median) for x in series) * 1.4826
    return median, spread


def check_account(account, now=None):
    now = now or timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    current = sum(hourly_counts(account, now - timedelta(hours=1), now).values())
    if current < MIN_COUNT:
        return None
    median, spread = usual_level(account, hour)
    threshold = max(MIN_COUNT, median + SPREAD_FACTOR * max(spread, 1.0))
    if current < threshold:
        return None
    try:
        with transaction.atomic():
            alert = SpikeAlert.objects.create(account=account, hour=hour, count=current, usual=median)
    except IntegrityError:
        return None  # already alerted this hour
    tell(account, alert, now)
    return alert


def tell(account, alert, now):
    from firsthand.inbox.models import Interaction

    workspace = account.workspace
    examples = (
        Interaction.objects.filter(
            conversation__account=account, direction="in", created_at__gte=now - timedelta(hours=1)
        )
        .filter(BAD)
        .order_by("-created_at")[:3]
    )
    quoted = " | ".join(f"“{item.text[:80]}”" for item in examples)
    people = [m.user for m in workspace.memberships.select_related("user") if m.can(Capability.PAUSE)]
    notify(
        workspace,
        people,
        f"{alert.count} complaints or offensive messages to {account.handle} in the last hour (usually "
        f"{alert.usual:g}). {quoted} Consider pausing publishing.",
        reverse("guard:pause", kwargs={"slug": workspace.slug}),
        kind="spike.negative",
    )
    webhooks.spike_event(account, alert)


def check_all(now=None) -> int:
    from firsthand.networks.models import ConnectedAccount

    return sum(
        1 for account in ConnectedAccount.objects.connected().select_related("workspace") if check_account(account, now)
    )
