"""The Instagram connector against a local Graph API built from Meta's documentation (see fake_server.py)."""

import html
import io
import json
import time
import uuid
from urllib.parse import urlsplit

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
from firsthand.networks.facebook.webhook import store, verify_token
from firsthand.networks.instagram.connector import InstagramConnector
from firsthand.networks.instagram.tests.fake_server import FakeInstagram
from firsthand.networks.models import ConnectedAccount, NetworkApp
from firsthand.networks.testing import connect_through_sign_in
from firsthand.publishing import engine
from firsthand.publishing.models import Delivery, MediaFile, Post, PostMedia
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db

instagram = InstagramConnector()


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    """Instagram's container status is polled with pauses; the local one needs none."""
    monkeypatch.setattr(InstagramConnector, "wait", staticmethod(lambda seconds: None))


@pytest.fixture
def meta(settings):
    fake = FakeInstagram()
    settings.FACEBOOK_GRAPH_URL = fake.url
    settings.FACEBOOK_DIALOG_URL = fake.url
    settings.BASE_URL = "https://shop.example"
    yield fake
    fake.stop()


def connect(client, workspace, meta):
    return connect_through_sign_in(client, workspace, "instagram", "Instagram", meta.app_id, meta.app_secret)


@pytest.fixture
def shop(meta, team, client_for):
    page_id = meta.new_page("Corner Café")
    meta.new_ig(page_id, "cornercafe")
    meta.granted_pages = [page_id]
    connect(client_for(team.owner), team.workspace, meta)
    return ConnectedAccount.objects.get(network="instagram")


def picture() -> str:
    data = io.BytesIO()
    Image.new("RGB", (30, 20), "teal").save(data, "JPEG")
    return default_storage.save(f"test/{uuid.uuid4().hex}.jpg", data)


def test_connecting_finds_the_instagram_account_linked_to_each_page_given(meta, team, client_for, shop):
    assert shop.handle == "@cornercafe" and shop.credentials["ig_user_id"] == shop.remote_id
    lonely = meta.new_page("No Instagram here")
    meta.granted_pages = [lonely]
    page = connect(client_for(team.owner), team.workspace, meta).content.decode()
    assert "has a linked Instagram professional account" in html.unescape(page)
    assert ConnectedAccount.objects.filter(network="instagram").count() == 1


def test_an_image_post_is_made_in_two_steps_from_a_public_address_that_serves_the_image(meta, shop, client):
    image = Media(path=picture(), mime_type="image/jpeg", alt_text="Teal door")
    made = instagram.publish(shop, OutgoingPost(text="Our door #cafe", idempotency_key="a", media=(image,)))
    media = meta.objects[made.remote_id]
    assert media["caption"] == "Our door #cafe" and made.url.endswith(f"/p/{made.remote_id}/")
    container = meta.containers[media["container"]]
    assert container["alt_text"] == "Teal door"
    url = meta.fetched_urls[0]
    assert url.startswith("https://shop.example/networks/media/")
    served = client.get(urlsplit(url).path)  # what Instagram would fetch
    assert served.status_code == 200 and b"".join(served.streaming_content) == default_storage.open(image.path).read()
    assert client.get(urlsplit(url).path[:-3] + "xyz/").status_code == 404  # a tampered address serves nothing


def test_a_carousel_and_a_post_without_an_image(meta, shop):
    images = tuple(Media(path=picture(), mime_type="image/jpeg") for _ in range(3))
    made = instagram.publish(shop, OutgoingPost(text="Three breads", idempotency_key="c", media=images))
    assert meta.objects[made.remote_id]["media_type"] == "CAROUSEL_ALBUM"
    with pytest.raises(NetworkError, match="needs an image"):
        instagram.publish(shop, OutgoingPost(text="Words only", idempotency_key="w"))


def test_without_a_public_address_the_post_fails_with_the_reason(meta, shop, settings):
    settings.BASE_URL = ""
    with pytest.raises(NetworkError, match="FIRSTHAND_BASE_URL") as refused:
        instagram.publish(
            shop, OutgoingPost(text="x", idempotency_key="n", media=(Media(path=picture(), mime_type="image/jpeg"),))
        )
    assert not refused.value.transient


def test_a_scheduled_post_goes_out_through_the_engine_once(meta, shop, team):
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text="Fresh sourdough")
    image = MediaFile.objects.create(
        workspace=team.workspace, file=picture(), mime_type="image/jpeg", size=100, width=30, height=20
    )
    PostMedia.objects.create(post=post, media=image)
    Delivery.objects.create(post=post, account=shop, state=State.SCHEDULED, due_at=timezone.now())
    engine.run_once("w1")
    delivery = Delivery.objects.get()
    assert delivery.state == State.PUBLISHED, delivery.last_error
    assert [m["caption"] for m in meta.media_of(shop.remote_id)] == ["Fresh sourdough"]
    assert instagram.find_published(shop, delivery.part_key(0)).remote_id == delivery.remote_ids[0]


