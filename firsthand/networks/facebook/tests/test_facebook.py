"""The Facebook Pages connector against a local Graph API built from Meta's documentation (see fake_server.py)."""

import html
import io
import json
import time
import uuid
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from firsthand.inbox import ingest, operations
from firsthand.inbox.models import Conversation, Interaction, RawEvent
from firsthand.networks import health
from firsthand.networks.base import Media, NetworkError, OutgoingPost
from firsthand.networks.facebook import graph
from firsthand.networks.facebook.connector import FacebookConnector
from firsthand.networks.facebook.tests import webhooks
from firsthand.networks.facebook.tests.fake_server import FakeFacebook
from firsthand.networks.models import ConnectedAccount, NetworkApp
from firsthand.networks.testing import connect_through_sign_in
from firsthand.publishing import engine
from firsthand.publishing.models import Delivery, Post
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db

facebook = FacebookConnector()


@pytest.fixture
def meta(settings):
    fake = FakeFacebook()
    settings.FACEBOOK_GRAPH_URL = fake.url
    settings.FACEBOOK_DIALOG_URL = fake.url
    yield fake
    fake.stop()


def connect(client, workspace, meta):
    return connect_through_sign_in(client, workspace, "facebook", "Facebook", meta.app_id, meta.app_secret)


@pytest.fixture
def shop(meta, team, client_for):
    page_id = meta.new_page("Corner Café")
    meta.granted_pages = [page_id]
    connect(client_for(team.owner), team.workspace, meta)
    return ConnectedAccount.objects.get(network="facebook")


def test_connecting_gives_each_page_chosen_in_facebooks_dialog_with_its_page_token(meta, team, client_for):
    cafe, bakery = meta.new_page("Corner Café"), meta.new_page("Corner Bakery")
    meta.granted_pages = [cafe, bakery]
    page = connect(client_for(team.owner), team.workspace, meta).content.decode()
    assert "Connected Corner Café" in html.unescape(page) and "Connected Corner Bakery" in html.unescape(page)
    accounts = {a.remote_id: a for a in ConnectedAccount.objects.filter(network="facebook")}
    assert accounts[cafe].credentials["page_token"] == f"page-token-{cafe}"
    assert f"page-token-{cafe}" not in accounts[cafe].credentials_encrypted
    exchanges = [r[2] for r in meta.requests if r[1].endswith("/oauth/access_token")]
    assert exchanges[1]["grant_type"] == "fb_exchange_token"  # the long-lived token, whose Page tokens last


def test_a_callback_with_a_wrong_state_or_no_page_connects_nothing(meta, team, client_for):
    client = client_for(team.owner)
    forged = client.get(
        reverse("networks:oauth_callback", kwargs={"network": "facebook"}), {"state": "x", "code": "y"}, follow=True
    )
    assert "not started here" in forged.content.decode()
    meta.granted_pages = []
    page = connect(client, team.workspace, meta).content.decode()
    assert "gave access to no Page" in html.unescape(page)
    assert not ConnectedAccount.objects.filter(network="facebook").exists()


def picture() -> str:
    data = io.BytesIO()
    Image.new("RGB", (30, 20), "teal").save(data, "PNG")
    return default_storage.save(f"test/{uuid.uuid4().hex}.png", data)


def test_posts_with_one_photo_several_photos_and_first_comments(meta, shop, team):
    one = Media(path=picture(), mime_type="image/png", alt_text="Teal door")
    single = facebook.publish(shop, OutgoingPost(text="Our door", idempotency_key="a", media=(one,)))
    photo = meta.objects[meta.objects[single.remote_id]["photo"]]
    assert photo["alt_text_custom"] == "Teal door" and photo["bytes"] > 0
    two = Media(path=picture(), mime_type="image/png")
    several = facebook.publish(shop, OutgoingPost(text="Both doors", idempotency_key="b", media=(one, two)))
    assert len(meta.objects[several.remote_id]["attached_media"]) == 2
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text="New menu!", follow_ups=["Soup: leek"])
    Delivery.objects.create(post=post, account=shop, state=State.SCHEDULED, due_at=timezone.now())
    engine.run_once("w1")
    delivery = Delivery.objects.get()
    assert delivery.state == State.PUBLISHED, delivery.last_error
    first, comment = delivery.remote_ids
    assert meta.comments[first] == [comment] and meta.objects[comment]["message"] == "Soup: leek"


