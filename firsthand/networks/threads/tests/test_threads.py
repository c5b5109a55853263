"""The Threads connector against a local Threads API built from Meta's documentation (see fake_server.py)."""

import io
import json
import time
import uuid

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from firsthand.inbox import ingest, operations
from firsthand.inbox.models import AccountCursor, Conversation, RawEvent
from firsthand.networks import health
from firsthand.networks.base import Media, NetworkError, OutgoingPost
from firsthand.networks.facebook.tests import webhooks
from firsthand.networks.facebook.webhook import store
from firsthand.networks.models import ConnectedAccount, NetworkApp
from firsthand.networks.testing import connect_through_sign_in
from firsthand.networks.threads.connector import ThreadsConnector
from firsthand.networks.threads.tests.fake_server import FakeThreads
from firsthand.publishing import engine
from firsthand.publishing.models import Delivery, Post
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db

threads = ThreadsConnector()


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr(ThreadsConnector, "wait", staticmethod(lambda seconds: None))


@pytest.fixture
def meta(settings):
    fake = FakeThreads()
    settings.THREADS_API_URL = fake.url
    settings.THREADS_AUTHORIZE_URL = f"{fake.url}/oauth/authorize"
    settings.BASE_URL = "https://shop.example"
    yield fake
    fake.stop()


@pytest.fixture
def shop(meta, team, client_for):
    meta.signing_in_as = meta.new_user("cornercafe")
    connect_through_sign_in(client_for(team.owner), team.workspace, "threads", "Threads", meta.app_id, meta.app_secret)
    return ConnectedAccount.objects.get(network="threads")


def picture() -> str:
    data = io.BytesIO()
    Image.new("RGB", (30, 20), "teal").save(data, "PNG")
    return default_storage.save(f"test/{uuid.uuid4().hex}.png", data)


def test_connecting_keeps_a_long_lived_token(meta, shop):
    assert shop.handle == "@cornercafe" and shop.credentials["expires_at"] > time.time() + 59 * 24 * 3600


def test_text_and_image_posts_and_a_thread_go_out_in_two_steps(meta, shop, team):
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text="Open late", follow_ups=["Until 10!"])
    Delivery.objects.create(post=post, account=shop, state=State.SCHEDULED, due_at=timezone.now())
    engine.run_once("w1")
    delivery = Delivery.objects.get()
    assert delivery.state == State.PUBLISHED, delivery.last_error
    first, second = (meta.media[i] for i in delivery.remote_ids)
    assert first["text"] == "Open late" and second["reply_to"] == first["id"]
    image = Media(path=picture(), mime_type="image/png", alt_text="Teal door")
    made = threads.publish(shop, OutgoingPost(text="Our door", idempotency_key="i", media=(image,)))
    container = meta.containers[meta.media[made.remote_id]["container"]]
    assert container["media_type"] == "IMAGE" and container["alt_text"] == "Teal door"
    assert container["image_url"].startswith("https://shop.example/networks/media/")


def test_a_lost_publish_is_found_before_retrying(meta, shop):
    threads.publish(shop, OutgoingPost(text="Exactly once", idempotency_key="k"))
    found = threads.find_published(shop, "k")
    assert found and meta.media[found.remote_id]["text"] == "Exactly once"
    assert threads.find_published(shop, "never-tried") is None


def test_replies_are_read_post_by_post_answered_and_hidden(meta, shop, team):
    made = threads.publish(shop, OutgoingPost(text="Spring menu", idempotency_key="s"))
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text="Spring menu")
    Delivery.objects.create(
        post=post, account=shop, state=State.PUBLISHED, published_at=timezone.now(), remote_ids=[made.remote_id]
    )
    asked = meta.someone_replies(made.remote_id, "ann", "Vegan options?")
    ingest.watch_due()
    ingest.process_pending()
    talk = Conversation.objects.get()
    operations.reply(team.membership("staff"), talk, "Yes, three!")
    answers = [m for m in meta.posts_of(shop.remote_id) if m.get("reply_to") == asked]
    assert [a["text"] for a in answers] == ["Yes, three!"]
    threads.hide(shop, asked)
    assert meta.media[asked]["hidden"] is True


def test_the_token_is_renewed_in_its_last_week_and_an_expired_one_asks_to_reconnect(meta, shop):
    shop.credentials = {**shop.credentials, "expires_at": time.time() + 3 * 24 * 3600}
    shop.save()
    old = shop.credentials["access_token"]
    health.check_due()
    shop.refresh_from_db()
    assert shop.credentials["access_token"] != old and not shop.needs_reconnect
    shop.credentials = {**shop.credentials, "expires_at": time.time() - 1}
    with pytest.raises(NetworkError, match="run out") as expired:
        threads.publish(shop, OutgoingPost(text="x", idempotency_key="e"))
    assert expired.value.auth


def test_deleting_and_what_threads_does_not_allow(meta, shop):
    made = threads.publish(shop, OutgoingPost(text="Oops", idempotency_key="d")).remote_id
    threads.delete(shop, made)
    threads.delete(shop, made)
    assert threads.fetch_post(shop, made).exists is False
    with pytest.raises(NetworkError, match="does not let"):
        threads.like(shop, made)


