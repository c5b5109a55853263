import uuid
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.inbox.models import Conversation, Interaction, PendingAnswer
from firsthand.networks import registry
from firsthand.networks.base import NetworkError, OutgoingPost
from firsthand.notices.send import notify
from firsthand.practice import operations as practice
from firsthand.publishing.counting import count
from firsthand.team import scope
from firsthand.team.permissions import Capability
from firsthand.webhooks import payloads as webhooks


class ReplyError(Exception):
    pass


class PausedAsk(ReplyError):
    """Publishing is paused and an owner or manager has not yet said to send this answer anyway."""

    def __init__(self, pause):
        self.pause = pause
        super().__init__(f"Publishing is paused ({pause.reason}) — send this answer anyway?")


def conversations_for(membership):
    """The conversations this member may open: their workspace's, on the accounts within their access.

    Views load a conversation by id only through this, so one on an account out of reach is a 404."""
    return scope.within(membership, Conversation.objects.filter(workspace=membership.workspace))


def pause_over(conversation: Conversation):
    """The open crisis pause covering this conversation's account (workspace-wide or the account's own), if any."""
    from firsthand.guard.models import Pause

    return (
        Pause.objects.active()
        .filter(workspace=conversation.workspace)
        .filter(Q(account=None) | Q(account=conversation.account))
        .first()
    )


def reply(
    membership, conversation: Conversation, text: str, *, done: bool = False, while_paused: bool = False
) -> Interaction | PendingAnswer:
    """Answer on the network as the business's account, and record who in the team wrote it.

    An answer the workspace wants approved first (flagged by the check, or by staff when the workspace
    asks for that) is kept as a PendingAnswer for an owner or manager instead; nothing reaches the customer.
    With `done`, a sent answer also marks the conversation done (one action for "send and mark done"); an
    answer waiting for approval leaves it open, since the customer has not been answered yet.

    The crisis switch covers answers too: while publishing is paused, a staff answer waits for an owner or
    manager, and an owner's or manager's answer goes out only with `while_paused` (they were asked, and said
    yes); that choice is audited.
    """
    from firsthand.guard.approvals import approvers, reasons_to_ask
    from firsthand.guard.checks import APPROVAL, BLOCK, check
    from firsthand.guard.models import BrandRules

    text = text.strip()
    account = conversation.account
    scope.require(membership, account)
    if not text:
        raise ReplyError("Write the answer first.")
    if "\x00" in text:  # no network takes it, nor PostgreSQL; a form field would refuse it the same way
        raise ReplyError("The answer holds a null character (U+0000), which can't be sent. Remove it and try again.")
    # Signed with its author when the workspace wants it ("^OB"), so customers know who answered.
    text += BrandRules.for_workspace(conversation.workspace).signature(membership.user)
    ready_to_send(account, text)
    findings = check(text, account, author=membership.user)
    if any(f.severity == BLOCK for f in findings):
        raise ReplyError("This answer can't go out: " + "; ".join(f.reason for f in findings if f.severity == BLOCK))
    reasons = reasons_to_ask(membership, [f.reason for f in findings if f.severity == APPROVAL], answer=True)
    # The workspace may want a new staff member's answers approved until they have passed chosen practice scenarios.
    reasons += practice.reasons_to_wait(membership)
    paused = pause_over(conversation)
    if paused and membership.can(Capability.APPROVE):
        if not while_paused:
            raise PausedAsk(paused)
    elif paused:
        reasons.insert(0, f"publishing is paused: {paused.reason}")
    if not reasons:
        sent = send(conversation, text, author=membership.user)
        if paused:
            record(
                "inbox.answered_while_paused",
                f"{membership.user} chose to send an answer to {conversation.person} while publishing is paused"
                f" ({paused.reason})",
                actor=membership.user,
                workspace=conversation.workspace,
                conversation=conversation.pk,
                pause=paused.pk,
            )
        if done:
            set_status(membership, conversation, Conversation.Status.DONE)
        return sent
    with transaction.atomic():
        pending = PendingAnswer.objects.create(
            conversation=conversation, author=membership.user, text=text, reasons=reasons
        )
        record(
            "inbox.answer_awaits_approval",
            f"{membership.user} asked for approval of an answer to {conversation.person}: {'; '.join(reasons)}",
            actor=membership.user,
            workspace=conversation.workspace,
            conversation=conversation.pk,
        )
        notify(
            conversation.workspace,
            approvers(conversation.workspace, except_user=membership.user),
            f"{membership.user} asks you to approve an answer to {conversation.person}: “{text[:80]}”",
            reverse("guard:approvals", kwargs={"slug": conversation.workspace.slug}),
            kind="approval.asked",
        )
    return pending