def test_comments_are_read_media_by_media_answered_as_replies_and_hidden(meta, shop, team):
    image = Media(path=picture(), mime_type="image/jpeg")
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text="New menu")
    made = instagram.publish(shop, OutgoingPost(text="New menu", idempotency_key="m", media=(image,)))
    Delivery.objects.create(
        post=post, account=shop, state=State.PUBLISHED, published_at=timezone.now(), remote_ids=[made.remote_id]
    )
    asked = meta.ig_comment(made.remote_id, "ann.lee", "Is it vegan?")
    ingest.watch_due()
    ingest.process_pending()
    talk = Conversation.objects.get()
    assert talk.person.handle == "ann.lee" and talk.post.post == post
    operations.reply(team.membership("staff"), talk, "Yes!")
    assert meta.objects[asked]["replies"][0]["text"] == "Yes!"
    instagram.hide(shop, asked)
    assert meta.objects[asked]["hidden"] is True


def test_what_instagrams_api_does_not_allow_is_said_plainly(meta, shop):
    with pytest.raises(NetworkError, match="does not delete posts"):
        instagram.delete(shop, "123")
    assert "not read yet" in instagram.list_interactions(shop).limitation


def test_a_rate_limit_and_a_revoked_page_token(meta, shop):
    meta.rate_limited = True
    with pytest.raises(NetworkError) as limited:
        instagram.refresh_credentials(shop)
    assert limited.value.transient and "Instagram's rate limit" in limited.value.message
    meta.rate_limited = False
    meta.revoke()
    health.check_due()
    shop.refresh_from_db()
    assert shop.needs_reconnect and "Instagram no longer accepts" in shop.health_reason


def test_comments_come_in_pages(meta, shop):
    made = instagram.publish(
        shop, OutgoingPost(text="Menu", idempotency_key="pg", media=(Media(path=picture(), mime_type="image/jpeg"),))
    )
    for n in range(60):
        meta.ig_comment(made.remote_id, f"fan{n}", f"comment {n}")
    first = instagram.list_replies(shop, made.remote_id)
    second = instagram.list_replies(shop, made.remote_id, first.cursor)
    assert [i.text for i in first.items + second.items] == [f"comment {n}" for n in range(60)]
    assert instagram.list_replies(shop, made.remote_id, second.cursor).items == []


def test_a_comment_arrives_at_once_through_the_signed_webhook_and_is_kept_once(meta, shop, team, client, client_for):
    """developers.facebook.com/docs/instagram-platform/webhooks/examples (the comments payload) and
    .../graph-api/webhooks/getting-started (the hub.* handshake, X-Hub-Signature-256)."""
    image = Media(path=picture(), mime_type="image/jpeg")
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text="New menu")
    made = instagram.publish(shop, OutgoingPost(text="New menu", idempotency_key="m", media=(image,)))
    Delivery.objects.create(
        post=post, account=shop, state=State.PUBLISHED, published_at=timezone.now(), remote_ids=[made.remote_id]
    )
    app = NetworkApp.objects.get(network="instagram")
    assert webhooks.handshake(client, app, challenge="15").content == b"15"
    assert webhooks.handshake(client, app, token="guess").status_code == 403
    setup = client_for(team.owner).get(reverse("networks:app_setup", args=[team.workspace.slug, "instagram"]))
    assert webhooks.address(app) in setup.content.decode() and verify_token(app) in setup.content.decode()

    asked = meta.ig_comment(made.remote_id, "ann.lee", "Is the <b>soup</b> vegan?")
    comment = {"id": asked, "text": "Is the <b>soup</b> vegan?", "media": {"id": made.remote_id}}
    event = {
        "object": "instagram",
        "entry": [
            {
                "id": shop.remote_id,
                "time": int(time.time()),
                "changes": [
                    {"field": "comments", "value": {**comment, "from": {"id": "4242", "username": "ann.lee"}}},
                    # The account's own answer comes back the same way: not a customer's comment.
                    {"field": "comments", "value": {"id": "17990002", "text": "Yes!", "from": {"id": shop.remote_id}}},
                    {"field": "mentions", "value": {"media_id": "1", "comment_id": "2"}},
                ],
            },
            {"id": "another-account", "changes": [{"field": "comments", "value": {"id": "9", "from": {"id": "1"}}}]},
        ],
    }
    assert webhooks.deliver(client, app, event, secret="nope").status_code == 403 and not RawEvent.objects.exists()
    for _ in range(2):  # Meta sends again what it thinks was not received: kept once
        assert webhooks.deliver(client, app, event).status_code == 200
    assert RawEvent.objects.count() == 1
    ingest.process_pending()
    talk = Conversation.objects.get()
    assert talk.person.handle == "ann.lee" and talk.post.post == post
    assert talk.items.get().text == "Is the <b>soup</b> vegan?"

    # The watch on the post reads the same comment a minute later: still one.
    assert ingest.watch_due() == 1  # read again, under the same id
    ingest.process_pending()
    assert talk.items.count() == 1 and RawEvent.objects.count() == 1

    assert webhooks.deliver(client, app, b"not json").status_code == 400 and RawEvent.objects.count() == 1


