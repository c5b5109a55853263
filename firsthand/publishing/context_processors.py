from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from firsthand.publishing.models import Delivery
from firsthand.publishing.states import State
from firsthand.team import scope
from firsthand.team.permissions import Capability


def undo(request):
    """Posts of this workspace about to go out within the undo window: every page offers to take them back."""
    membership = getattr(request, "membership", None)
    # Only those who may take a post back are offered to (a viewer's Undo would be refused).
    if membership is None or not settings.UNDO_SECONDS or not membership.can(Capability.PUBLISH):
        return {}
    now = timezone.now()
    soon = (
        scope.within(membership, Delivery.objects)
        .filter(
            post__workspace=membership.workspace,
            state=State.SCHEDULED,
            due_at__gt=now,
            due_at__lte=now + timedelta(seconds=settings.UNDO_SECONDS + 1),
        )
        .select_related("post", "account")
        .order_by("due_at")
    )
    posts = {}
    for delivery in soon:
        posts.setdefault(delivery.post_id, delivery)
    return {"sending_soon": list(posts.values())}