def ready_to_send(account, text: str) -> None:
    if account.disconnected_at or account.needs_reconnect:
        raise ReplyError(f"{account.handle} needs reconnecting before it can answer.")
    limits = registry.limits_for(account)
    measured = count(text, limits.counting, limits.max_length)
    if not measured.fits:
        raise ReplyError(f"The answer is {measured.length - limits.max_length} too long for {limits.label}.")


@contextmanager
def refusals_said(account, failure: str):
    """A network's refusal becomes a ReplyError in its words ("Facebook did not hide the comment: …"); a
    refused credential also marks the account as needing reconnecting."""
    try:
        yield
    except NetworkError as error:
        if error.auth:
            account.mark_needs_reconnect(error.message)
        raise ReplyError(f"{registry.limits_for(account).label} {failure}: {error.message}") from None


def send(conversation: Conversation, text: str, *, author, approved_by=None) -> Interaction:
    account = conversation.account
    last_in = (
        conversation.items.filter(direction=Interaction.Direction.IN)
        .exclude(remote_id="")
        .select_related("raw_event")
        .last()
    )
    connector = registry.connector(account.network)
    with refusals_said(account, "did not take the answer"):
        if conversation.kind == "message":
            # A private conversation is answered privately, never with a public post.
            sent = connector.send_message(account, message_thread(conversation, last_in), text)
        else:
            outgoing = OutgoingPost(
                text=text, idempotency_key=f"reply-{uuid.uuid4()}", reply_to=last_in.remote_id if last_in else None
            )
            sent = connector.publish(account, outgoing)
    now = timezone.now()
    with transaction.atomic():
        item = Interaction.objects.create(
            conversation=conversation,
            remote_id=sent.remote_id,
            direction=Interaction.Direction.OUT,
            kind="reply",
            author_handle=account.handle,
            author=author,
            approved_by=approved_by,
            text=text,
            created_at=now,
        )
        Conversation.objects.filter(pk=conversation.pk, first_response_at=None).update(first_response_at=now)
        webhooks.conversation_event("conversation.answered", conversation, answer={"id": item.pk, "text": text[:140]})
        Conversation.objects.filter(pk=conversation.pk).update(
            last_response_at=now, awaiting_since=None, overdue_told_at=None
        )
        record(
            "inbox.replied",
            f"{author} answered {conversation.person} on {account}"
            + (f", approved by {approved_by}" if approved_by else ""),
            actor=author,
            workspace=conversation.workspace,
            conversation=conversation.pk,
        )
    return item


def approve_answer(membership, pending: PendingAnswer) -> Interaction:
    """An approver lets a waiting answer go to the customer, as written by its author."""
    if not membership.can(Capability.APPROVE):
        raise ReplyError("Only owners and managers approve answers.")
    if pending.author_id == membership.user.pk:
        raise ReplyError("Nobody approves their own answer. Ask another owner or manager.")
    scope.require(membership, pending.conversation.account_id)
    # Claimed first, so two approvers clicking at once send it once.
    if not PendingAnswer.objects.filter(pk=pending.pk, state=PendingAnswer.State.WAITING).update(
        state=PendingAnswer.State.SENT, decided_by=membership.user, decided_at=timezone.now()
    ):
        raise ReplyError("This answer is not waiting for approval (any more).")
    conversation = pending.conversation
    try:
        ready_to_send(conversation.account, pending.text)
        item = send(conversation, pending.text, author=pending.author, approved_by=membership.user)
    except ReplyError:
        PendingAnswer.objects.filter(pk=pending.pk).update(
            state=PendingAnswer.State.WAITING, decided_by=None, decided_at=None
        )
        raise
    notify(
        conversation.workspace,
        [pending.author],
        f"{membership.user} approved your answer to {conversation.person}; it has been sent.",
        conversation_url(conversation),
        kind="approval.decided",
    )
    return item


def send_back_answer(membership, pending: PendingAnswer, comment: str) -> None:
    comment = comment.strip()
    if not membership.can(Capability.APPROVE):
        raise ReplyError("Only owners and managers review answers.")
    if not comment:
        raise ReplyError("Say what to change, so the author knows.")
    if not PendingAnswer.objects.filter(pk=pending.pk, state=PendingAnswer.State.WAITING).update(
        state=PendingAnswer.State.SENT_BACK, decided_by=membership.user, decided_at=timezone.now(), comment=comment
    ):
        raise ReplyError("This answer is not waiting for approval (any more).")
    conversation = pending.conversation
    record(
        "inbox.answer_sent_back",
        f"{membership.user} sent back an answer to {conversation.person}: {comment}",
        actor=membership.user,
        workspace=conversation.workspace,
        conversation=conversation.pk,
    )
    notify(
        conversation.workspace,
        [pending.author],
        f"{membership.user} sent back your answer to {conversation.person}: {comment}",
        conversation_url(conversation),
        kind="approval.decided",
    )


