from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.shortcuts import render

from firsthand.networks.models import ConnectedAccount
from firsthand.publishing.clock import in_range
from firsthand.publishing.models import Delivery
from firsthand.publishing.states import State
from firsthand.team import scope
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability
from firsthand.web.params import an_id


def parse_day(value: str, fallback: date) -> date:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        return fallback
    return day if in_range(day) else fallback  # a month's grid around 9999-12-31 would overflow


def local_bounds(first: date, days: int, zone: ZoneInfo):
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(first + timedelta(days=days), time.min, tzinfo=zone)
    return start, end


def deliveries_between(membership, start, end, account_id=None):
    """Deliveries whose moment (published, else due) falls in [start, end), on the accounts the member reaches.

    A post to several accounts shows once per account, so a limited member sees their accounts' copies only."""
    deliveries = (
        scope.within(membership, Delivery.objects.filter(post__workspace=membership.workspace))
        .exclude(state=State.DRAFT)
        .select_related("post", "account", "post__author")
        .prefetch_related("post__attachments")
        .filter(due_at__gte=start, due_at__lt=end)
        .order_by("due_at", "pk")
    )
    if account_id:
        deliveries = deliveries.filter(account_id=account_id)
    return deliveries


@workspace_view(Capability.VIEW)
def calendar(request, membership):
    workspace = membership.workspace
    zone = ZoneInfo(workspace.timezone)
    today = datetime.now(zone).date()
    view = request.GET.get("view", "week")
    account_id = an_id(request.GET.get("account", ""))
    anchor = parse_day(request.GET.get("day"), today)

    if view == "list":
        return render(request, "publishing/list.html", list_context(membership, account_id, today))
    if view == "month":
        first = anchor.replace(day=1)
        grid_start = first - timedelta(days=first.weekday())
        days = 42
        previous = (first - timedelta(days=1)).replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        title = f"{first:%B %Y}"
    else:
        view = "week"
        grid_start = anchor - timedelta(days=anchor.weekday())
        days = 7
        previous, following = grid_start - timedelta(days=7), grid_start + timedelta(days=7)
        last = grid_start + timedelta(days=6)
        title = f"{grid_start:%-d %b} – {last:%-d %b %Y}"

    start, end = local_bounds(grid_start, days, zone)
    by_day: dict[date, list] = {grid_start + timedelta(days=n): [] for n in range(days)}
    for delivery in deliveries_between(membership, start, end, account_id):
        by_day.setdefault(delivery.due_at.astimezone(zone).date(), []).append(delivery)

    context = {
        "active": "calendar",
        "view": view,
        "title": title,
        "days": [(day, by_day[day]) for day in sorted(by_day)],
        "today": today,
        "month": anchor.month,
        "previous": previous.isoformat(),
        "following": following.isoformat(),
        "zone": zone,
        "accounts": reachable_accounts(membership),
        "account_id": account_id,
        "drafts": drafts(membership),
        "attention": needs_attention(membership),
        "can_draft": membership.can(Capability.DRAFT),
        "can_publish": membership.can(Capability.PUBLISH),
    }
    return render(request, "publishing/calendar.html", context)


def reachable_accounts(membership):
    return scope.within(membership, ConnectedAccount.objects.connected().filter(workspace=membership.workspace), "pk")


def drafts(membership):
    return (
        scope.within(membership, Delivery.objects.filter(post__workspace=membership.workspace, state=State.DRAFT))
        .select_related("post", "account")
        .order_by("-post__updated_at")[:20]
    )


def needs_attention(membership):
    return (
        scope.within(
            membership,
            Delivery.objects.filter(
                post__workspace=membership.workspace,
                state__in=[State.FAILED, State.UNCONFIRMED, State.RETRYING, State.HELD],
            ),
        )
        .select_related("post", "account")
        .order_by("-updated_at")[:20]
    )


def list_context(membership, account_id, today):
    """One account (or all) as lists: what is coming, what went out, what went wrong."""
    workspace = membership.workspace
    deliveries = scope.within(membership, Delivery.objects.filter(post__workspace=workspace))
    deliveries = deliveries.select_related("post", "account")
    if account_id:
        deliveries = deliveries.filter(account_id=account_id)
    return {
        "active": "calendar",
        "view": "list",
        "title": "Queue",
        "today": today,
        "accounts": reachable_accounts(membership),
        "account_id": account_id,
        "upcoming": deliveries.filter(state__in=[State.SCHEDULED, State.RETRYING]).order_by("due_at")[:200],
        "attention": deliveries.filter(state__in=[State.FAILED, State.UNCONFIRMED, State.HELD]).order_by("-updated_at")[
            :50
        ],
        "published": deliveries.filter(state=State.PUBLISHED).order_by("-published_at")[:50],
        "can_draft": membership.can(Capability.DRAFT),
        "can_publish": membership.can(Capability.PUBLISH),
    }
