import uuid

from django.db import transaction
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.inbox.models import Conversation, Interaction
from firsthand.networks import registry
from firsthand.networks.base import NetworkError, OutgoingPost
from firsthand.publishing.counting import count


class ReplyError(Exception):
    pass


def reply(membership, conversation: Conversation, text: str) -> Interaction:
    """Answer on the network as the business's account, and record who in the team wrote it."""
    from firsthand.guard.checks import APPROVAL, BLOCK, check
    from firsthand.guard.models import BrandRules
    from firsthand.team.permissions import Capability

    text = text.strip()
    account = conversation.account
    if not text:
        raise ReplyError("Write the answer first.")
    # Signed with its author when the workspace wants it ("^OB"), so customers know who answered.
    text += BrandRules.for_workspace(conversation.workspace).signature(membership.user)
    if account.disconnected_at or account.needs_reconnect:
        raise ReplyError(f"{account.handle} needs reconnecting before it can answer.")
    limits = registry.limits_for(account)
    measured = count(text, limits.counting, limits.max_length)
    if not measured.fits:
        raise ReplyError(f"The answer is {measured.length - limits.max_length} too long for {limits.label}.")
    findings = check(text, account)
    if any(f.severity == BLOCK for f in findings):
        raise ReplyError("This answer can't go out: " + "; ".join(f.reason for f in findings if f.severity == BLOCK))
    if any(f.severity == APPROVAL for f in findings) and not membership.can(Capability.APPROVE):
        raise ReplyError(
            "This answer needs an owner or manager: " + "; ".join(f.reason for f in findings if f.severity == APPROVAL)
        )
    last_in = (
        conversation.items.filter(direction=Interaction.Direction.IN)
        .exclude(remote_id="")
        .select_related("raw_event")
        .last()
    )
    connector = registry.connector(account.network)
    try:
        if conversation.kind == "message":
            # A private conversation is answered privately, never with a public post.
            sent = connector.send_message(account, message_thread(conversation, last_in), text)
        else:
            outgoing = OutgoingPost(
                text=text, idempotency_key=f"reply-{uuid.uuid4()}", reply_to=last_in.remote_id if last_in else None
            )
            sent = connector.publish(account, outgoing)
    except NetworkError as error:
        if error.auth:
            account.mark_needs_reconnect(error.message)
        raise ReplyError(f"{limits.label} did not take the answer: {error.message}") from None
    now = timezone.now()
    with transaction.atomic():
        item = Interaction.objects.create(
            conversation=conversation,
            remote_id=sent.remote_id,
            direction=Interaction.Direction.OUT,
            kind="reply",
            author_handle=account.handle,
            author=membership.user,
            text=text,
            created_at=now,
        )
        Conversation.objects.filter(pk=conversation.pk, first_response_at=None).update(first_response_at=now)
        Conversation.objects.filter(pk=conversation.pk).update(last_response_at=now, overdue_told_at=None)
        record(
            "inbox.replied",
            f"{membership.user} answered {conversation.person} on {account}",
            actor=membership.user,
            workspace=conversation.workspace,
            conversation=conversation.pk,
        )
    return item


def message_thread(conversation: Conversation, last_in) -> str:
    payload = last_in.raw_event.payload if last_in and last_in.raw_event else {}
    thread = payload.get("thread") if isinstance(payload, dict) else None
    return thread if isinstance(thread, str) and thread else conversation.person.handle


def set_status(membership, conversation: Conversation, status: str) -> None:
    if status not in Conversation.Status.values:
        raise ReplyError("Unknown status.")
    Conversation.objects.filter(pk=conversation.pk).update(status=status)