def conversation_url(conversation) -> str:
    return reverse(
        "inbox:conversation", kwargs={"slug": conversation.workspace.slug, "conversation_id": conversation.pk}
    )


def message_thread(conversation: Conversation, last_in) -> str:
    payload = last_in.raw_event.payload if last_in and last_in.raw_event else {}
    thread = payload.get("thread") if isinstance(payload, dict) else None
    return thread if isinstance(thread, str) and thread else conversation.person.handle


def like(membership, item: Interaction) -> None:
    """Like what a customer said, on the network, as the business's account."""
    account = item.conversation.account
    scope.require(membership, account)
    if item.direction != Interaction.Direction.IN or not item.remote_id:
        raise ReplyError("Only what a customer said can be liked.")
    if item.liked_at:
        return  # liked already: once is enough
    if account.disconnected_at or account.needs_reconnect:
        raise ReplyError(f"{account.handle} needs reconnecting first.")
    with refusals_said(account, "did not take the like"):
        registry.connector(account.network).like(account, item.remote_id)
    Interaction.objects.filter(pk=item.pk).update(liked_by=membership.user, liked_at=timezone.now())
    record(
        "inbox.liked",
        f"{membership.user} liked a message from {item.conversation.person} on {account}",
        actor=membership.user,
        workspace=item.conversation.workspace,
        conversation=item.conversation_id,
    )


HIDEABLE = ("comment", "reply")  # what a network's moderation can hide; mentions and messages are not theirs


def can_hide_on_network(account) -> bool:
    return hasattr(registry.connector(account.network), "hide")


def hide_on_network(membership, item: Interaction) -> None:
    """Hide a customer's comment on the network where it allows (Facebook): kept, never deleted."""
    account = item.conversation.account
    scope.require(membership, account)
    label = registry.limits_for(account).label
    if item.direction != Interaction.Direction.IN or item.kind not in HIDEABLE or not can_hide_on_network(account):
        raise ReplyError(f"Only comments can be hidden, and only where {label} allows it.")
    if item.hidden_on_network_at:
        return
    if account.disconnected_at or account.needs_reconnect:
        raise ReplyError(f"{account.handle} needs reconnecting first.")
    with refusals_said(account, "did not hide the comment"):
        registry.connector(account.network).hide(account, item.remote_id)
    Interaction.objects.filter(pk=item.pk).update(
        hidden_on_network_by=membership.user, hidden_on_network_at=timezone.now()
    )
    record(
        "inbox.hidden_on_network",
        f"{membership.user} hid a comment by {item.conversation.person} on {account}",
        actor=membership.user,
        workspace=item.conversation.workspace,
        conversation=item.conversation_id,
    )


def hide(membership, conversation: Conversation, *, hidden: bool) -> None:
    """Out of the main inbox (or back in); never deleted, and the audit log says who did it."""
    scope.require(membership, conversation.account_id)
    if hidden:
        Conversation.objects.filter(pk=conversation.pk).update(
            status=Conversation.Status.HIDDEN, hidden_reason=f"Hidden by {membership.user}"
        )
    else:
        Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.OPEN, hidden_reason="")
    record(
        "inbox.hidden" if hidden else "inbox.shown",
        f"{membership.user} {'hid' if hidden else 'brought back'} the conversation with {conversation.person}",
        actor=membership.user,
        workspace=conversation.workspace,
        conversation=conversation.pk,
    )


def set_status(membership, conversation: Conversation, status: str) -> None:
    if status not in Conversation.Status.values:
        raise ReplyError("Unknown status.")
    scope.require(membership, conversation.account_id)
    if (
        Conversation.objects.filter(pk=conversation.pk).exclude(status=status).update(status=status)
        and status == "done"
    ):
        webhooks.conversation_event("conversation.done", conversation)


def assign(membership, conversation: Conversation, member) -> None:
    """Give the conversation to a member (None: to nobody). Only to someone who can open it: a member
    limited to other accounts would get a notice about it and a 404."""
    scope.require(membership, conversation.account_id)
    if member is not None and not scope.may_use(member, conversation.account_id):
        raise ReplyError(f"{member.user} works on other accounts only, so they can't take this conversation.")
    Conversation.objects.filter(pk=conversation.pk).update(assignee=member.user if member else None)


def retry_set_aside(membership) -> int:
    """An owner or manager asks for the items filing set aside to be filed again (after a fix)."""
    from firsthand.inbox import filing
    from firsthand.team.access import require

    require(membership, Capability.MANAGE_ACCOUNTS)
    again = filing.retry_set_aside(membership.workspace)
    if again:
        record(
            "inbox.set_aside_retried",
            f"{membership.user} asked the inbox to file again {again} item(s) it had set aside",
            actor=membership.user,
            workspace=membership.workspace,
        )
    return again
