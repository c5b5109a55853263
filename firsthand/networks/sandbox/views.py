"""The sandbox's own post page, where "View on Sandbox" leads, as a network's page would."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from firsthand.networks.models import ConnectedAccount
from firsthand.networks.sandbox.models import SandboxPost


@login_required
def post(request, handle, remote_id):
    found = SandboxPost.objects.select_related("account").filter(
        account__handle=handle, remote_id=remote_id, deleted_at=None
    )
    # Only members of a workspace that connected this sandbox account see its posts; anyone else gets a 404.
    connected = ConnectedAccount.objects.filter(
        network="sandbox", handle=f"@{handle}", workspace__memberships__user=request.user
    ).first()
    sandbox_post = found.first()
    if sandbox_post is None or connected is None:
        raise Http404("No such post on the sandbox.")
    replies = sandbox_post.replies.filter(deleted_at=None).select_related("account").order_by("created_at")
    context = {"sandbox_post": sandbox_post, "replies": replies, "connected": connected}
    return render(request, "sandbox/post.html", context)
