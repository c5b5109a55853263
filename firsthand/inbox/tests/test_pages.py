import pytest
from django.urls import reverse

from firsthand.inbox import ingest
from firsthand.inbox.models import Conversation
from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent, SandboxPost
from firsthand.networks.testing import connect_sandbox_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(team):
    return connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)


def arrive(account, text, handle="ann", name="Ann", kind="mention"):
    SandboxEvent.objects.create(
        account=SandboxAccount.objects.get(pk=int(account.remote_id)),
        kind=kind,
        author_handle=handle,
        author_name=name,
        text=text,
    )
    ingest.poll(account)
    ingest.process_pending()


def test_the_inbox_lists_conversations_with_labels_and_waiting_time(team, client_for, account):
    arrive(account, "Do you deliver to Leith?")
    html = client_for(team.viewer).get(reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})).content.decode()
    assert "Do you deliver to Leith?" in html and "label-question" in html and "waiting" in html
    assert 'aria-label="1 waiting"' in html


def test_html_in_names_and_messages_is_shown_inert(team, client_for, account):
    arrive(account, "<script>alert('x')</script> hello", handle="evil", name="<img src=x onerror=alert(1)>")
    client = client_for(team.staff)
    inbox = client.get(reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})).content.decode()
    talk = Conversation.objects.get()
    page = client.get(
        reverse("inbox:conversation", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk})
    ).content.decode()
    for html in (inbox, page):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_answering_from_the_conversation_page(team, client_for, account):
    arrive(account, "Are you open Sunday?")
    talk = Conversation.objects.get()
    url = reverse("inbox:conversation", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk})
    response = client_for(team.staff).post(url, {"text": "Yes, 9 to 1!"})
    assert response.status_code == 302
    assert SandboxPost.objects.get().text == "Yes, 9 to 1!"
    assert client_for(team.viewer).post(url, {"text": "sneaky"}).status_code == 403


def test_a_direct_message_is_answered_privately_never_with_a_public_post(team, client_for, account):
    arrive(account, "Can I change my booking?", handle="ann", kind="message")
    talk = Conversation.objects.get()
    url = reverse("inbox:conversation", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk})
    assert client_for(team.staff).post(url, {"text": "Of course, which day?"}).status_code == 302
    sent = SandboxPost.objects.get()
    assert sent.text == "Of course, which day?" and sent.direct_to == "ann"


def test_a_bad_answer_keeps_what_was_typed(team, client_for, account):
    arrive(account, "Hello?")
    talk = Conversation.objects.get()
    url = reverse("inbox:conversation", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk})
    response = client_for(team.staff).post(url, {"text": "y" * 600})
    assert response.status_code == 400 and "too long" in response.content.decode()
    assert "y" * 600 in response.content.decode()


def test_an_outsider_cannot_open_a_conversation(team, client_for, account):
    arrive(account, "Hi")
    talk = Conversation.objects.get()
    url = reverse("inbox:conversation", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk})
    assert client_for(team.outsider).get(url).status_code == 404


def test_filters_and_search(team, client_for, account):
    arrive(account, "Do you deliver?", handle="bo")
    arrive(account, "Lovely bread", handle="cy")
    client = client_for(team.staff)
    url = reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    assert "Lovely bread" not in client.get(url, {"label": "question"}).content.decode()
    assert "Do you deliver" not in client.get(url, {"q": "lovely"}).content.decode()


@pytest.mark.parametrize(
    "query, finds",
    [
        ("refund", True),
        ("REFUND policy", True),
        ("refund pol", True),  # the last word is read as the start of a word
        ("café", True),
        ("policy refund", True),  # every word, in any order
        ("refund lasagne", False),
        ('refund" OR "x', False),  # search syntax typed in is only words
        ("?!", True),  # no words at all: found by the characters themselves
        ("", True),
    ],
)
@pytest.mark.parametrize("few", [3000, 0])  # PostgreSQL: matches listed first, or too many for that
def test_search_finds_conversations_by_every_word_written_in_them(
    team, client_for, account, query, finds, few, monkeypatch
):
    monkeypatch.setattr("firsthand.inbox.search.FEW_MATCHES", few)
    arrive(account, "What is your REFUND policy at the Café?!", handle="bo")
    arrive(account, "Lovely bread", handle="cy")
    url = reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    page = client_for(team.staff).get(url, {"q": query}).content.decode()
    assert ("REFUND policy" in page) is finds
    assert ("Lovely bread" in page) is (query == "")


def test_the_sandbox_customer_can_be_simulated_for_practice(team, client_for, account):
    client_for(team.staff).post(
        reverse("inbox:simulate", kwargs={"slug": team.workspace.slug}),
        {"account": account.pk, "handle": "@dee", "text": "Is the cafe dog friendly?"},
    )
    ingest.poll(account)
    ingest.process_pending()
    assert Conversation.objects.get().person.handle == "dee"


def test_the_inbox_list_costs_the_same_queries_for_many_conversations(
    team, client_for, account, django_assert_max_num_queries
):
    for n in range(30):
        arrive(account, f"Question number {n}?", handle=f"person-{n}")
    client = client_for(team.staff)
    url = reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    client.get(url)  # warm the session
    with django_assert_max_num_queries(25):
        html = client.get(url).content.decode()
    assert "Question number 29?" in html


