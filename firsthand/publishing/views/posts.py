from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.db.models import Prefetch, Sum
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from firsthand.guard.crisis import CrisisError, active_pauses
from firsthand.guard.verdict import AskFirst
from firsthand.publishing import comments, deleting, importer, operations
from firsthand.publishing.clock import TimeProblem, requested_moment
from firsthand.publishing.models import Delivery, Post
from firsthand.publishing.shortlinks.models import ShortLink
from firsthand.publishing.states import DELETABLE_STATES, EDITABLE_STATES, InvalidMove, State
from firsthand.team import scope
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability
from firsthand.web.links import local_path


@workspace_view(Capability.VIEW)
def post_detail(request, membership, post_id):
    post = get_object_or_404(
        scope.posts_within(membership, Post.objects.select_related("author", "approved_by")),
        pk=post_id,
        workspace=membership.workspace,
    )
    # A limited member sees only their accounts' copies, and changes the post only when all are theirs.
    counted = ShortLink.objects.annotate(total=Coalesce(Sum("days__clicks"), 0))
    deliveries = list(
        scope.within(
            membership,
            post.deliveries.select_related("account")
            .prefetch_related(Prefetch("short_links", queryset=counted))
            .order_by("account__handle"),
        )
    )
    elsewhere = post.deliveries.count() - len(deliveries)
    context = {
        "elsewhere": elsewhere,
        "active": "calendar",
        "post": post,
        "deliveries": deliveries,
        "attachments": post.attachments.order_by("position"),
        "can_publish": membership.can(Capability.PUBLISH),
        "can_edit": membership.can(Capability.DRAFT)
        and not elsewhere
        and all(d.state in EDITABLE_STATES for d in deliveries),
        "can_unschedule": any(d.state in (State.SCHEDULED, State.RETRYING, State.HELD) for d in deliveries),
        "is_held": any(d.state == State.HELD for d in deliveries),
        "can_delete": bool(deliveries) and not elsewhere and all(d.state in DELETABLE_STATES for d in deliveries),
        # Held posts kept held when publishing resumed are no longer "held because publishing is paused".
        "paused": bool(active_pauses(membership.workspace)),
        "can_reschedule": any(d.state == State.SCHEDULED for d in deliveries),
        "local_due": post.scheduled_for.astimezone(ZoneInfo(membership.workspace.timezone))
        if post.scheduled_for
        else None,
        "is_draft": bool(deliveries) and all(d.state == State.DRAFT for d in deliveries),
        "awaiting_approval": any(d.state == State.AWAITING_APPROVAL for d in deliveries),
        "can_approve": membership.can(Capability.APPROVE),
        # Keep the page live while something is about to happen.
        "live": any(
            d.state in (State.PUBLISHING, State.RETRYING)
            or d.comment_state in ("pending", "sending", "retrying")
            or (d.state == State.SCHEDULED and d.due_at <= timezone.now() + timedelta(minutes=2))
            for d in deliveries
        ),
    }
    from firsthand.inbox.models import Conversation

    # What people said back: replies and comments to this post, from the inbox.
    context["conversations"] = scope.within(
        membership, Conversation.objects.filter(post__post=post).select_related("person", "account")
    )
    template = "publishing/_deliveries.html" if request.htmx else "publishing/post.html"
    return render(request, template, context)


@require_POST
@workspace_view(Capability.PUBLISH)
def post_action(request, membership, post_id, action):
    post = get_object_or_404(
        scope.posts_within(membership, Post.objects.all()), pk=post_id, workspace=membership.workspace
    )
    try:
        if action == "unschedule":
            operations.unschedule(membership, post)
            messages.success(request, "Undone: back in drafts, nothing was published.")
            back = local_path(request, request.POST.get("next", ""))
            if back:
                return redirect(back)
        elif action == "publish-now":
            try:
                operations.schedule(membership, post, None, anyway=request.POST.get("anyway") == "1")
            except AskFirst as question:
                messages.warning(request, f"{question} Press “Publish anyway” to publish it as it is.")
                return redirect(
                    reverse("publishing:post", kwargs={"slug": membership.workspace.slug, "post_id": post.pk})
                    + "?ask=publish-now"
                )
            messages.success(request, "Publishing now.")
        elif action == "reschedule":
            when = requested_moment(request.POST, membership.workspace.timezone)
            outcome = operations.reschedule(membership, post, when)
            messages.success(request, "Rescheduled." if outcome == operations.SCHEDULED else SENT_FOR_APPROVAL)
            if request.headers.get("X-Requested-With") == "fetch":
                return HttpResponse(status=204)
        else:
            raise Http404("No such action.")
    except (operations.PublishingError, TimeProblem, scope.OutOfReach) as error:
        if request.headers.get("X-Requested-With") == "fetch":
            return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
        messages.error(request, str(error))
    return redirect("publishing:post", slug=membership.workspace.slug, post_id=post.pk)


