"""Two people on one conversation: they see each other, a second answer is asked about, notes and saved replies."""

import re

import pytest
from django.urls import reverse

from firsthand.inbox import ingest, operations
from firsthand.inbox.models import Conversation, Note, SavedReply
from firsthand.inbox.tests.test_ingest import customer_says
from firsthand.networks.sandbox.models import SandboxPost
from firsthand.networks.testing import connect_sandbox_account
from firsthand.notices.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def talk(team):
    account = connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    customer_says(account, "Is the shop open on Sunday?")
    ingest.poll(account)
    ingest.process_pending()
    return Conversation.objects.get()


def page_url(team, talk):
    return reverse("inbox:conversation", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk})


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="(\d+)"', html).group(1)


def test_an_answer_sent_by_someone_else_meanwhile_is_shown_before_a_second_one_goes(team, talk, client_for):
    staff = client_for(team.staff)  # (one test client, signed in as one person at a time)
    opened = staff.get(page_url(team, talk)).content.decode()  # the staff member starts writing
    marks = {name: hidden(opened, name) for name in ("seen_answer", "seen_pending")}

    operations.reply(team.membership("manager"), talk, "Yes, 9 to 1!")  # the manager answers first
    asked = staff.post(page_url(team, talk), {"text": "We open at 9 on Sundays.", **marks})
    html = asked.content.decode()
    assert asked.status_code == 409 and "Answered while you were writing" in html and "Yes, 9 to 1!" in html
    assert "We open at 9 on Sundays." in html  # nothing typed is lost
    assert [p.text for p in SandboxPost.objects.all()] == ["Yes, 9 to 1!"]

    again = {name: hidden(html, name) for name in ("seen_answer", "seen_pending")}
    sent = staff.post(page_url(team, talk), {"text": "We open at 9 on Sundays.", "send_anyway": "1", **again})
    assert sent.status_code == 302
    assert [p.text for p in SandboxPost.objects.order_by("pk")] == ["Yes, 9 to 1!", "We open at 9 on Sundays."]


def test_your_own_earlier_answer_is_no_collision(team, talk, client_for):
    staff = client_for(team.staff)
    opened = staff.get(page_url(team, talk)).content.decode()
    marks = {name: hidden(opened, name) for name in ("seen_answer", "seen_pending")}
    operations.reply(team.membership("staff"), talk, "Yes!")
    assert staff.post(page_url(team, talk), {"text": "And on Saturdays too.", **marks}).status_code == 302


def test_each_page_hears_who_else_is_on_the_conversation_and_who_is_writing(team, talk, client_for):
    presence = reverse("inbox:presence", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk})
    assert client_for(team.staff).post(presence, {"text": "Yes we"}).content.decode().strip() == ""
    heard = client_for(team.manager).post(presence, {"text": ""}).content.decode()
    assert "Staff Person is writing an answer" in heard
    client_for(team.staff).post(presence, {"text": ""})
    assert "Staff Person is here" in client_for(team.manager).post(presence).content.decode()
    assert client_for(team.outsider).post(presence).status_code == 404


def test_a_note_with_an_at_name_tells_that_person_and_never_reaches_the_customer(team, talk, client_for):
    url = reverse("inbox:note", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk})
    client_for(team.staff).post(url, {"note": "@owner do we open on Easter Sunday? cc @nobody"})
    note = Note.objects.get()
    assert note.author == team.staff and not SandboxPost.objects.exists()
    assert list(Notice.objects.values_list("user", flat=True)) == [team.owner.pk]
    html = client_for(team.manager).get(page_url(team, talk)).content.decode()
    assert "do we open on Easter Sunday?" in html and "note for the team" in html
    assert client_for(team.viewer).post(url, {"note": "hi"}).status_code == 403
    client_for(team.staff).post(url, {"note": "   "})
    assert Note.objects.count() == 1