def test_a_long_inbox_comes_in_pages_with_anyone_past_the_target_on_the_first(team, client_for, account):
    from datetime import timedelta

    from django.utils import timezone

    from firsthand.inbox.views.pages import PAGE

    remote = SandboxAccount.objects.get(pk=int(account.remote_id))
    SandboxEvent.objects.bulk_create(
        SandboxEvent(account=remote, kind="mention", author_handle=f"asker{n}", text=f"Question number {n}?")
        for n in range(PAGE + 5)
    )
    SandboxEvent.objects.create(account=remote, kind="mention", author_handle="patient", text="Lovely bread")
    ingest.poll(account)
    ingest.process_pending()
    # The thank-you is the least urgent by label, but has waited a week: past any target.
    week_ago = timezone.now() - timedelta(days=7)
    Conversation.objects.filter(person__handle="patient").update(awaiting_since=week_ago, last_inbound_at=week_ago)
    Conversation.objects.exclude(person__handle="patient").update(awaiting_since=timezone.now())
    url = reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    client = client_for(team.staff)
    first = client.get(url).content.decode()
    assert "Lovely bread" in first and first.index("Lovely bread") < first.index("Question number")
    assert first.count('class="conversation-row') == PAGE + 1  # a page, and the overdue one above it
    assert "page=2" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('class="conversation-row') == 6  # the five questions left, and the thank-you in its place
    assert "page=3" not in second and "Most urgent" in second
    assert client.get(url, {"page": "junk"}).status_code == 200


def test_a_filter_or_the_live_refresh_gets_the_list_alone_without_the_page_frame(
    team, client_for, account, django_assert_max_num_queries
):
    arrive(account, "Is the terrace open tonight? " + "Lovely place. " * 20)
    client = client_for(team.staff)
    url = reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    whole = client.get(url).content.decode()
    with django_assert_max_num_queries(9):  # session, user, device, membership, targets, rows, late, tags
        partial = client.get(url, {"label": "question"}, HTTP_HX_REQUEST="true").content.decode()
    talk = Conversation.objects.get()
    for html in (whole, partial):
        assert f'href="/w/{team.workspace.slug}/inbox/{talk.pk}/"' in html
        assert "Is the terrace open tonight?" in html and "…" in html  # the long message cut short
        assert "waiting 0 min" in html
    assert "<nav" in whole and "sidebar" in whole
    assert "sidebar" not in partial and "<html" not in partial


def test_the_navigation_counts_what_waits_up_to_99_then_says_99_plus(team, client_for, account):
    remote = SandboxAccount.objects.get(pk=int(account.remote_id))
    SandboxEvent.objects.bulk_create(
        SandboxEvent(account=remote, kind="mention", author_handle=f"asker{n}", text=f"Question {n}?")
        for n in range(100)
    )
    ingest.poll(account)
    ingest.process_pending()
    url = reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    assert 'aria-label="99+ waiting"' in client_for(team.staff).get(url).content.decode()
    Conversation.objects.filter(pk=Conversation.objects.order_by("pk").first().pk).update(awaiting_since=None)
    assert 'aria-label="99 waiting"' in client_for(team.staff).get(url).content.decode()


def test_the_conversation_page_costs_the_same_queries_however_long_the_conversation(
    team, client_for, account, django_assert_max_num_queries
):
    from firsthand.inbox import escalations
    from firsthand.inbox.models import Escalation, Interaction, Note, Tag

    arrive(account, "Are you open Sunday?")
    talk = Conversation.objects.get()
    slug, pk = team.workspace.slug, talk.pk
    url = reverse("inbox:conversation", kwargs={"slug": slug, "conversation_id": pk})
    staff = client_for(team.staff)
    staff.get(url)  # warm the session

    def queries_for_the_page():
        with django_assert_max_num_queries(1000) as captured:
            assert staff.get(url).status_code == 200
        return len(captured.captured_queries)

    short = queries_for_the_page()
    # Answers by two teammates, more messages, notes, tags and a question for the owner, each
    # with its author to show.
    for n in range(4):
        client_for(team.owner).post(url, {"text": f"Yes, nine to one ({n})"})
        staff.post(url, {"text": f"And we bake bread until noon ({n})"})
        staff.post(reverse("inbox:note", kwargs={"slug": slug, "conversation_id": pk}), {"note": f"@owner note {n}"})
        staff.post(
            reverse("inbox:tag", kwargs={"slug": slug, "conversation_id": pk, "action": "add"}), {"tag": f"t{n}"}
        )
        arrive(account, f"Thanks! And on Monday? ({n})")
    escalations.escalate(team.membership("staff"), talk, "Can we open earlier for her?")
    assert Interaction.objects.filter(conversation=talk, direction="out").count() == 8
    assert Interaction.objects.filter(conversation=talk, direction="in").count() == 5
    assert Note.objects.filter(conversation=talk).count() == 4 and Tag.objects.filter(conversation=talk).count() == 4
    assert Escalation.objects.filter(conversation=talk).exists()

    # Not one query per message, note, tag or author. (client_for shares one client: sign the staff member in
    # again, since the owner's answers above signed the owner in, and an owner's page also counts approvals.)
    client_for(team.staff).get(url)  # and warm the new session, as above
    assert queries_for_the_page() == short
