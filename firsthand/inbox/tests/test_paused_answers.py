"""The crisis switch covers answers to customers: nothing goes out while paused unless an owner or manager says so."""

import pytest
from django.urls import reverse

from firsthand.audit.models import AuditEvent
from firsthand.guard import crisis
from firsthand.inbox import ingest, operations
from firsthand.inbox.models import Conversation, Interaction, PendingAnswer
from firsthand.inbox.tests.test_ingest import customer_says
from firsthand.networks.sandbox.models import SandboxPost
from firsthand.networks.testing import connect_sandbox_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def talk(team):
    account = connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    customer_says(account, "Is the shop open today?")
    ingest.poll(account)
    ingest.process_pending()
    return Conversation.objects.get()


def test_while_paused_a_staff_answer_waits_for_an_owner_or_manager(team, talk):
    crisis.pause(team.membership("owner"), "Flood at the shop")
    result = operations.reply(team.membership("staff"), talk, "Yes, until six.")
    assert isinstance(result, PendingAnswer)
    assert result.reasons[0] == "publishing is paused: Flood at the shop"
    assert not SandboxPost.objects.exists()


def test_a_pause_of_the_account_alone_covers_its_answers_too(team, talk):
    crisis.pause(team.membership("owner"), "Account hacked?", account=talk.account)
    assert isinstance(operations.reply(team.membership("staff"), talk, "Yes, until six."), PendingAnswer)


@pytest.mark.parametrize("role", ["owner", "manager"])
def test_while_paused_an_approver_is_asked_and_sending_anyway_is_audited(team, talk, role):
    crisis.pause(team.membership("owner"), "Flood at the shop")
    with pytest.raises(operations.PausedAsk, match="send this answer anyway"):
        operations.reply(team.membership(role), talk, "Yes, until six.")
    assert not SandboxPost.objects.exists()
    sent = operations.reply(team.membership(role), talk, "Yes, until six.", while_paused=True)
    assert isinstance(sent, Interaction)
    assert [p.text for p in SandboxPost.objects.all()] == ["Yes, until six."]
    event = AuditEvent.objects.get(action="inbox.answered_while_paused")
    assert event.actor == getattr(team, role) and "Flood at the shop" in event.summary


def test_once_resumed_answers_go_out_without_a_question(team, talk):
    pause = crisis.pause(team.membership("owner"), "Flood at the shop")
    crisis.resume(team.membership("owner"), pause, overdue="keep")
    assert isinstance(operations.reply(team.membership("staff"), talk, "Yes, until six."), Interaction)
    assert not AuditEvent.objects.filter(action="inbox.answered_while_paused").exists()


def test_the_conversation_page_asks_the_owner_and_keeps_the_answer(team, talk, client_for):
    crisis.pause(team.membership("owner"), "Flood at the shop")
    url = reverse("inbox:conversation", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk})
    client = client_for(team.owner)
    asked = client.post(url, {"text": "Yes, until six."})
    page = asked.content.decode()
    assert asked.status_code == 409
    assert "Publishing is paused — send this answer anyway?" in page and "Flood at the shop" in page
    assert ">Yes, until six.</textarea>" in page and 'name="while_paused" value="1"' in page
    assert not SandboxPost.objects.exists()
    assert client.post(url, {"text": "Yes, until six.", "while_paused": "1"}).status_code == 302
    assert SandboxPost.objects.count() == 1
