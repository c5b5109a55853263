"""What a new user trips over in the inbox and on a conversation page (issue 17), each pinned."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from firsthand.guard.models import BrandRules
from firsthand.inbox.models import Conversation, Escalation, Interaction, Note
from firsthand.inbox.tests.test_pages import arrive
from firsthand.networks.sandbox.models import SandboxPost
from firsthand.networks.testing import connect_sandbox_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(team):
    return connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)


def inbox(client, team, **params):
    return client.get(reverse("inbox:inbox", kwargs={"slug": team.workspace.slug}), params).content.decode()


def page_url(team, talk):
    return reverse("inbox:conversation", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk})


@pytest.mark.parametrize("typed", ["Maya", "maya k", "@maya_k", "MAYA_K"])
def test_search_finds_people_by_name_or_handle(team, client_for, account, typed):
    arrive(account, "Is the soup vegan?", handle="maya_k", name="Maya Kowalski")
    arrive(account, "Table for two?", handle="ben", name="Ben")
    html = inbox(client_for(team.staff), team, q=typed)
    assert "Is the soup vegan?" in html and "Table for two?" not in html


def test_search_still_finds_words_in_messages_and_keeps_the_other_filters(team, client_for, account):
    arrive(account, "Is the soup vegan?", handle="maya_k", name="Maya Kowalski")
    arrive(account, "Vegan cake, please", handle="ben", name="Ben")
    Conversation.objects.filter(person__handle="ben").update(status="done")
    html = inbox(client_for(team.staff), team, q="vegan")
    assert "Is the soup vegan?" in html and "Vegan cake" not in html
    assert "Vegan cake" in inbox(client_for(team.staff), team, q="vegan", status="done")


def test_answered_conversations_leave_the_top_of_open(team, client_for, account):
    arrive(account, "This is awful, my order is wrong!", handle="cross", name="Cross Customer")  # a complaint
    arrive(account, "Thanks, lovely bread", handle="happy", name="Happy Customer")
    client = client_for(team.staff)
    html = inbox(client, team)
    assert html.index("Cross Customer") < html.index("Happy Customer")
    complaint = Conversation.objects.get(person__handle="cross")
    client.post(page_url(team, complaint), {"text": "So sorry, we'll put it right today."})
    html = inbox(client, team)
    assert html.index("Happy Customer") < html.index("Cross Customer")


def test_send_and_mark_done_is_one_action(team, client_for, account):
    arrive(account, "Are you open Sunday?")
    talk = Conversation.objects.get()
    response = client_for(team.staff).post(page_url(team, talk), {"text": "Yes, 9 to 1!", "done": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    assert SandboxPost.objects.get().text == "Yes, 9 to 1!"
    talk.refresh_from_db()
    assert talk.status == "done"


def test_send_and_mark_done_leaves_an_answer_waiting_for_approval_open(team, client_for, account):
    BrandRules.objects.create(workspace=team.workspace, approval_phrases="refund")
    arrive(account, "Where is my order?")
    talk = Conversation.objects.get()
    client_for(team.staff).post(page_url(team, talk), {"text": "We'll refund you.", "done": "1"})
    talk.refresh_from_db()
    assert talk.status == "open" and not SandboxPost.objects.exists()


def test_the_answer_box_offers_send_and_mark_done_and_the_keyboard_shortcut(team, client_for, account):
    arrive(account, "Are you open Sunday?")
    html = client_for(team.staff).get(page_url(team, Conversation.objects.get())).content.decode()
    assert 'name="done" value="1"' in html and "Send and mark done" in html
    assert "data-send-shortcut" in html and "<kbd>Enter</kbd> sends" in html


def test_the_timeline_shows_messages_answers_notes_and_questions_in_time_order(team, client_for, account):
    arrive(account, "First: are you open Sunday?")
    talk = Conversation.objects.get()
    client = client_for(team.staff)
    client.post(page_url(team, talk), {"text": "Fourth: yes, 9 to 1."})
    client.post(
        reverse("inbox:note", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk}), {"note": "Third: note"}
    )
    client.post(
        reverse("inbox:escalate", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk}),
        {"question": "Second: ask"},
    )
    start = timezone.now() - timedelta(hours=1)
    Interaction.objects.filter(direction="in").update(created_at=start)
    Escalation.objects.update(asked_at=start + timedelta(minutes=1))
    Note.objects.update(created_at=start + timedelta(minutes=2))
    Interaction.objects.filter(direction="out").update(created_at=start + timedelta(minutes=3))
    html = client.get(page_url(team, talk)).content.decode()
    thread = html[html.index('<ol class="thread"') : html.index("</ol>", html.index('<ol class="thread"'))]
    places = [thread.index(word) for word in ("First:", "Second:", "Third:", "Fourth:")]
    assert places == sorted(places)


@pytest.mark.parametrize(
    "kind,said",
    [("message", "A direct message: only <bdi>Ann</bdi> sees this answer."), ("mention", "In public: anyone on")],
)
def test_the_answer_box_says_whether_the_answer_is_private_or_public(team, client_for, account, kind, said):
    arrive(account, "Hello?", kind=kind)
    html = client_for(team.staff).get(page_url(team, Conversation.objects.get())).content.decode()
    box = html[html.index('class="card reply-box"') :]
    assert said in box[: box.index("</textarea>")]


@pytest.mark.parametrize(
    "params,heading",
    [
        ({"q": "zebra"}, "Nothing matches your search"),
        ({"status": "done"}, "Nothing marked done yet"),
        ({"status": "hidden"}, "Nothing hidden"),
        ({"label": "complaint"}, "Nothing matches these filters"),
        ({}, "Nothing waiting for an answer"),
    ],
)
def test_each_empty_list_says_what_it_is(team, client_for, account, params, heading):
    html = inbox(client_for(team.viewer), team, **params)
    assert f"<h2>{heading}</h2>" in html
    if params:
        assert "Nothing waiting for an answer" not in html


def test_an_empty_search_repeats_what_was_searched_inert(team, client_for, account):
    html = inbox(client_for(team.viewer), team, q="<b>zebra</b>")
    assert "&lt;b&gt;zebra&lt;/b&gt;" in html and "<b>zebra" not in html


def test_the_owner_is_not_offered_to_ask_the_owner(team, client_for, account):
    arrive(account, "Can I bring my dog?")
    url = page_url(team, Conversation.objects.get())
    assert "Ask the owner" not in client_for(team.owner).get(url).content.decode()
    assert "Ask the owner" in client_for(team.staff).get(url).content.decode()
    assert "Ask the owner" in client_for(team.manager).get(url).content.decode()


RLO = "\u202e"


def test_customer_text_is_isolated_from_the_page_around_it(team, client_for, account):
    arrive(account, "שלום, order 42 please", handle=RLO + "evil", name=RLO + "Mallory")
    client = client_for(team.staff)
    listing = inbox(client, team)
    assert f"<strong><bdi>{RLO}Mallory</bdi></strong>" in listing
    assert f"<bdi>@{RLO}evil</bdi>" in listing
    assert '<span class="row-text" dir="auto">שלום, order 42 please</span>' in listing
    assert '<span class="avatar" aria-hidden="true">E</span>' in listing  # not the invisible override
    page = client.get(page_url(team, Conversation.objects.get())).content.decode()
    assert f"<h1><bdi>{RLO}Mallory</bdi></h1>" in page
    assert '<p class="bubble-text" dir="auto">שלום, order 42 please</p>' in page
