import pytest

from firsthand.inbox import ingest, operations
from firsthand.inbox.models import AccountCursor, Conversation, Interaction, RawEvent
from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent, SandboxPost
from firsthand.networks.testing import connect_sandbox_account
from firsthand.publishing import engine
from firsthand.publishing import operations as publishing

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(team):
    return connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)


def customer_says(account, text, kind="mention", handle="ann", post=None):
    remote = SandboxAccount.objects.get(pk=int(account.remote_id))
    return SandboxEvent.objects.create(
        account=remote, kind=kind, author_handle=handle, author_name=handle.title(), text=text, post=post
    )


def test_items_are_stored_once_even_when_pages_repeat_or_come_back_in_another_order(team, account):
    first = customer_says(account, "Are you open on Sunday?")
    second = customer_says(account, "Love the rye!", handle="bo")
    ingest.poll(account)
    AccountCursor.objects.filter(account=account).update(cursor="")  # the network sends the same page again
    ingest.poll(account)
    assert RawEvent.objects.count() == 2
    # Reordered: the network answers with the newer item first this time.
    from firsthand.networks.sandbox import connector as sandbox

    original = sandbox.SandboxConnector.list_interactions

    def reversed_page(self, acc, cursor=""):
        page = original(self, acc, "")
        return type(page)(items=list(reversed(page.items)), cursor=page.cursor)

    sandbox.SandboxConnector.list_interactions = reversed_page
    try:
        ingest.poll(account)
    finally:
        sandbox.SandboxConnector.list_interactions = original
    assert RawEvent.objects.count() == 2
    ingest.process_pending()
    ingest.process_pending()
    assert Interaction.objects.count() == 2
    assert {first.remote_id, second.remote_id} == set(Interaction.objects.values_list("remote_id", flat=True))


def test_a_crash_between_storing_and_processing_loses_nothing_and_doubles_nothing(team, account):
    customer_says(account, "My order never arrived")
    ingest.poll(account)
    # The worker died here: the raw event is stored, nothing processed. The next worker carries on.
    ingest.process_pending()
    RawEvent.objects.update(processed_at=None)  # as if it died after filing but before marking
    ingest.process_pending()
    assert Interaction.objects.count() == 1
    conversation = Conversation.objects.get()
    assert "complaint" in conversation.labels and conversation.priority == 0


def test_one_batch_files_many_people_and_messages_as_one_at_a_time_would(team, account):
    # Filing is batched (a few queries per batch); the outcome must be what filing each in turn gives.
    customer_says(account, "Hi, earlier chat", handle="dee", kind="message")
    ingest.poll(account)
    ingest.process_pending()  # dee is known before the batch
    customer_says(account, "Earn $500 a day from home, click my profile", handle="spammy")
    customer_says(account, "Get 10k followers cheap, DM me", handle="spammy2")
    customer_says(account, "Sorry, that was my cousin. Are you open on Sunday?", handle="spammy2")
    customer_says(account, "Still there?", handle="dee", kind="message")
    customer_says(account, "Do you deliver?", handle="dee", kind="message")
    ingest.poll(account)
    assert ingest.process_pending() == 5
    by_handle = {c.person.handle: c for c in Conversation.objects.select_related("person")}
    assert by_handle["spammy"].status == Conversation.Status.HIDDEN
    assert by_handle["spammy2"].status == Conversation.Status.OPEN  # a real message brought it back
    dee = by_handle["dee"]
    assert dee.items.count() == 3 and "question" in dee.labels and dee.priority == 1
    first = dee.items.order_by("created_at").first()
    assert dee.awaiting_since == first.created_at  # asking again does not restart the clock
    assert Conversation.objects.filter(person__handle="dee").count() == 1


def test_triage_labels_and_priority_put_questions_and_complaints_first(team, account):
    customer_says(account, "Lovely bread today", handle="ann")
    customer_says(account, "Do you deliver to Leith?", handle="bo")
    customer_says(account, "Waited 40 minutes, cold coffee. Unacceptable.", handle="cy")
    ingest.poll(account)
    ingest.process_pending()
    order = list(Conversation.objects.order_by("priority", "last_inbound_at").values_list("person__handle", "labels"))
    assert order[0][0] == "cy" and "complaint" in order[0][1]
    assert order[1][0] == "bo" and "question" in order[1][1]


def test_replies_to_a_published_post_are_linked_to_it(team, account):
    delivery, ours = publish_now(team, account, "New menu!")
    customer_says(account, "Is the soup vegan?", kind="reply", post=ours)
    ingest.poll(account)
    ingest.process_pending()
    assert Conversation.objects.get().post == delivery


def publish_now(team, account, text):
    post = publishing.save_post(team.membership("owner"), accounts=[account], text=text)
    publishing.schedule(team.membership("owner"), post, None)
    engine.run_once("w1")
    return post.deliveries.get(), SandboxPost.objects.get(text=text)


