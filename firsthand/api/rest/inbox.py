"""/api/v1/conversations: the inbox with its own filters, one conversation, and what a person does with it.

Answers go through inbox.operations.reply, as the conversation page's: the brand check, approval of staff
answers where the workspace asks for it, and the crisis switch (a paused workspace's answers wait for an
owner or manager, or need their explicit "send anyway").
"""

from datetime import datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Query, Router

from firsthand.api.rest.base import ApiError, Id, Page, Strict, Text, page_of, principal, with_errors
from firsthand.inbox import escalations, operations
from firsthand.inbox.models import Conversation, PendingAnswer
from firsthand.inbox.views.pages import filtered
from firsthand.team import scope
from firsthand.team.access import require
from firsthand.team.models import Membership
from firsthand.team.permissions import Capability

router = Router(tags=["conversations"])


class Filters(Strict):
    status: Literal["open", "done", "hidden", "all"] = "open"
    label: Literal["question", "complaint", "offensive", "negative", "positive", "spam"] | None = None
    account: Id | None = None
    network: Text | None = None
    since: Text | None = None  # a local date, 2026-03-29
    until: Text | None = None
    kind: Literal["complaint", "question", "praise", "other"] | None = None
    escalated: bool = False
    tag: Text | None = None
    q: Text | None = None
    page: Page = 1


class ConversationOut(Strict):
    id: int
    account_id: int
    account: str
    network: str
    person: str
    kind: str
    status: str
    labels: list[str]
    priority: int
    assignee: str | None
    first_inbound_at: datetime
    last_inbound_at: datetime
    awaiting_since: datetime | None
    last_response_at: datetime | None


class ItemOut(Strict):
    id: int
    direction: str
    kind: str
    author_handle: str
    author_name: str
    text: str
    labels: list[str]
    created_at: datetime


class ConversationDetail(ConversationOut):
    items: list[ItemOut]
    pending_answers: list[dict]


class ConversationPage(Strict):
    items: list[ConversationOut]
    page: int
    next_page: int | None


class AnswerIn(Strict):
    text: Text
    done: bool = False
    send_while_paused: bool = False


class AnswerOut(Strict):
    outcome: Literal["sent", "awaiting_approval"]
    id: int
    reasons: list[str] = []


class AssignIn(Strict):
    email: Text | None = None  # a member's email; null takes it from whoever has it


class EscalateIn(Strict):
    question: Text


def shaped(talk: Conversation) -> dict:
    return {
        "id": talk.pk,
        "account_id": talk.account_id,
        "account": talk.account.handle,
        "network": talk.account.network,
        "person": talk.person.handle,
        "kind": talk.kind,
        "status": talk.status,
        "labels": [str(label) for label in talk.labels or []],
        "priority": talk.priority,
        "assignee": str(talk.assignee) if talk.assignee_id else None,
        "first_inbound_at": talk.first_inbound_at,
        "last_inbound_at": talk.last_inbound_at,
        "awaiting_since": talk.awaiting_since,
        "last_response_at": talk.last_response_at,
    }


def conversation_of(who, conversation_id: int) -> Conversation:
    talks = operations.conversations_for(who).select_related("account", "person", "assignee")
    return get_object_or_404(talks, pk=conversation_id)


@router.get("/conversations", response=with_errors({200: ConversationPage}), summary="List conversations")
def list_conversations(request, filters: Query[Filters]):
    """The inbox's order and filters: waiting ones first, the most urgent first."""
    return conversations_page(principal(request), filters)


def conversations_page(who, filters: Filters) -> dict:
    """One page of the inbox as `who` sees it; the MCP tool list_conversations answers with it too."""
    params = {k: v for k, v in filters.dict().items() if v not in (None, False, "")}
    if filters.escalated:
        params["escalated"] = "1"
    if "account" in params:
        params["account"] = str(params["account"])
    talks = filtered(who, params).select_related("account", "person", "assignee")
    return page_of(talks, filters.page, shaped)


@router.get("/conversations/{conversation_id}", response=with_errors({200: ConversationDetail}))
def get_conversation(request, conversation_id: Id):
    """A conversation with its messages, oldest first, and the answers waiting for approval."""
    return conversation_detail(principal(request), conversation_id)


def conversation_detail(who, conversation_id: int) -> dict:
    talk = conversation_of(who, conversation_id)
    items = talk.items.order_by("created_at", "pk")
    waiting = talk.pending_answers.filter(state=PendingAnswer.State.WAITING).order_by("created_at")
    return {
        **shaped(talk),
        "items": [
            {
                "id": i.pk,
                "direction": i.direction,
                "kind": i.kind,
                "author_handle": i.author_handle,
                "author_name": i.author_name,
                "text": i.text,
                "labels": [str(label) for label in i.labels or []],
                "created_at": i.created_at,
            }
            for i in items
        ],
        "pending_answers": [{"id": p.pk, "text": p.text, "reasons": p.reasons} for p in waiting],
    }


@router.post("/conversations/{conversation_id}/answer", response=with_errors({200: AnswerOut}))
def answer(request, conversation_id: Id, data: AnswerIn):
    """Answer the customer as the business's account; it may wait for an approver instead (`outcome`)."""
    return answer_as(principal(request), conversation_id, data)


def answer_as(who, conversation_id: int, data: AnswerIn) -> dict:
    """operations.reply decides whether it is sent or waits for approval; the MCP tool draft_answer calls this."""
    require(who, Capability.REPLY)
    talk = conversation_of(who, conversation_id)
    try:
        done = operations.reply(who, talk, data.text, done=data.done, while_paused=data.send_while_paused)
    except operations.PausedAsk as ask:
        raise ApiError(409, "paused", f'{ask} Send again with "send_while_paused": true to send it.') from None
    except (operations.ReplyError, scope.OutOfReach) as error:
        raise ApiError(422, "refused", str(error)) from None
    if isinstance(done, PendingAnswer):
        return {"outcome": "awaiting_approval", "id": done.pk, "reasons": done.reasons}
    return {"outcome": "sent", "id": done.pk}


@router.post("/conversations/{conversation_id}/assign", response=with_errors({200: ConversationOut}))
def assign(request, conversation_id: Id, data: AssignIn):
    who = principal(request)
    require(who, Capability.REPLY)
    talk = conversation_of(who, conversation_id)
    member = None
    if data.email:
        member = Membership.objects.filter(workspace=who.workspace, user__email__iexact=data.email.strip()).first()
        if member is None:
            raise ApiError(422, "unknown_member", "Nobody with that email is a member of this workspace.")
    try:
        operations.assign(who, talk, member)
    except operations.ReplyError as error:
        raise ApiError(422, "refused", str(error)) from None
    return shaped(conversation_of(who, conversation_id))


@router.post("/conversations/{conversation_id}/done", response=with_errors({200: ConversationOut}))
def mark_done(request, conversation_id: Id):
    who = principal(request)
    require(who, Capability.REPLY)
    operations.set_status(who, conversation_of(who, conversation_id), Conversation.Status.DONE)
    return shaped(conversation_of(who, conversation_id))


@router.post("/conversations/{conversation_id}/escalate", response=with_errors({201: dict}))
def escalate(request, conversation_id: Id, data: EscalateIn):
    """Ask the workspace's owners a question about this conversation; they are told at once."""
    who = principal(request)
    require(who, Capability.REPLY)
    try:
        asked = escalations.escalate(who, conversation_of(who, conversation_id), data.question)
    except escalations.EscalationError as error:
        raise ApiError(422, "refused", str(error)) from None
    return 201, {"id": asked.pk, "question": asked.question}
