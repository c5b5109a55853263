from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from firsthand.guard import approvals
from firsthand.guard.models import ApprovalPolicy
from firsthand.inbox.models import PendingAnswer
from firsthand.publishing.models import Post
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability


@workspace_view(Capability.APPROVE)
def queue(request, membership):
    workspace = membership.workspace
    policy = ApprovalPolicy.for_workspace(workspace)
    if request.method == "POST" and membership.can(Capability.SETTINGS):
        policy.staff_posts = request.POST.get("staff_posts") == "on"
        policy.flagged_posts = request.POST.get("flagged_posts") == "on"
        policy.staff_answers = request.POST.get("staff_answers") == "on"
        policy.save()
        messages.success(request, "Approval settings saved.")
        return redirect("guard:approvals", slug=workspace.slug)
    return render(
        request,
        "guard/approvals.html",
        {
            "active": "approvals",
            "posts": approvals.pending_for(workspace),
            "answers": PendingAnswer.objects.filter(
                conversation__workspace=workspace, state=PendingAnswer.State.WAITING
            ).select_related("author", "conversation__person", "conversation__account", "conversation__workspace"),
            "can_approve": True,
            "policy": policy,
            "can_settings": membership.can(Capability.SETTINGS),
        },
    )


@require_POST
@workspace_view(Capability.APPROVE)
def decide(request, membership, post_id, decision):
    post = get_object_or_404(Post.objects.select_related("workspace"), pk=post_id, workspace=membership.workspace)
    try:
        if decision == "approve":
            approvals.approve(membership, post)
            messages.success(request, "Approved. It goes out at its time.")
        elif decision == "send-back":
            approvals.send_back(membership, post, request.POST.get("comment", ""))
            messages.success(request, "Sent back to the author with your comment.")
        else:
            messages.error(request, "Choose approve or send back.")
    except approvals.ApprovalError as error:
        messages.error(request, str(error))
    target = request.POST.get("from", "")
    if target == "queue":
        return redirect("guard:approvals", slug=membership.workspace.slug)
    return redirect("publishing:post", slug=membership.workspace.slug, post_id=post.pk)