def test_posts_are_watched_for_replies_where_the_network_only_tells_post_by_post(team, account, settings):
    from datetime import timedelta

    from django.utils import timezone

    from firsthand.inbox.models import PostWatch

    SandboxAccount.objects.filter(pk=int(account.remote_id)).update(replies_by_post=True)  # like a Facebook Page
    delivery, ours = publish_now(team, account, "New menu!")
    old_delivery, old = publish_now(team, account, "Last week's menu")
    type(old_delivery).objects.filter(pk=old_delivery.pk).update(published_at=timezone.now() - timedelta(hours=73))
    customer_says(account, "Is the soup vegan?", kind="comment", post=ours)
    customer_says(account, "Was it good?", kind="comment", post=old, handle="late")
    ingest.poll(account)
    assert RawEvent.objects.count() == 0  # the account's notifications do not carry comments here
    ingest.watch_due()
    ingest.process_pending()
    conversation = Conversation.objects.get()
    assert conversation.post == delivery and conversation.items.get().text == "Is the soup vegan?"
    assert not PostWatch.objects.filter(delivery=old_delivery).exists()  # past the 72 hours: no longer asked
    # The next look carries on from the cursor: nothing twice, the new comment once.
    PostWatch.objects.update(next_poll_at=timezone.now())
    customer_says(account, "And gluten-free?", kind="comment", post=ours)
    ingest.watch_due()
    ingest.process_pending()
    assert list(conversation.items.values_list("text", flat=True)) == ["Is the soup vegan?", "And gluten-free?"]


def test_networks_that_bring_replies_with_notifications_are_not_asked_post_by_post(team, account, monkeypatch):
    from firsthand.inbox.models import PostWatch
    from firsthand.networks.sandbox.connector import SandboxConnector

    delivery, _ = publish_now(team, account, "New menu!")
    asked = []
    monkeypatch.setattr(SandboxConnector, "list_replies", lambda self, *args: asked.append(args))
    ingest.watch_due()
    ingest.watch_due()
    assert PostWatch.objects.get(delivery=delivery).needed is False and asked == []


def test_a_malformed_item_is_kept_with_the_reason(team, account):
    RawEvent.objects.create(account=account, remote_id="weird", payload={"kind": "mention"})
    ingest.process_pending()
    raw = RawEvent.objects.get()
    assert raw.processed_at and "no kind or no author" in raw.error
    assert not Interaction.objects.exists()


def test_likes_and_follows_are_stored_but_start_no_conversation(team, account):
    customer_says(account, "", kind="like")
    customer_says(account, "", kind="follow")
    ingest.poll(account)
    ingest.process_pending()
    assert RawEvent.objects.count() == 2 and not Conversation.objects.exists()


def test_a_reply_goes_out_as_the_brand_records_its_author_and_stops_the_clock(team, account):
    event = customer_says(account, "Are you open on Sunday?")
    ingest.poll(account)
    ingest.process_pending()
    conversation = Conversation.objects.get()
    assert conversation.waiting_since is not None
    operations.reply(team.membership("staff"), conversation, "Yes, 9 to 1!")
    sent = SandboxPost.objects.get()
    assert sent.text == "Yes, 9 to 1!" and sent.reply_to is None  # sandbox mentions are not posts
    conversation.refresh_from_db()
    assert conversation.first_response_at and conversation.waiting_since is None
    assert Interaction.objects.get(direction="out").author == team.staff
    assert event.remote_id


def test_a_reply_that_is_too_long_or_empty_is_refused_and_nothing_is_sent(team, account):
    customer_says(account, "Hi?")
    ingest.poll(account)
    ingest.process_pending()
    conversation = Conversation.objects.get()
    for text, message in [("", "Write the answer"), ("x" * 501, "too long")]:
        with pytest.raises(operations.ReplyError, match=message):
            operations.reply(team.membership("staff"), conversation, text)
    assert not SandboxPost.objects.exists()


def test_the_post_page_shows_what_people_said_back(team, account, client_for):
    from django.urls import reverse

    post = publishing.save_post(team.membership("owner"), accounts=[account], text="New menu!")
    publishing.schedule(team.membership("owner"), post, None)
    engine.run_once("w1")
    customer_says(account, "Is the soup vegan?", kind="reply", handle="vee", post=SandboxPost.objects.get())
    ingest.poll(account)
    ingest.process_pending()
    html = (
        client_for(team.viewer)
        .get(reverse("publishing:post", kwargs={"slug": team.workspace.slug, "post_id": post.pk}))
        .content.decode()
    )
    assert "What people said" in html and "Vee" in html


def test_answers_can_be_signed_with_their_authors_initials(team, account):
    from firsthand.guard.models import BrandRules

    BrandRules.objects.create(workspace=team.workspace, sign_replies="initials")
    customer_says(account, "Open Sunday?")
    ingest.poll(account)
    ingest.process_pending()
    operations.reply(team.membership("staff"), Conversation.objects.get(), "Yes, 9 to 1!")
    assert SandboxPost.objects.get().text == "Yes, 9 to 1! ^SP"