def test_a_lost_answer_is_found_before_retrying_so_nothing_goes_out_twice(meta, shop, team):
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text="Exactly once on Facebook")
    delivery = Delivery.objects.create(post=post, account=shop, state=State.SCHEDULED, due_at=timezone.now())
    meta.lose_next_post_answer = True
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.RETRYING and delivery.needs_reconcile
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now(), due_at=timezone.now())
    engine.run_once("w2")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED
    made = meta.posts_of(shop.remote_id)
    assert [p["message"] for p in made] == ["Exactly once on Facebook"] and delivery.remote_ids == [made[0]["id"]]


def test_comments_are_read_post_by_post_answered_liked_and_hidden(meta, shop, team):
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text="Spring menu")
    Delivery.objects.create(post=post, account=shop, state=State.SCHEDULED, due_at=timezone.now())
    engine.run_once("w1")
    ours = Delivery.objects.get().remote_ids[0]
    asked = meta.comment(ours, "Ann Lee", "Is the soup vegan?")
    rude = meta.comment(ours, "Troll", "Buy followers at cheap-likes.example")
    ingest.watch_due()
    ingest.process_pending()
    talk = Conversation.objects.get(person__name="Ann Lee")
    assert talk.post == Delivery.objects.get() and talk.items.get().text == "Is the soup vegan?"
    operations.reply(team.membership("staff"), talk, "Yes, all of it!")
    answer = meta.comments[asked][0]
    assert meta.objects[answer]["message"] == "Yes, all of it!" and meta.objects[answer]["from"]["id"] == shop.remote_id
    facebook.like(shop, asked)
    facebook.hide(shop, rude)
    assert asked in meta.likes and meta.objects[rude]["is_hidden"] is True
    # The next look starts after the last comment read: nothing twice, and the Page's own answer is not a customer's.
    from firsthand.inbox.models import PostWatch

    PostWatch.objects.update(next_poll_at=timezone.now())
    meta.comment(ours, "Bo", "And gluten-free?")
    assert ingest.watch_due() == 1


def test_a_comment_is_hidden_on_facebook_from_the_conversation_and_stays_in_the_inbox(meta, shop, team, client_for):
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text="Spring menu")
    Delivery.objects.create(post=post, account=shop, state=State.SCHEDULED, due_at=timezone.now())
    engine.run_once("w1")
    rude = meta.comment(Delivery.objects.get().remote_ids[0], "Troll", "You are all idiots")
    ingest.watch_due()
    ingest.process_pending()
    talk = Conversation.objects.get()
    item = talk.items.get()
    client = client_for(team.staff)
    page_url = reverse("inbox:conversation", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk})
    assert "Hide on Facebook" in client.get(page_url).content.decode()
    hide_url = reverse(
        "inbox:hide_item", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk, "item_id": item.pk}
    )
    client.post(hide_url)
    assert meta.objects[rude]["is_hidden"] is True
    item.refresh_from_db()
    assert item.hidden_on_network_by == team.staff and item.text == "You are all idiots"  # kept here
    assert "Hidden on Facebook by" in client.get(page_url).content.decode()
    assert client_for(team.viewer).post(hide_url).status_code == 403


def test_the_webhook_answers_facebooks_handshake_and_takes_only_signed_events(meta, shop, client):
    app = NetworkApp.objects.get(network="facebook")
    assert webhooks.handshake(client, app).content == b"1158201444"
    assert webhooks.handshake(client, app, token="guess").status_code == 403
    event = {
        "object": "page",
        "entry": [
            {
                "id": shop.remote_id,
                "time": int(time.time()),
                "changes": [
                    {
                        "field": "feed",
                        "value": {
                            "item": "comment",
                            "verb": "add",
                            "comment_id": "111_222",
                            "post_id": f"{shop.remote_id}_111",
                            "from": {"id": "4242", "name": "Cy Doe"},
                            "message": "<script>alert(1)</script> love it",
                            "created_time": int(time.time()),
                        },
                    }
                ],
                "messaging": [
                    {
                        "sender": {"id": "5151"},
                        "recipient": {"id": shop.remote_id},
                        "timestamp": int(time.time() * 1000),
                        "message": {"mid": "m_abc", "text": "Table for two?"},
                    }
                ],
            }
        ],
    }
    forged = webhooks.deliver(client, app, event, secret="nope")
    assert forged.status_code == 403 and not RawEvent.objects.exists()
    for _ in range(2):  # Facebook retries what it thinks was not received: kept once
        assert webhooks.deliver(client, app, event).status_code == 200
    ingest.process_pending()
    assert sorted(Interaction.objects.values_list("kind", "text")) == [
        ("comment", "<script>alert(1)</script> love it"),
        ("message", "Table for two?"),
    ]