@pytest.mark.parametrize(
    "junk",
    [
        "text",
        {"entry": [None, {"id": "IG", "changes": "no"}]},
        {"entry": [{"id": "IG", "changes": [None, {"field": "comments", "value": "no"}]}]},
        {"entry": [{"id": "IG", "changes": [{"field": "comments", "value": {"id": "5", "from": "x", "media": 3}}]}]},
    ],
)
def test_an_odd_instagram_webhook_payload_is_taken_without_a_crash(meta, shop, junk):
    payload = json.loads(json.dumps(junk).replace('"IG"', json.dumps(shop.remote_id)))
    stored = store(NetworkApp.objects.get(network="instagram"), payload)
    assert stored == (1 if '"id": "5"' in json.dumps(junk) else 0)  # a comment with odd parts is still a comment


def test_direct_messages_are_read_and_answered_privately(meta, shop, team):
    """developers.facebook.com/docs/messenger-platform/conversations (platform=instagram) and the Send API."""
    page_id = shop.credentials["page_id"]
    meta.ig_message(page_id, "igsid-51", "dee.bakes", "Do you do birthday cakes?")
    ingest.poll(shop)
    ingest.process_pending()
    talk = Conversation.objects.get()
    assert talk.kind == "message" and talk.post is None and "question" in talk.labels
    assert talk.person.name == "dee.bakes" and talk.person.handle == "igsid-51"  # answers go to the scoped id
    operations.reply(team.membership("staff"), talk, "Yes, order three days ahead.")
    assert meta.sent_messages == [
        {"page": page_id, "to": "igsid-51", "text": "Yes, order three days ahead.", "type": "RESPONSE"}
    ]
    assert ingest.poll(shop) == 0  # nothing new, nothing twice
    assert "Instagram mentions are not read yet." in AccountCursor.objects.get(account=shop).limitation


def test_without_the_messages_permission_the_account_says_so_in_instagrams_words(meta, shop):
    meta.ig_messages_refused = True
    ingest.poll(shop)
    cursor = AccountCursor.objects.get(account=shop)
    assert "does not let the app read this account's direct messages" in cursor.limitation
    assert "does not have permission" in cursor.limitation and cursor.error == ""


def test_a_direct_message_through_the_webhook_and_the_poll_is_kept_once(meta, shop, client):
    """instagram-platform/webhooks/examples: the messaging payload (sender, recipient, timestamp, message)."""
    page_id = shop.credentials["page_id"]
    mid = meta.ig_message(page_id, "igsid-9", "cy", "Is the café open?")
    app = NetworkApp.objects.get(network="instagram")
    event = {
        "object": "instagram",
        "entry": [
            {
                "id": shop.remote_id,
                "time": int(time.time()),
                "messaging": [
                    {
                        "sender": {"id": "igsid-9"},
                        "recipient": {"id": shop.remote_id},
                        "timestamp": int(time.time() * 1000),
                        "message": {"mid": mid, "text": "Is the café open?"},
                    },
                    {  # our own answer, echoed back
                        "sender": {"id": shop.remote_id},
                        "recipient": {"id": "igsid-9"},
                        "timestamp": int(time.time() * 1000),
                        "message": {"mid": "echo-1", "text": "Yes", "is_echo": True},
                    },
                ],
            }
        ],
    }
    assert webhooks.deliver(client, app, event).status_code == 200
    ingest.poll(shop)
    assert list(RawEvent.objects.values_list("remote_id", flat=True)) == [f"m:{mid}"]
    ingest.process_pending()
    assert Conversation.objects.get().kind == "message"


def test_a_first_comment_goes_under_the_media_and_a_lost_one_is_found_not_sent_twice(meta, shop, team):
    from datetime import timedelta

    from firsthand.publishing import comments
    from firsthand.publishing.states import CommentState

    post = Post.objects.create(
        workspace=team.workspace, author=team.owner, text="Fresh sourdough", first_comment="#sourdough #bakery"
    )
    image = MediaFile.objects.create(
        workspace=team.workspace, file=picture(), mime_type="image/jpeg", size=100, width=30, height=20
    )
    PostMedia.objects.create(post=post, media=image)
    delivery = Delivery.objects.create(post=post, account=shop, state=State.SCHEDULED, due_at=timezone.now())
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.comment_state == CommentState.SENT, delivery.comment_error
    media_id = delivery.remote_ids[0]
    mine = [meta.objects[c] for c in meta.comments[media_id]]
    assert [(c["text"], c["from"]["id"]) for c in mine] == [("#sourdough #bakery", shop.remote_id)]

    # A worker that died after Instagram made the comment, before firsthand recorded it.
    Delivery.objects.filter(pk=delivery.pk).update(
        comment_state=CommentState.SENDING, comment_remote_id="", claimed_until=timezone.now() - timedelta(seconds=1)
    )
    meta.ig_comment(media_id, "a_customer", "#sourdough #bakery")  # the same words from someone else
    comments.run_once("w2")
    delivery.refresh_from_db()
    assert delivery.comment_state == CommentState.SENT and delivery.comment_remote_id == mine[0]["id"]
    assert len(meta.comments[media_id]) == 2  # nothing sent again
