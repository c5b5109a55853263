"""The inbox's actions on a conversation that are not the conversation page itself: mark done, hide,
assign, ask the owner, answer the owner's question, decide a held answer, retry what was set aside, and
the sandbox customer who writes for practice."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from firsthand.inbox import operations
from firsthand.inbox.models import (
    Escalation,
    PendingAnswer,
)
from firsthand.inbox.views.pages import reachable_accounts
from firsthand.team import scope
from firsthand.team.access import workspace_view
from firsthand.team.models import Membership
from firsthand.team.permissions import Capability
from firsthand.web.params import an_id


@require_POST
@workspace_view(Capability.REPLY)
def change(request, membership, conversation_id, what):
    talk = get_object_or_404(operations.conversations_for(membership), pk=conversation_id)
    if what in ("done", "open"):
        operations.set_status(membership, talk, what)
        messages.success(request, "Marked done." if what == "done" else "Opened again.")
    elif what in ("hide", "show"):
        operations.hide(membership, talk, hidden=what == "hide")
        messages.success(
            request,
            "Hidden from the inbox; it stays under Hidden." if what == "hide" else "Back in the inbox.",
        )
    elif what == "assign":
        member = Membership.objects.filter(
            workspace=membership.workspace, pk=an_id(request.POST.get("member")) or 0
        ).first()
        try:
            operations.assign(membership, talk, member)
            messages.success(request, f"Assigned to {member.user}." if member else "Unassigned.")
        except operations.ReplyError as problem:
            messages.error(request, str(problem))
    return redirect("inbox:conversation", slug=membership.workspace.slug, conversation_id=talk.pk)


@require_POST
@workspace_view(Capability.REPLY)
def simulate(request, membership):
    """Sandbox only: a pretend customer writes, so the team can practise."""
    from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent

    account = get_object_or_404(
        reachable_accounts(membership), pk=an_id(request.POST.get("account")) or 0, network="sandbox"
    )
    text = request.POST.get("text", "").strip()[:2000]
    handle = (request.POST.get("handle", "").strip().lstrip("@") or "a-customer")[:100]
    kind = request.POST.get("kind") if request.POST.get("kind") in ("mention", "message") else "mention"
    if not text:
        messages.error(request, "Write what the pretend customer says.")
    else:
        SandboxEvent.objects.create(
            account=SandboxAccount.objects.get(pk=int(account.remote_id)),
            kind=kind,
            author_handle=handle,
            author_name=handle.replace("-", " ").title(),
            text=text,
        )
        messages.success(request, "The sandbox customer wrote; it lands in the inbox within a few seconds.")
    return redirect("inbox:inbox", slug=membership.workspace.slug)


@require_POST
@workspace_view(Capability.REPLY)
def escalate(request, membership, conversation_id):
    from firsthand.inbox import escalations

    talk = get_object_or_404(operations.conversations_for(membership), pk=conversation_id)
    try:
        escalations.escalate(membership, talk, request.POST.get("question", ""))
        messages.success(request, "Asked the owner. The customer's clock keeps running until they get an answer.")
    except escalations.EscalationError as error:
        messages.error(request, str(error))
    return redirect("inbox:conversation", slug=membership.workspace.slug, conversation_id=talk.pk)


@require_POST
@workspace_view(Capability.REPLY)
def answer_escalation(request, membership, conversation_id, escalation_id):
    from firsthand.inbox import escalations

    asked = get_object_or_404(
        scope.within(membership, Escalation.objects.all(), "conversation__account"),
        pk=escalation_id,
        conversation_id=conversation_id,
        conversation__workspace=membership.workspace,
    )
    try:
        escalations.answer(membership, asked, request.POST.get("answer", ""))
        messages.success(request, "Answered. Whoever asked has been told.")
    except escalations.EscalationError as error:
        messages.error(request, str(error))
    return redirect("inbox:conversation", slug=membership.workspace.slug, conversation_id=conversation_id)


@require_POST
@workspace_view(Capability.APPROVE)
def decide_answer(request, membership, answer_id, decision):
    pending = get_object_or_404(
        scope.within(
            membership,
            PendingAnswer.objects.select_related(
                "conversation__account", "conversation__workspace", "conversation__person"
            ),
            "conversation__account",
        ),
        pk=answer_id,
        conversation__workspace=membership.workspace,
    )
    try:
        if decision == "approve":
            operations.approve_answer(membership, pending)
            messages.success(request, f"Approved and sent to {pending.conversation.person}.")
        elif decision == "send-back":
            operations.send_back_answer(membership, pending, request.POST.get("comment", ""))
            messages.success(request, "Sent back to its author with your comment.")
        else:
            messages.error(request, "Choose approve or send back.")
    except operations.ReplyError as problem:
        messages.error(request, str(problem))
    if request.POST.get("from") == "conversation":
        return redirect("inbox:conversation", slug=membership.workspace.slug, conversation_id=pending.conversation_id)
    return redirect("guard:approvals", slug=membership.workspace.slug)


@require_POST
@workspace_view(Capability.MANAGE_ACCOUNTS)
def retry_set_aside(request, membership):
    again = operations.retry_set_aside(membership)
    messages.success(request, f"{again} set-aside item(s) go back to the inbox; they are filed within a minute.")
    return redirect("networks:accounts", slug=membership.workspace.slug)
