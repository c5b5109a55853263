from django.conf import settings

from firsthand.team.permissions import Capability
from firsthand.web.navigation import places_for


def shell(request):
    """What the page frame needs: the current workspace, where one can go, and the other workspaces."""
    membership = getattr(request, "membership", None)
    context = {"email_configured": settings.EMAIL_CONFIGURED}
    if membership is not None:
        context["membership"] = membership
        context["workspace"] = membership.workspace
        context["places"] = places_for(membership)
        context["can_pause"] = membership.can(Capability.PAUSE)
        from firsthand.inbox.models import Conversation

        context["waiting_conversations"] = (
            Conversation.objects.filter(workspace=membership.workspace, status=Conversation.Status.OPEN)
            .exclude(awaiting_since=None)
            .count()
        )
        from firsthand.notices.models import Notice

        context["unread_notices"] = Notice.objects.filter(
            workspace=membership.workspace, user=request.user, read_at=None
        ).count()
        context["other_memberships"] = (
            request.user.memberships.select_related("workspace").exclude(pk=membership.pk).order_by("workspace__name")
        )
    return context
