from django.shortcuts import render
from django.utils import timezone

from firsthand.notices.models import Notice
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability


@workspace_view(Capability.VIEW)
def notices(request, membership):
    mine = Notice.objects.filter(workspace=membership.workspace, user=request.user)
    shown = list(mine[:100])
    # Seen once listed; the list keeps showing which were new this time.
    mine.filter(read_at=None).update(read_at=timezone.now())
    return render(request, "notices/notices.html", {"notices": shown, "active": "notices"})
