from django.db.models import Count

from firsthand.insights import conversations, filters
from firsthand.insights.kept import kept
from firsthand.insights.views.common import render_tab
from firsthand.publishing.models import Delivery
from firsthand.publishing.states import State
from firsthand.team import scope
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability


@workspace_view(Capability.VIEW)
def overview(request, membership):
    published = scope.within(
        membership, Delivery.objects.filter(post__workspace=membership.workspace, state=State.PUBLISHED)
    )
    # Who spoke for the brand: every published post, by its author, its approver and the account it went out on.
    voices = (
        published.values("post__author__name", "post__author__email", "account__handle", "post__approved_by__name")
        .annotate(posts=Count("pk"))
        .order_by("-posts", "post__author__name")
    )
    # The last 30 days of answers at a glance (the Conversations tab has the rest): who answered customers.
    # Kept under the same names as the Conversations tab's figures of the same 30 days (one works them
    # out for both), and counted from the worker's rollups: a live count of 30 days of messages took 0.7 s.
    period = filters.parse(membership, {})
    speakers = kept("speakers", membership, period, lambda: conversations.who_speaks(membership, period))
    days = kept("days", membership, period, lambda: conversations.per_day(membership, period))
    messages = conversations.totals(days)["total"]
    context = {
        "voices": voices,
        "total": published.count(),
        "speakers": speakers,
        "customer_messages": messages,
        "period": period,
    }
    return render_tab(request, "overview", "insights/overview.html", context)
