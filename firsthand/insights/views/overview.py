from django.db.models import Count

from firsthand.insights import conversations, filters
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
    period = filters.parse(membership, {})
    speakers = conversations.who_speaks(membership, period)
    messages = conversations.messages(membership, period).count()
    context = {
        "voices": voices,
        "total": published.count(),
        "speakers": speakers,
        "customer_messages": messages,
        "period": period,
    }
    return render_tab(request, "overview", "insights/overview.html", context)
