import pytest
from django.urls import reverse

from firsthand.inbox import escalations, ingest
from firsthand.inbox.models import Conversation, Escalation
from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent
from firsthand.networks.testing import connect_sandbox_account
from firsthand.notices.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def talk(team):
    account = connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    SandboxEvent.objects.create(
        account=SandboxAccount.objects.get(pk=int(account.remote_id)),
        kind="message",
        author_handle="tom",
        author_name="Tom",
        text="Can I get a refund for the cake?",
    )
    ingest.poll(account)
    ingest.process_pending()
    return Conversation.objects.get()


def test_staff_ask_the_owner_and_the_owner_answers_end_to_end(team, talk, client_for):
    staff, owner = client_for(team.staff), None
    staff.post(
        reverse("inbox:escalate", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk}),
        {"question": "Can we refund this?"},
    )
    asked = Escalation.objects.get()
    assert Notice.objects.filter(user=team.owner, message__contains="Can we refund this?").exists()
    owner = client_for(team.owner)
    inbox = owner.get(reverse("inbox:inbox", kwargs={"slug": team.workspace.slug}), {"escalated": "1"})
    assert "asked the owner" in inbox.content.decode()
    owner.post(
        reverse(
            "inbox:answer_escalation",
            kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk, "escalation_id": asked.pk},
        ),
        {"answer": "Yes, refund it."},
    )
    asked.refresh_from_db()
    assert asked.answered_by == team.owner and asked.answer == "Yes, refund it."
    assert Notice.objects.filter(user=team.staff, message__contains="Yes, refund it.").exists()
    talk.refresh_from_db()
    assert talk.waiting_since is not None  # the customer still has no answer: the clock runs on


def test_only_owners_answer_and_empty_questions_are_refused(team, talk):
    with pytest.raises(escalations.EscalationError, match="Write the question"):
        escalations.escalate(team.membership("staff"), talk, "  ")
    asked = escalations.escalate(team.membership("staff"), talk, "Refund?")
    with pytest.raises(escalations.EscalationError, match="Only the workspace's owners"):
        escalations.answer(team.membership("manager"), asked, "Sure")
    escalations.answer(team.membership("owner"), asked, "Yes")
    with pytest.raises(escalations.EscalationError, match="already answered"):
        escalations.answer(team.membership("owner"), asked, "Again")


def test_viewers_cannot_escalate(team, talk, client_for):
    response = client_for(team.viewer).post(
        reverse("inbox:escalate", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk}), {"question": "x"}
    )
    assert response.status_code == 403 and not Escalation.objects.exists()


def test_the_owners_home_page_shows_questions_waiting_for_them(team, talk, client_for):
    escalations.escalate(team.membership("staff"), talk, "Can we refund this?")
    home = reverse("web:workspace_home", kwargs={"slug": team.workspace.slug})
    assert "Your team is waiting for you" in client_for(team.owner).get(home).content.decode()
    assert "Your team is waiting for you" not in client_for(team.manager).get(home).content.decode()
