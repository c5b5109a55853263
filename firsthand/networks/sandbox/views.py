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


@login_required
def follower(request, account_pk, n):
    """A follower's profile page, where the follower audit's "check by hand" links lead."""
    from datetime import UTC, datetime

    from firsthand.networks.sandbox.followers import follower as made_up
    from firsthand.networks.sandbox.models import SandboxAccount

    remote = SandboxAccount.objects.filter(pk=account_pk).first()
    connected = ConnectedAccount.objects.filter(
        network="sandbox", remote_id=str(account_pk), workspace__memberships__user=request.user
    ).first()
    if remote is None or connected is None or not 0 <= n < remote.followers_total:
        raise Http404("No such follower on the sandbox.")
    profile = made_up(remote.pk, n, remote.bought_share, datetime.now(UTC).replace(microsecond=0))
    return render(request, "sandbox/follower.html", {"profile": profile, "remote": remote, "connected": connected})