SENT_FOR_APPROVAL = "Sent to an owner or manager for approval. It goes out once approved."


@require_POST
@workspace_view(Capability.PUBLISH)
def delivery_action(request, membership, delivery_id, action):
    delivery = get_object_or_404(
        scope.within(membership, Delivery.objects.select_related("post", "account")),
        pk=delivery_id,
        post__workspace=membership.workspace,
    )
    try:
        if action == "retry":
            outcome = operations.retry(membership, delivery)
            messages.success(
                request,
                f"Trying {delivery.account} again now." if outcome == operations.SCHEDULED else SENT_FOR_APPROVAL,
            )
        elif action == "retry-comment":
            comments.retry_comment(membership, delivery)
            messages.success(
                request, f"Sending the first comment on {delivery.account} again; the post stays as it is."
            )
        elif action == "confirm":
            operations.resolve_unconfirmed(membership, delivery, it_was_published=True)
            messages.success(request, "Marked as published.")
        elif action == "delete":
            deleting.delete_from_network(membership, delivery)
            messages.success(request, f"Deleted from {delivery.account.get_network_display()}.")
        elif action == "release":
            from firsthand.guard.crisis import release_held

            outcome = release_held(membership, delivery)
            messages.success(
                request,
                f"Sending the held post to {delivery.account} now."
                if outcome == operations.SCHEDULED
                else SENT_FOR_APPROVAL,
            )
        elif action == "again":
            outcome = operations.resolve_unconfirmed(membership, delivery, it_was_published=False)
            messages.success(
                request,
                "Checking the network, and publishing only if it isn't there."
                if outcome == operations.SCHEDULED
                else SENT_FOR_APPROVAL,
            )
        else:
            raise Http404("No such action.")
    except (operations.PublishingError, InvalidMove, CrisisError, scope.OutOfReach) as error:
        messages.error(request, str(error))
    return redirect("publishing:post", slug=membership.workspace.slug, post_id=delivery.post_id)


@require_POST
@workspace_view(Capability.DRAFT)
def delete_draft(request, membership, post_id):
    post = get_object_or_404(
        scope.posts_within(membership, Post.objects.all()), pk=post_id, workspace=membership.workspace
    )
    try:
        operations.delete_draft(membership, post)
    except (scope.OutOfReach, operations.PublishingError) as refusal:
        messages.error(request, str(refusal))
        return redirect("publishing:post", slug=membership.workspace.slug, post_id=post.pk)
    messages.success(request, "Draft deleted.")
    return redirect("publishing:calendar", slug=membership.workspace.slug)


MAX_UPLOAD_BYTES = 2 * 1024 * 1024


@workspace_view(Capability.PUBLISH)
def import_csv(request, membership):
    report = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "Choose a CSV file to import.")
        elif upload.size > MAX_UPLOAD_BYTES:
            messages.error(request, "That file is larger than 2 MB; split it into smaller files.")
        else:
            report = importer.import_posts(membership, upload.read())
            if report.ok:
                waiting = f" ({report.awaiting} of them wait for an approver)" if report.awaiting else ""
                messages.success(request, f"Scheduled {report.imported} post(s){waiting}.")
                return redirect("publishing:calendar", slug=membership.workspace.slug)
    status = 400 if report is not None and not report.ok else 200
    return render(request, "publishing/import.html", {"active": "calendar", "report": report}, status=status)