def test_replies_come_in_pages_and_a_rate_limit_waits(meta, shop, monkeypatch):
    made = threads.publish(shop, OutgoingPost(text="Menu", idempotency_key="pg")).remote_id
    for n in range(70):
        meta.someone_replies(made, f"fan{n}", f"reply {n}")
    first = threads.list_replies(shop, made)
    second = threads.list_replies(shop, made, first.cursor)
    assert [i.text for i in first.items + second.items] == [f"reply {n}" for n in range(70)]
    assert threads.list_replies(shop, made, second.cursor).items == []
    original = meta.route

    def limited(request, method):
        meta.body(request)
        return meta.send(request, 400, {"error": {"message": "Application request limit reached", "code": 4}})

    monkeypatch.setattr(meta, "route", limited)
    with pytest.raises(NetworkError) as stopped:
        threads.list_replies(shop, made)
    assert stopped.value.transient and stopped.value.retry_at is not None
    monkeypatch.setattr(meta, "route", original)


def test_a_reply_arrives_at_once_through_the_signed_webhook_and_is_kept_once(meta, shop, team, client, client_for):
    """developers.facebook.com/docs/threads/webhooks: the replies field's notification, one per request,
    signed with the app secret (X-Hub-Signature-256) after the hub.* handshake."""
    made = threads.publish(shop, OutgoingPost(text="Spring menu", idempotency_key="s"))
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text="Spring menu")
    Delivery.objects.create(
        post=post, account=shop, state=State.PUBLISHED, published_at=timezone.now(), remote_ids=[made.remote_id]
    )
    app = NetworkApp.objects.get(network="threads")
    assert webhooks.handshake(client, app, challenge="77").content == b"77"
    assert webhooks.handshake(client, app, token="guess").status_code == 403
    setup = client_for(team.owner).get(reverse("networks:app_setup", args=[team.workspace.slug, "threads"]))
    assert webhooks.address(app) in setup.content.decode()

    asked = meta.someone_replies(made.remote_id, "ann", "Vegan options?")
    root = {"id": made.remote_id, "owner_id": shop.remote_id, "username": "cornercafe"}

    def note(value):
        return {
            "app_id": meta.app_id,
            "topic": "moderate",
            "target_id": shop.remote_id,
            "time": int(time.time()),
            "values": {"field": "replies", "value": {"root_post": root, "replied_to": {"id": made.remote_id}, **value}},
        }

    def send(payload):
        return webhooks.deliver(client, app, payload)

    reply = {"id": asked, "username": "ann", "text": "Vegan options?", "timestamp": "2026-11-24T10:33:16+0000"}
    for _ in range(2):  # sent again by Meta: kept once
        assert send(note(reply)).status_code == 200
    assert send(note({"id": "own-1", "username": "cornercafe", "text": "Yes!"})).status_code == 200  # our answer
    stranger = note({"id": "x-1", "username": "bo", "text": "hi"})
    stranger["values"]["value"]["root_post"] = {"id": "9", "owner_id": "someone-else"}
    stranger["target_id"] = "someone-else"
    assert send(stranger).status_code == 200
    assert RawEvent.objects.count() == 1
    ingest.process_pending()
    talk = Conversation.objects.get()
    assert talk.person.handle == "ann" and talk.post.post == post and talk.items.get().text == "Vegan options?"

    assert ingest.watch_due() == 1  # the watch on the post reads the same reply: still one
    ingest.process_pending()
    assert talk.items.count() == 1 and RawEvent.objects.count() == 1


@pytest.mark.parametrize(
    "junk",
    [
        "text",
        [None, {"values": "no"}],
        {"values": {"field": "replies", "value": "no"}},
        {"values": {"field": "replies", "value": {"id": "1", "root_post": "no"}}, "target_id": "USER"},
        {"values": {"field": "mentions", "value": {"id": "1"}}, "target_id": "USER"},
    ],
)
def test_an_odd_threads_webhook_payload_is_taken_without_a_crash(meta, shop, junk):
    payload = json.loads(json.dumps(junk).replace("USER", shop.remote_id))
    stored = store(NetworkApp.objects.get(network="threads"), payload)
    # Only a reply under a root post that cannot be read still counts, filed under no post.
    assert stored == (1 if "root_post" in json.dumps(junk) else 0)


def test_mentions_are_read_in_order_from_where_the_last_read_stopped_and_answered(meta, shop, team):
    """developers.facebook.com/docs/threads/threads-mentions: /{user}/mentions with since and cursor paging."""
    long_ago = time.time() - 3600
    for n in range(60):  # more than one page of 50
        meta.someone_mentions(shop.remote_id, f"fan{n}", f"@cornercafe loved it ({n})", at=long_ago + n)
    ingest.poll(shop)
    ingest.process_pending()
    assert Conversation.objects.count() == 60
    assert AccountCursor.objects.get(account=shop).limitation == ""

    asked = meta.someone_mentions(shop.remote_id, "dee", "@cornercafe open on Sunday?")
    # From the second of the newest read: the new one, and that newest again, which is kept once.
    assert ingest.poll(shop) == 2
    assert RawEvent.objects.filter(account=shop).count() == 61
    ingest.process_pending()
    talk = Conversation.objects.get(person__handle="dee")
    assert "question" in talk.labels and talk.kind == "mention"
    operations.reply(team.membership("staff"), talk, "Yes, 9 to 1!")
    assert [m["text"] for m in meta.posts_of(shop.remote_id) if m.get("reply_to") == asked] == ["Yes, 9 to 1!"]
    assert Conversation.objects.count() == 61


def test_without_the_mentions_permission_the_account_says_so_in_threads_words(meta, shop):
    meta.mentions_refused = True
    ingest.poll(shop)
    cursor = AccountCursor.objects.get(account=shop)
    assert "does not let the app read this account's mentions" in cursor.limitation
    assert "does not have permission" in cursor.limitation and cursor.error == ""
