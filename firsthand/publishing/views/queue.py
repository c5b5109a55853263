from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from firsthand.audit.log import record
from firsthand.networks.models import ConnectedAccount
from firsthand.publishing import queue
from firsthand.publishing.models import QueueSlot
from firsthand.team import scope
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability


def describe(slots) -> str:
    by_time: dict = {}
    for slot in slots:
        by_time.setdefault(slot.at, []).append(queue.WEEKDAYS[slot.weekday][:3])
    return "; ".join(f"{', '.join(days)} at {at:%H:%M}" for at, days in sorted(by_time.items()))


@workspace_view(Capability.VIEW)
def queue_times(request, membership):
    accounts = scope.within(
        membership, ConnectedAccount.objects.connected().filter(workspace=membership.workspace), "pk"
    )
    rows = []
    for account in accounts:
        slots = list(QueueSlot.objects.filter(account=account))
        rows.append(
            {
                "account": account,
                "summary": describe(slots),
                "weekdays": sorted({s.weekday for s in slots}),
                "times": ", ".join(sorted({f"{s.at:%H:%M}" for s in slots})),
                "next": queue.next_free_slot(account, membership.workspace.timezone),
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
        },
    )


@require_POST
@workspace_view(Capability.MANAGE_ACCOUNTS)
def set_queue_times(request, membership, account_id):
    account = get_object_or_404(ConnectedAccount.objects.connected(), pk=account_id, workspace=membership.workspace)
    weekdays = sorted({int(d) for d in request.POST.getlist("weekday") if d in {str(n) for n in range(7)}})
    try:
        times = queue.parse_times(request.POST.get("times", ""))
    except ValueError as problem:
        messages.error(request, f"{account}: {problem} Nothing was changed.")
        return redirect("publishing:queue_times", slug=membership.workspace.slug)
    if bool(weekdays) != bool(times):
        messages.error(request, f"{account}: choose both the days and the times (or neither, to empty the queue).")
        return redirect("publishing:queue_times", slug=membership.workspace.slug)
    with transaction.atomic():
        queue.set_slots(account, weekdays, times)
        record(
            "publishing.queue_times_changed",
            f"{request.user} set the queue times of {account}",
            actor=request.user,
            workspace=membership.workspace,
            account=account.pk,
        )
    messages.success(request, f"Saved the queue times of {account}.")
    return redirect("publishing:queue_times", slug=membership.workspace.slug)
