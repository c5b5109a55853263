import pytest
from django.urls import reverse

from firsthand.audit.models import AuditEvent
from firsthand.inbox import ingest
from firsthand.inbox.models import Conversation
from firsthand.inbox.spam import is_spam
from firsthand.inbox.tests.test_ingest import customer_says
from firsthand.networks.testing import connect_sandbox_account


@pytest.mark.parametrize(
    "text",
    [
        "Earn $500 a day from home!!! Click my profile for the secret",
        "Want to grow fast? Buy 10k followers cheap, DM me",
        "We can promote your page to millions, check my profile",
        "Crypto investment opportunity, guaranteed profit: https://bit.ly/x",
    ],
)
def test_spam_is_recognised(text):
    assert is_spam(text)


@pytest.mark.parametrize(
    "text",
    [
        "Do you take bookings for Sunday?",
        "Can I pay with bitcoin?",  # one weak signal is not enough
        "Your croissants are amazing!!!",
        "I ordered on your website and it says the link in my profile is wrong?",
        "Do you guarantee delivery before noon?",
    ],
)
def test_ordinary_messages_are_not_spam(text):
    assert not is_spam(text)


@pytest.mark.django_db
def test_spam_is_hidden_never_deleted_and_a_real_message_brings_it_back(team, client_for):
    account = connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    customer_says(account, "Earn $500 a day from home!!! Click my profile", handle="spammy")
    ingest.poll(account)
    ingest.process_pending()
    talk = Conversation.objects.get()
    assert talk.status == Conversation.Status.HIDDEN and talk.hidden_reason == "Looks like spam"
    assert "spam" in talk.labels
    inbox = reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    client = client_for(team.staff)
    assert "Earn $500" not in client.get(inbox).content.decode()
    hidden = client.get(inbox, {"status": "hidden"}).content.decode()
    assert "Earn $500" in hidden and "Looks like spam" in hidden
    assert 'aria-label="1 waiting"' not in client.get(inbox).content.decode()

    customer_says(account, "Sorry, my account was hacked. Are you open today?", handle="spammy")
    ingest.poll(account)
    ingest.process_pending()
    talk.refresh_from_db()
    assert talk.status == Conversation.Status.OPEN and talk.items.count() == 2


@pytest.mark.django_db
def test_the_team_can_hide_a_conversation_and_bring_it_back_and_it_is_logged(team, client_for):
    account = connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    customer_says(account, "You lot are useless", handle="troll")
    ingest.poll(account)
    ingest.process_pending()
    talk = Conversation.objects.get()

    def change(who, what):
        url = reverse("inbox:change", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk, "what": what})
        return client_for(who).post(url)

    assert change(team.viewer, "hide").status_code == 403
    change(team.staff, "hide")
    talk.refresh_from_db()
    assert talk.status == Conversation.Status.HIDDEN and talk.hidden_reason == "Hidden by Staff Person"
    change(team.manager, "show")
    talk.refresh_from_db()
    assert talk.status == Conversation.Status.OPEN and talk.hidden_reason == ""
    kinds = list(AuditEvent.objects.filter(action__startswith="inbox.").values_list("action", flat=True))
    assert kinds.count("inbox.hidden") == 1 and kinds.count("inbox.shown") == 1
