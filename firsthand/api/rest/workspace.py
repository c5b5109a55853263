"""/api/v1/accounts, /api/v1/approvals and /api/v1/insights: what a token may see and decide in its workspace."""

from datetime import datetime
from typing import Any, Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router

from firsthand.api.rest.base import ApiError, Id, Strict, Text, principal, with_errors
from firsthand.guard import approvals
from firsthand.inbox import operations as inbox
from firsthand.inbox.models import PendingAnswer
from firsthand.insights import conversations as figures
from firsthand.insights import filters as insight_filters
from firsthand.insights.responses import response_times
from firsthand.publishing.models import Post
from firsthand.team import scope
from firsthand.team.access import require, workspace_zone
from firsthand.team.permissions import Capability

router = Router()


class AccountOut(Strict):
    id: int
    network: str
    handle: str
    display_name: str
    needs_reconnect: bool
    health_reason: str


@router.get("/accounts", response=with_errors({200: list[AccountOut]}), tags=["accounts"], summary="List accounts")
def list_accounts(request):
    """The connected accounts this token may use."""
    return accounts_of(principal(request))


def accounts_of(who) -> list[dict]:
    accounts = insight_filters.accounts_for(who).filter(disconnected_at=None)
    return [
        {
            "id": a.pk,
            "network": a.network,
            "handle": a.handle,
            "display_name": a.display_name,
            "needs_reconnect": bool(a.needs_reconnect),
            "health_reason": a.health_reason,
        }
        for a in accounts
    ]


class WaitingPost(Strict):
    id: int
    text: str
    author: str
    scheduled_for: datetime | None
    reasons: list[str]


class WaitingAnswer(Strict):
    id: int
    conversation_id: int
    text: str
    author: str
    reasons: list[str]


class ApprovalsOut(Strict):
    posts: list[WaitingPost]
    answers: list[WaitingAnswer]


class DecisionIn(Strict):
    decision: Literal["approve", "send_back"]
    comment: Text = ""  # required to send back: the author is told what to change


@router.get("/approvals", response=with_errors({200: ApprovalsOut}), tags=["approvals"], summary="What waits")
def list_approvals(request):
    """Posts and answers waiting for an owner's or manager's decision."""
    who = principal(request)
    posts = scope.posts_within(who, approvals.pending_for(who.workspace))
    answers = scope.within(
        who,
        PendingAnswer.objects.filter(conversation__workspace=who.workspace, state=PendingAnswer.State.WAITING),
        "conversation__account",
    ).select_related("author")
    return {
        "posts": [
            {
                "id": post.pk,
                "text": post.text,
                "author": str(post.author) if post.author else "",
                "scheduled_for": post.scheduled_for,
                "reasons": sorted({f.reason for d in post.deliveries.all() for f in d.findings.all()}),
            }
            for post in posts
        ],
        "answers": [
            {
                "id": a.pk,
                "conversation_id": a.conversation_id,
                "text": a.text,
                "author": str(a.author) if a.author else "",
                "reasons": [str(r) for r in a.reasons or []],
            }
            for a in answers.order_by("created_at")
        ],
    }


@router.post("/approvals/posts/{post_id}", response=with_errors({200: dict}), tags=["approvals"])
def decide_post(request, post_id: Id, data: DecisionIn):
    """Approve a waiting post (it is scheduled for its time, or now if that passed), or send it back."""
    who = principal(request)
    require(who, Capability.APPROVE)
    post = get_object_or_404(scope.posts_within(who, Post.objects.filter(workspace=who.workspace)), pk=post_id)
    try:
        if data.decision == "approve":
            approvals.approve(who, post)
        else:
            approvals.send_back(who, post, data.comment)
    except (approvals.ApprovalError, scope.OutOfReach) as error:
        raise ApiError(422, "refused", str(error)) from None
    return {"id": post.pk, "decision": data.decision}


@router.post("/approvals/answers/{answer_id}", response=with_errors({200: dict}), tags=["approvals"])
def decide_answer(request, answer_id: Id, data: DecisionIn):
    """Approve a waiting answer (it is sent to the customer as its author wrote it), or send it back."""
    who = principal(request)
    require(who, Capability.APPROVE)
    waiting = scope.within(
        who, PendingAnswer.objects.filter(conversation__workspace=who.workspace), "conversation__account"
    )
    pending = get_object_or_404(waiting.select_related("conversation__account"), pk=answer_id)
    try:
        if data.decision == "approve":
            inbox.approve_answer(who, pending)
        else:
            inbox.send_back_answer(who, pending, data.comment)
    except (inbox.ReplyError, scope.OutOfReach) as error:
        raise ApiError(422, "refused", str(error)) from None
    return {"id": pending.pk, "decision": data.decision}


class PeriodIn(Strict):
    period: Literal["7", "30", "90"] | None = None
    since: Text | None = None  # a local date, 2026-03-29
    until: Text | None = None
    account: Id | None = None
    network: Text | None = None


class InsightsOut(Strict):
    since: str
    until: str
    notes: list[str]
    totals: dict[str, int]
    days: list[dict[str, Any]]
    conversations: int
    answered: int
    answered_share: int | None


@router.get("/insights/conversations", response=with_errors({200: InsightsOut}), tags=["insights"])
def conversation_figures(request, period: Query[PeriodIn]):
    """Customers' messages per day by kind, and how many conversations were answered, as Insights shows them."""
    return figures_for(principal(request), period)


def figures_for(who, period: PeriodIn) -> dict:
    params = {k: str(v) for k, v in period.dict().items() if v is not None}
    # Days are the workspace's, as on its Insights page.
    with timezone.override(workspace_zone(who.workspace)):
        asked = insight_filters.parse(who, params)
        days = figures.per_day(who, asked)
        answered = response_times(who, asked)
    return {
        "since": asked.since.isoformat(),
        "until": asked.until.isoformat(),
        "notes": asked.errors,
        "totals": figures.totals(days),
        "days": [{**day, "day": day["day"].isoformat()} for day in days],
        "conversations": answered["conversations"],
        "answered": answered["answered"],
        "answered_share": answered["answered_share"],
    }
