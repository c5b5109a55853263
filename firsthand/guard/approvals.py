"""Approvals: some posts need an owner's or manager's yes; nobody approves their own; edits ask again."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.guard.models import ApprovalPolicy
from firsthand.notices.send import notify
from firsthand.publishing.models import Post
from firsthand.publishing.states import State
from firsthand.team import scope
from firsthand.team.permissions import Capability, Role
from firsthand.webhooks import payloads as webhooks


class ApprovalError(Exception):
    pass


def approvers(workspace, except_user=None):
    return [
        m.user
        for m in workspace.memberships.select_related("user")
        if m.can(Capability.APPROVE) and m.user != except_user
    ]


def reasons_to_ask(membership, approval_findings: list[str], *, answer: bool = False) -> list[str]:
    """Why this person's post (or answer to a customer) must wait for an approver (empty: it may go out)."""
    if membership.can(Capability.APPROVE):
        return []
    policy = ApprovalPolicy.for_workspace(membership.workspace)
    reasons = []
    if answer and policy.staff_answers and membership.role == Role.STAFF:
        reasons.append("answers by staff need approval in this workspace")
    if not answer and policy.staff_posts and membership.role == Role.STAFF:
        reasons.append("posts by staff need approval in this workspace")
    if policy.flagged_posts:
        reasons += approval_findings
    return reasons


def post_url(post) -> str:
    return reverse("publishing:post", kwargs={"slug": post.workspace.slug, "post_id": post.pk})


def request_approval(membership, post, deliveries, moments, reasons) -> None:
    """Park the deliveries until an approver decides; they keep the time they were meant for."""
    for delivery in deliveries:
        delivery.move(State.AWAITING_APPROVAL, due_at=moments[delivery.pk], error="", attempts=0, next_attempt_at=None)
        delivery.save(update_fields=["state", "due_at", "error", "attempts", "next_attempt_at", "updated_at"])
    Post.objects.filter(pk=post.pk).update(
        approved_by=None, approved_at=None, review_comment="", approval_overdue_told_at=None
    )
    record(
        "guard.approval_requested",
        f"{membership.user} asked for approval: {'; '.join(reasons)}",
        actor=membership.user,
        workspace=post.workspace,
        post=post.pk,
    )
    notify(
        post.workspace,
        approvers(post.workspace, except_user=membership.user),
        f"{membership.user} asks you to approve a post: “{post.text[:80]}”",
        post_url(post),
        kind="approval.asked",
    )
    webhooks.post_event("approval.asked", post, deliveries, reasons=list(reasons))


def awaiting(post):
    return post.deliveries.select_for_update().select_related("account").filter(state=State.AWAITING_APPROVAL)


def approve(membership, post) -> None:
    if not membership.can(Capability.APPROVE):
        raise ApprovalError("Only owners and managers approve posts.")
    if post.author_id == membership.user.pk:
        raise ApprovalError("Nobody approves their own post. Ask another owner or manager.")
    # Approvers are owners and managers, whom no limit reaches today; asked all the same, so that
    # limiting another role later cannot open a way round it here.
    scope.require_post(membership, post)
    with transaction.atomic():
        deliveries = list(awaiting(post))
        if not deliveries:
            raise ApprovalError("This post is not waiting for approval (any more).")
        gone = [d.account.handle for d in deliveries if d.account.disconnected_at or d.account.needs_reconnect]
        if gone:
            raise ApprovalError(f"{', '.join(gone)} is not connected; reconnect it or send the post back.")
        from firsthand.publishing.operations import PublishingError, send_on

        earliest = timezone.now() + timedelta(seconds=settings.UNDO_SECONDS)
        # Approved after its time: it goes out now (after the undo window), never silently dropped.
        moments = {delivery.pk: max(delivery.due_at or earliest, earliest) for delivery in deliveries}
        try:
            # The same check as every way to "scheduled": a brand rule added since the request still blocks.
            send_on(
                membership, post, deliveries, moments, action="guard.approved", summary=f"{membership.user} approved"
            )
        except PublishingError as refusal:
            raise ApprovalError(str(refusal)) from None
        Post.objects.filter(pk=post.pk).update(approved_by=membership.user, approved_at=timezone.now())
        notify(
            post.workspace,
            [post.author],
            f"{membership.user} approved your post: “{post.text[:80]}”",
            post_url(post),
            kind="approval.decided",
        )
        webhooks.post_event("approval.decided", post, deliveries, decision="approved", by=str(membership.user))


def send_back(membership, post, comment: str) -> None:
    comment = comment.strip()
    if not membership.can(Capability.APPROVE):
        raise ApprovalError("Only owners and managers review posts.")
    scope.require_post(membership, post)
    if not comment:
        raise ApprovalError("Say what to change, so the author knows.")
    with transaction.atomic():
        deliveries = list(awaiting(post))
        if not deliveries:
            raise ApprovalError("This post is not waiting for approval (any more).")
        for delivery in deliveries:
            delivery.move(State.DRAFT, due_at=None)
            delivery.save(update_fields=["state", "due_at", "updated_at"])
        Post.objects.filter(pk=post.pk).update(review_comment=comment[:2000])
        record(
            "guard.sent_back",
            f"{membership.user} sent a post back: {comment}",
            actor=membership.user,
            workspace=post.workspace,
            post=post.pk,
        )
        notify(
            post.workspace,
            [post.author],
            f"{membership.user} sent your post back: {comment}",
            post_url(post),
            kind="approval.decided",
        )
        webhooks.post_event("approval.decided", post, deliveries, decision="sent_back", by=str(membership.user))


def tell_overdue() -> int:
    """Authors hear once when their post reached its time still waiting for approval: it is held, not sent."""
    now = timezone.now()
    overdue = Post.objects.filter(
        approval_overdue_told_at=None,
        deliveries__state=State.AWAITING_APPROVAL,
        deliveries__due_at__lte=now,
    ).distinct()
    told = 0
    for post in overdue.select_related("workspace", "author"):
        if Post.objects.filter(pk=post.pk, approval_overdue_told_at=None).update(approval_overdue_told_at=now):
            notify(
                post.workspace,
                [post.author, *approvers(post.workspace, except_user=post.author)],
                f"Held: “{post.text[:80]}” reached its time still waiting for approval. It goes out once approved.",
                post_url(post),
            )
            told += 1
    return told


def waiting_posts(workspace):
    """Posts with at least one delivery waiting for an approver (what the Approvals badge counts)."""
    return Post.objects.filter(workspace=workspace, deliveries__state=State.AWAITING_APPROVAL).distinct()


def pending_for(workspace):
    return (
        waiting_posts(workspace)
        .select_related("author")
        .prefetch_related("deliveries__account", "deliveries__findings")
        .order_by("scheduled_for")
    )