def test_saved_replies_are_shared_offered_on_every_conversation_and_deleted_by_their_author(team, talk, client_for):
    save = reverse("inbox:save_reply", kwargs={"slug": team.workspace.slug})
    client_for(team.staff).post(
        save, {"title": "Sunday hours", "text": "We're open 9 to 1 on Sundays.", "conversation": talk.pk}
    )
    client_for(team.staff).post(save, {"title": "Sunday hours", "text": "duplicate"})
    assert SavedReply.objects.count() == 1
    html = client_for(team.manager).get(page_url(team, talk)).content.decode()
    assert 'data-text="We&#x27;re open 9 to 1 on Sundays."' in html and ">Sunday hours</button>" in html

    saved = SavedReply.objects.get()
    delete = reverse("inbox:delete_saved_reply", kwargs={"slug": team.workspace.slug, "saved_id": saved.pk})
    assert client_for(team.viewer).post(delete).status_code == 403
    client_for(team.staff).post(delete)
    assert not SavedReply.objects.exists()


def test_tags_are_added_shown_filtered_and_removed(team, talk, client_for):
    add = reverse("inbox:tag", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk, "action": "add"})
    client = client_for(team.staff)
    client.post(add, {"tag": "  Wholesale   Lead "})
    client.post(add, {"tag": "wholesale lead"})  # the same tag twice is one tag
    client.post(add, {"tag": "<script>"})
    assert list(talk.tags.values_list("name", flat=True)) == ["wholesale lead"]
    inbox = reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    assert "#wholesale lead" in client.get(inbox, {"tag": "wholesale lead"}).content.decode()
    assert "Is the shop open on Sunday?" not in client.get(inbox, {"tag": "press"}).content.decode()
    remove = reverse("inbox:tag", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk, "action": "remove"})
    client.post(remove, {"tag": "wholesale lead"})
    assert not talk.tags.exists()
    assert client_for(team.viewer).post(add, {"tag": "x"}).status_code == 403


def test_a_persons_page_lists_every_conversation_they_had_with_the_business(team, talk, client_for):
    from firsthand.inbox.models import Conversation

    other = Conversation.objects.create(
        workspace=team.workspace,
        account=talk.account,
        person=talk.person,
        key="dm:ann",
        kind="message",
        first_inbound_at=talk.first_inbound_at,
        last_inbound_at=talk.last_inbound_at,
    )
    url = reverse("inbox:person", kwargs={"slug": team.workspace.slug, "person_id": talk.person.pk})
    html = client_for(team.viewer).get(url).content.decode()
    assert "2 conversations" in html and "direct message" in html
    assert f"/inbox/{talk.pk}/" in html and f"/inbox/{other.pk}/" in html
    assert client_for(team.outsider).get(url).status_code == 404


def test_a_set_of_filters_is_saved_as_a_view_for_the_team(team, talk, client_for):
    from firsthand.inbox.models import SavedView

    save = reverse("inbox:save_view", kwargs={"slug": team.workspace.slug})
    response = client_for(team.staff).post(
        save, {"name": "Open questions", "label": "question", "status": "open", "x": "y"}
    )
    view = SavedView.objects.get()
    assert view.query == "status=open&label=question" and response["Location"].endswith("?" + view.query)
    assert (
        "already a view"
        in client_for(team.staff).post(save, {"name": "Open questions", "label": "x"}, follow=True).content.decode()
    )
    assert (
        "Choose some filters first"
        in client_for(team.staff).post(save, {"name": "Plain"}, follow=True).content.decode()
    )
    inbox = client_for(team.viewer).get(reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})).content.decode()
    assert 'href="?status=open&amp;label=question">Open questions</a>' in inbox
    delete = reverse("inbox:delete_view", kwargs={"slug": team.workspace.slug, "view_id": view.pk})
    client_for(team.viewer).post(delete)
    assert SavedView.objects.exists()  # not theirs
    client_for(team.manager).post(delete)
    assert not SavedView.objects.exists()


def test_liking_what_the_customer_said_goes_to_the_network_as_the_brand(team, talk, client_for):
    from firsthand.inbox.models import Interaction
    from firsthand.networks.sandbox.models import SandboxEvent

    item = Interaction.objects.get()
    url = reverse("inbox:like", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk, "item_id": item.pk})
    assert client_for(team.viewer).post(url).status_code == 403
    client_for(team.staff).post(url)
    assert SandboxEvent.objects.get().liked is True
    html = client_for(team.manager).get(page_url(team, talk)).content.decode()
    assert "Liked by Staff Person" in html
