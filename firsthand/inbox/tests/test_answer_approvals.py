"""Answers to customers that must wait for an owner's or manager's yes: kept, shown, approved or sent back."""

import pytest
from django.urls import reverse
from django.utils import timezone

from firsthand.guard.models import ApprovalPolicy, BrandRules
from firsthand.inbox import ingest, operations
from firsthand.inbox.models import Conversation, Interaction, PendingAnswer
from firsthand.inbox.tests.test_ingest import customer_says
from firsthand.networks.models import ConnectedAccount
from firsthand.networks.sandbox.models import SandboxPost
from firsthand.networks.testing import connect_sandbox_account
from firsthand.notices.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def talk(team):
    account = connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    BrandRules.objects.create(workspace=team.workspace, approval_phrases="refund")
    customer_says(account, "My order never came. I want my money back!")
    ingest.poll(account)
    ingest.process_pending()
    return Conversation.objects.get()


def decide(client, team, pending, decision, **data):
    return client.post(
        reverse(
            "inbox:decide_answer",
            kwargs={"slug": team.workspace.slug, "answer_id": pending.pk, "decision": decision},
        ),
        data,
    )


def test_a_flagged_answer_by_staff_waits_for_approval_and_nothing_reaches_the_customer(team, talk, client_for):
    result = operations.reply(team.membership("staff"), talk, "Sorry! We'll refund you today.")
    assert isinstance(result, PendingAnswer) and result.state == PendingAnswer.State.WAITING
    assert any("refund" in reason for reason in result.reasons)
    assert not SandboxPost.objects.exists() and not talk.items.filter(direction="out").exists()
    talk.refresh_from_db()
    assert talk.first_response_at is None  # the customer still waits: the clock runs
    assert set(Notice.objects.values_list("user", flat=True)) == {team.owner.pk, team.manager.pk}

    queue = client_for(team.manager).get(reverse("guard:approvals", kwargs={"slug": team.workspace.slug}))
    assert "Sorry! We&#x27;ll refund you today." in queue.content.decode()
    assert "Approve and send" in queue.content.decode()
    page = client_for(team.staff).get(
        reverse("inbox:conversation", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk})
    )
    assert "Answer waiting for approval" in page.content.decode()  # so nobody answers twice meanwhile


def test_the_approver_sends_it_as_written_by_its_author_and_only_once(team, talk, client_for):
    pending = operations.reply(team.membership("staff"), talk, "Sorry! We'll refund you today.")
    assert decide(client_for(team.staff), team, pending, "approve").status_code == 403
    assert decide(client_for(team.manager), team, pending, "approve").status_code == 302
    decide(client_for(team.owner), team, pending, "approve")  # a second click, elsewhere
    assert [p.text for p in SandboxPost.objects.all()] == ["Sorry! We'll refund you today."]
    answer = Interaction.objects.get(direction="out")
    assert answer.author == team.staff and answer.approved_by == team.manager
    talk.refresh_from_db()
    assert talk.first_response_at is not None
    assert Notice.objects.filter(user=team.staff, message__contains="approved your answer").exists()


def test_sending_back_needs_a_comment_and_tells_the_author(team, talk, client_for):
    pending = operations.reply(team.membership("staff"), talk, "Sorry! We'll refund you today.")
    with pytest.raises(operations.ReplyError, match="Say what to change"):
        operations.send_back_answer(team.membership("manager"), pending, "  ")
    decide(client_for(team.manager), team, pending, "send-back", comment="Offer a voucher instead.")
    pending.refresh_from_db()
    assert pending.state == PendingAnswer.State.SENT_BACK and pending.comment == "Offer a voucher instead."
    assert Notice.objects.filter(user=team.staff, message__contains="Offer a voucher instead.").exists()
    assert not SandboxPost.objects.exists()
    with pytest.raises(operations.ReplyError, match="not waiting"):
        operations.approve_answer(team.membership("owner"), pending)


def test_an_approver_who_wrote_it_cannot_approve_it(team, talk):
    ApprovalPolicy.objects.create(workspace=team.workspace, staff_answers=True)
    pending = PendingAnswer.objects.create(conversation=talk, author=team.manager, text="Hello", reasons=["x"])
    with pytest.raises(operations.ReplyError, match="Nobody approves their own answer"):
        operations.approve_answer(team.membership("manager"), pending)


def test_with_the_staff_answers_policy_every_staff_answer_waits_but_managers_answer_at_once(team, talk):
    ApprovalPolicy.objects.create(workspace=team.workspace, staff_answers=True)
    waiting = operations.reply(team.membership("staff"), talk, "We're looking into it.")
    assert isinstance(waiting, PendingAnswer)
    assert waiting.reasons == ["answers by staff need approval in this workspace"]
    sent = operations.reply(team.membership("manager"), talk, "We're looking into it right now.")
    assert isinstance(sent, Interaction)
    assert [p.text for p in SandboxPost.objects.all()] == ["We're looking into it right now."]


def test_approving_after_the_account_was_disconnected_sends_nothing_and_keeps_it_waiting(team, talk):
    pending = operations.reply(team.membership("staff"), talk, "Sorry! We'll refund you today.")
    ConnectedAccount.objects.filter(pk=talk.account_id).update(disconnected_at=timezone.now())
    with pytest.raises(operations.ReplyError, match="needs reconnecting"):
        operations.approve_answer(team.membership("manager"), PendingAnswer.objects.get(pk=pending.pk))
    pending.refresh_from_db()
    assert pending.state == PendingAnswer.State.WAITING and not SandboxPost.objects.exists()
