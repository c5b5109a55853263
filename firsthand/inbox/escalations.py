"""Escalation to the owner: a question only the owner can answer, asked and answered inside the app."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.inbox.models import Escalation
from firsthand.notices.send import notify
from firsthand.team import scope
from firsthand.team.permissions import Role
from firsthand.webhooks import payloads as webhooks


class EscalationError(Exception):
    pass


def owners(workspace):
    return [m.user for m in workspace.memberships.select_related("user").filter(role=Role.OWNER)]


def url(conversation) -> str:
    return reverse(
        "inbox:conversation", kwargs={"slug": conversation.workspace.slug, "conversation_id": conversation.pk}
    )


def escalate(membership, conversation, question: str) -> Escalation:
    scope.require(membership, conversation.account_id)
    question = question.strip()
    if not question:
        raise EscalationError("Write the question for the owner.")
    with transaction.atomic():
        asked = Escalation.objects.create(conversation=conversation, asked_by=membership.user, question=question[:2000])
        record(
            "inbox.escalated",
            f"{membership.user} asked the owner: {question[:200]}",
            actor=membership.user,
            workspace=conversation.workspace,
            conversation=conversation.pk,
        )
        # An owner asking is not told of their own question; a program with an owner's token is asking them.
        by_program = getattr(membership, "token", None) is not None
        notify(
            conversation.workspace,
            [u for u in owners(conversation.workspace) if by_program or u != membership.user],
            f"{membership.user} asks you about {conversation.person}: {question[:200]}",
            url(conversation),
            kind="escalation.asked",
        )
        webhooks.escalation_event("escalation.asked", asked)
    return asked


def answer(membership, escalation: Escalation, text: str) -> None:
    text = text.strip()
    if membership.role != Role.OWNER:
        raise EscalationError("Only the workspace's owners answer questions sent to the owner.")
    if not text:
        raise EscalationError("Write the answer.")
    with transaction.atomic():
        updated = Escalation.objects.filter(pk=escalation.pk, answered_at=None).update(
            answer=text[:4000], answered_by=membership.user, answered_at=timezone.now()
        )
        if not updated:
            raise EscalationError("This question was already answered.")
        conversation = escalation.conversation
        record(
            "inbox.escalation_answered",
            f"{membership.user} answered: {text[:200]}",
            actor=membership.user,
            workspace=conversation.workspace,
            conversation=conversation.pk,
        )
        notify(
            conversation.workspace,
            [escalation.asked_by],
            f"{membership.user} answered your question about {conversation.person}: {text[:200]}",
            url(conversation),
            kind="escalation.answered",
        )
        webhooks.escalation_event("escalation.answered", Escalation.objects.get(pk=escalation.pk))


def waiting_for(membership):
    """The questions staff asked that wait for this member's answer: an owner's, nobody else's."""
    if membership.role != Role.OWNER:
        return Escalation.objects.none()
    return Escalation.objects.filter(conversation__workspace=membership.workspace, answered_at=None).select_related(
        "conversation__person", "asked_by"
    )
