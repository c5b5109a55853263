from datetime import time

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from firsthand.inbox.window import a_number
from firsthand.networks.models import ConnectedAccount
from firsthand.publishing import operations, queue
from firsthand.publishing import queue_times as slots
from firsthand.publishing.models import QueueSlot
from firsthand.team import scope
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability


def describe(slots) -> str:
    by_time: dict = {}
    for slot in slots:
        by_time.setdefault(slot.at, []).append(queue.WEEKDAYS[slot.weekday][:3])
    return "; ".join(f"{', '.join(days)} at {at:%H:%M}" for at, days in sorted(by_time.items()))


def reachable(membership):
    return scope.within(membership, ConnectedAccount.objects.connected().filter(workspace=membership.workspace), "pk")


@workspace_view(Capability.VIEW)
def queue_times(request, membership):
    from firsthand.insights import besttime

    rows = []
    for account in reachable(membership):
        slots = list(QueueSlot.objects.filter(account=account))
        rows.append(
            {
                "account": account,
                "summary": describe(slots),
                "weekdays": sorted({s.weekday for s in slots}),
                "times": ", ".join(sorted({f"{s.at:%H:%M}" for s in slots})),
                "next": queue.next_free_slot(account, membership.workspace.timezone),
                "advice": besttime.advise(membership, account),
            }
        )
    return render(
        request,
        "publishing/queue_times.html",
        {
            "active": "calendar",
            "rows": rows,
            "weekday_names": list(enumerate(queue.WEEKDAYS)),
            "can_edit": membership.can(Capability.MANAGE_ACCOUNTS),
            "history_days": besttime.HISTORY_DAYS,
        },
    )


def back(membership, account=None):
    address = reverse("publishing:queue_times", kwargs={"slug": membership.workspace.slug})
    return redirect(f"{address}#account-{account.pk}" if account else address)


@require_POST
@workspace_view(Capability.MANAGE_ACCOUNTS)
def set_queue_times(request, membership, account_id):
    account = get_object_or_404(reachable(membership), pk=account_id)
    weekdays = sorted({int(d) for d in request.POST.getlist("weekday") if d in {str(n) for n in range(7)}})
    try:
        times = queue.parse_times(request.POST.get("times", ""))
        slots.set_queue_times(membership, account, weekdays, times)
    except (ValueError, operations.PublishingError) as problem:
        messages.error(request, f"{account}: {problem} Nothing was changed.")
        return back(membership, account)
    messages.success(request, f"Saved the queue times of {account}.")
    return back(membership, account)


@require_POST
@workspace_view(Capability.MANAGE_ACCOUNTS)
def add_suggested_slot(request, membership, account_id):
    """One click on a suggested best time: that weekday and hour join the account's queue."""
    account = get_object_or_404(reachable(membership), pk=account_id)
    weekday = a_number(request.POST.get("weekday", ""), 0, 6)
    hour = a_number(request.POST.get("hour", ""), 0, 23)
    if weekday is None or hour is None:
        messages.error(request, f"{account}: that is not a weekday and an hour. Nothing was changed.")
        return back(membership, account)
    day = queue.WEEKDAYS[weekday]
    try:
        added = slots.add_queue_slot(membership, account, weekday, time(hour), reason="a suggested best time")
    except (operations.PublishingError, PermissionDenied) as problem:
        messages.error(request, f"{account}: {problem}")
        return back(membership, account)
    if added:
        messages.success(request, f"Added {day}s at {hour:02d}:00 to the queue of {account}.")
    else:
        messages.info(request, f"{account} already posts on {day}s at {hour:02d}:00.")
    return back(membership, account)