@pytest.mark.parametrize(
    "junk",
    [
        [],
        "text",
        {"entry": "not a list"},
        {"entry": [None, "x", {"id": "PAGE", "changes": "no", "messaging": [None, {"message": "no"}]}]},
        {"entry": [{"id": "PAGE", "changes": [{"field": "feed", "value": ["odd"]}, None]}]},
        {
            "entry": [
                {"id": "PAGE", "messaging": [{"sender": {"id": "77"}, "timestamp": "soon", "message": {"mid": "m1"}}]}
            ]
        },
    ],
)
def test_an_odd_webhook_payload_is_acknowledged_and_loses_nothing(meta, shop, client, junk):
    """Meta resends what is not acknowledged: an odd payload is taken and whatever is readable kept."""
    app = NetworkApp.objects.get(network="facebook")
    body = json.dumps(junk).replace("PAGE", shop.remote_id).encode()
    assert webhooks.deliver(client, app, body).status_code == 200
    kept = list(RawEvent.objects.values_list("remote_id", flat=True))
    # The only readable item among these: a message with a time that cannot be read (taken as now).
    assert kept == (["m:m1"] if "soon" in body.decode() else [])
    ingest.process_pending()
    assert Interaction.objects.count() == len(kept)


def test_messenger_conversations_are_read_and_answered_privately(meta, shop, team):
    meta.messenger(shop.remote_id, "5151", "Dee", "Do you deliver?")
    ingest.poll(shop)
    ingest.process_pending()
    talk = Conversation.objects.get(kind="message")
    operations.reply(team.membership("staff"), talk, "Yes, within 3 km.")
    assert meta.sent_messages == [
        {"page": shop.remote_id, "to": "5151", "text": "Yes, within 3 km.", "type": "RESPONSE"}
    ]
    assert ingest.poll(shop) == 0  # nothing new, nothing twice


def test_a_rate_limit_waits_as_long_as_facebook_says(meta, shop):
    meta.rate_limited = True
    with pytest.raises(NetworkError) as limited:
        facebook.list_interactions(shop)
    assert limited.value.transient and limited.value.retry_at.timestamp() > time.time() + 41 * 60


def test_a_revoked_page_token_marks_the_account_for_reconnecting(meta, shop, team):
    meta.revoke()
    health.check_due()
    shop.refresh_from_db()
    assert shop.needs_reconnect and "connect it again" in shop.health_reason


def test_deleting_a_post_and_a_post_already_gone(meta, shop):
    made = facebook.publish(shop, OutgoingPost(text="Oops", idempotency_key="d")).remote_id
    facebook.delete(shop, made)
    facebook.delete(shop, made)  # already gone: done
    assert facebook.fetch_post(shop, made).exists is False


def test_the_graph_api_version_is_pinned_and_not_past_its_end_of_life():
    # developers.facebook.com/docs/graph-api/changelog/versions: v25.0 is available until 29 July 2028.
    assert graph.VERSION == "v25.0"
    assert date.today() < graph.END_OF_LIFE, f"Graph API {graph.VERSION} has reached its end of life: upgrade it"


def test_the_page_token_travels_in_a_header_not_in_the_url(meta, shop, team):
    facebook.publish(shop, OutgoingPost(text="Open at nine", idempotency_key="header"))
    calls = [r for r in meta.requests if not r[1].endswith("/oauth/access_token")]  # Meta's token exchange
    assert calls and not [r for r in calls if "access_token" in r[2]]  # query and body, as the fake saw them


def test_a_signed_delivery_nested_100000_deep_is_refused_in_words(meta, shop, client):
    app = NetworkApp.objects.get(network="facebook")
    response = webhooks.deliver(client, app, b"[" * 100_000 + b"]" * 100_000)
    assert response.status_code == 400 and b"nested too deeply" in response.content
    assert not RawEvent.objects.exists()
