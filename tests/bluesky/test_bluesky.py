"""Bluesky, end to end against the reference AT Protocol network (@atproto/dev-env: PLC, PDS and AppView).

Nothing here is a fake: firsthand's connector talks XRPC to a real PDS, and what it wrote is read back
from the PDS and the AppView. API pages followed: docs.bsky.app (com.atproto.server.createSession,
com.atproto.repo.createRecord/getRecord/deleteRecord/listRecords, app.bsky.notification.listNotifications,
app.bsky.graph.getFollowers) and https://docs.bsky.app/docs/advanced-guides/posts (facets, images, replies).
"""

import io
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from firsthand.inbox import ingest
from firsthand.inbox.models import Conversation, Interaction
from firsthand.networks import health
from firsthand.networks.base import Media, NetworkError, OutgoingPost
from firsthand.networks.bluesky.connector import BlueskyConnector
from firsthand.networks.models import ConnectedAccount
from firsthand.notices.models import Notice
from firsthand.publishing import engine
from firsthand.publishing.models import Delivery, Post
from firsthand.publishing.states import State
from tests.bluesky.network import mention_facet

pytestmark = [pytest.mark.django_db, pytest.mark.process]

bluesky = BlueskyConnector()


def connect(client, workspace, person, password=None):
    return client.post(
        reverse("networks:connect_bluesky", kwargs={"slug": workspace.slug}),
        {
            "bluesky-handle": person.handle,
            "bluesky-app_password": password or person.app_password,
            "bluesky-is_brand": "on",
        },
    )


@pytest.fixture
def brand(on_bluesky, team, client_for):
    person = on_bluesky.new_person("brand")
    assert connect(client_for(team.owner), team.workspace, person).status_code == 302
    account = ConnectedAccount.objects.get(network="bluesky")
    return person, account


def publish_from_firsthand(client, team, account, text, follow_ups=()):
    data = {"accounts": [account.pk], "text": text, "when": "now"}
    for n, part in enumerate(follow_ups):
        data[f"follow_up_{n}"] = part
    response = client.post(reverse("publishing:compose", kwargs={"slug": team.workspace.slug}), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    engine.run_once("test-worker")
    delivery = Delivery.objects.get(post__text=text)
    assert delivery.state == State.PUBLISHED, delivery.error
    return delivery


def list_posts(network, person) -> list[dict]:
    return network.xrpc(
        "com.atproto.repo.listRecords", params={"repo": person.did, "collection": "app.bsky.feed.post"}
    )["records"]


def test_the_main_password_is_refused_and_an_app_password_connects(on_bluesky, team, client_for):
    person = on_bluesky.new_person("shop")
    client = client_for(team.owner)
    refused = connect(client, team.workspace, person, password=person.password)
    assert refused.status_code == 400 and "main password" in refused.content.decode()
    assert not ConnectedAccount.objects.filter(network="bluesky").exists()
    wrong = connect(client, team.workspace, person, password="nope-nope-nope-nope")
    assert wrong.status_code == 400 and "refused that app password" in wrong.content.decode()

    assert connect(client, team.workspace, person).status_code == 302
    account = ConnectedAccount.objects.get(network="bluesky")
    assert account.remote_id == person.did and account.handle == f"@{person.handle}"
    assert set(account.credentials) == {"session", "did", "pds"} and account.credentials["pds"] == on_bluesky.pds
    assert person.app_password not in account.credentials_encrypted and "accessJwt" not in account.credentials_encrypted
    assert person.app_password not in str(account.credentials)  # the session keeps tokens, never the password
    assert (
        client_for(team.staff)
        .post(reverse("networks:connect_bluesky", kwargs={"slug": team.workspace.slug}), {})
        .status_code
        == 403
    )


def test_an_unknown_handle_gets_a_clear_message(on_bluesky, team, client_for):
    response = connect(client_for(team.owner), team.workspace, on_bluesky.new_person("x"), password="x")
    assert response.status_code == 400
    response = client_for(team.owner).post(
        reverse("networks:connect_bluesky", kwargs={"slug": team.workspace.slug}),
        {"bluesky-handle": "nobody-here.test", "bluesky-app_password": "abcd-efgh-ijkl-mnop"},
    )
    assert response.status_code == 400 and "knows no account @nobody-here.test" in response.content.decode()


def test_facets_carry_utf8_byte_offsets_for_links_mentions_and_hashtags(on_bluesky, brand):
    person, account = brand
    customer = on_bluesky.new_person("fan")
    text = f"Café ☕ opens at 8 #brunch with @{customer.handle} → https://example.com/menu?day=sun"
    published = bluesky.publish(account, OutgoingPost(text=text, idempotency_key=str(uuid.uuid4())))
    record = on_bluesky.record(published.remote_id)["value"]
    encoded = text.encode()
    spans = {}
    for facet in record["facets"]:
        feature = facet["features"][0]
        spans[feature["$type"].split("#")[1]] = (
            encoded[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode(),
            feature,
        )
    assert spans["tag"][0] == "#brunch" and spans["tag"][1]["tag"] == "brunch"
    assert spans["mention"][0] == f"@{customer.handle}" and spans["mention"][1]["did"] == customer.did
    assert spans["link"][0] == "https://example.com/menu?day=sun"


def test_images_go_with_alt_text_and_aspect_ratio(on_bluesky, brand):
    person, account = brand
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(picture, "PNG")
    path = default_storage.save(f"test/{uuid.uuid4().hex}.png", picture)
    media = Media(path=path, mime_type="image/png", alt_text="A bowl of orange soup", width=40, height=30)
    published = bluesky.publish(account, OutgoingPost(text="Soup!", idempotency_key=str(uuid.uuid4()), media=(media,)))
    embed = on_bluesky.record(published.remote_id)["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    image = embed["images"][0]
    assert image["alt"] == "A bowl of orange soup" and (
        image["aspectRatio"]["width"],
        image["aspectRatio"]["height"],
    ) == (40, 30)
    assert image["image"]["mimeType"] == "image/png" and image["image"]["size"] > 0


def test_a_link_gets_a_card_with_the_pages_title(on_bluesky, brand):
    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            body = (
                b'<html><head><title>fallback</title><meta property="og:title" content="Spring menu &amp; more">'
                b'<meta property="og:description" content="Twelve new dishes"></head></html>'
            )
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/menu"
        published = bluesky.publish(brand[1], OutgoingPost(text=f"New menu: {url}", idempotency_key=str(uuid.uuid4())))
    finally:
        server.shutdown()
    embed = on_bluesky.record(published.remote_id)["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.external"
    card = embed["external"]
    assert (card["uri"], card["title"], card["description"]) == (url, "Spring menu & more", "Twelve new dishes")


def test_a_retry_after_a_lost_answer_finds_the_record_instead_of_writing_a_second(on_bluesky, brand):
    person, account = brand
    key = str(uuid.uuid4())
    assert bluesky.find_published(account, key) is None  # never attempted
    first = bluesky.publish(account, OutgoingPost(text="Only once, please", idempotency_key=key))
    # The answer to that call was "lost": the engine asks before retrying, and a blind retry is absorbed too.
    assert bluesky.find_published(account, key).remote_id == first.remote_id
    again = bluesky.publish(account, OutgoingPost(text="Only once, please", idempotency_key=key))
    assert again.remote_id == first.remote_id
    assert [r["value"]["text"] for r in list_posts(on_bluesky, person)] == ["Only once, please"]


def test_the_engine_reconciles_a_post_whose_answer_was_lost(on_bluesky, brand, team):
    person, account = brand
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text="Reconciled, not doubled")
    delivery = Delivery.objects.create(post=post, account=account, state=State.SCHEDULED, due_at=post.created_at)
    # A worker created the record, then died before it could record the answer.
    bluesky.publish(account, OutgoingPost(text=post.text, idempotency_key=delivery.part_key(0)))
    Delivery.objects.filter(pk=delivery.pk).update(needs_reconcile=True)
    engine.run_once("second-worker")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED
    records = list_posts(on_bluesky, person)
    assert len(records) == 1 and delivery.remote_ids == [records[0]["uri"]]


def test_a_thread_is_published_as_replies_with_root_and_parent(on_bluesky, brand, team, client_for):
    person, account = brand
    delivery = publish_from_firsthand(
        client_for(team.owner), team, account, "Thread 1/3", follow_ups=["Thread 2/3", "Thread 3/3"]
    )
    first, second, third = delivery.remote_ids
    record = {uri: on_bluesky.record(uri)["value"] for uri in delivery.remote_ids}
    assert "reply" not in record[first]
    assert record[second]["reply"]["root"]["uri"] == first and record[second]["reply"]["parent"]["uri"] == first
    assert record[third]["reply"]["root"]["uri"] == first and record[third]["reply"]["parent"]["uri"] == second


def test_the_scenario_post_replies_in_the_inbox_answer_from_the_inbox_then_delete(on_bluesky, brand, team, client_for):
    person, account = brand
    customer = on_bluesky.new_person("customer")
    delivery = publish_from_firsthand(client_for(team.owner), team, account, "Our spring menu starts today!")
    post_uri = delivery.remote_ids[0]
    on_bluesky.process_all()
    root = on_bluesky.xrpc("app.bsky.feed.getPosts", token=customer.access_jwt, params={"uris": post_uri})["posts"][0]
    root_ref = {"uri": root["uri"], "cid": root["cid"]}

    first = on_bluesky.post(customer, "Looks delicious!", reply_to={"root": root_ref, "parent": root_ref})
    mention_text = f"@{person.handle} is the asparagus local?"
    on_bluesky.post(
        customer,
        mention_text,
        reply_to={"root": root_ref, "parent": first},
        facets=mention_facet(mention_text, person.handle, person.did),
    )
    on_bluesky.post(customer, "Do you take bookings for Sunday?", reply_to={"root": root_ref, "parent": root_ref})

    ingest.poll(account)
    ingest.process_pending()
    talk = Conversation.objects.get(account=account)
    assert talk.post == delivery
    items = list(talk.items.order_by("created_at"))
    assert [i.text for i in items] == ["Looks delicious!", mention_text, "Do you take bookings for Sunday?"]
    assert [i.kind for i in items] == ["reply", "mention", "reply"]
    assert "question" in talk.labels
    assert ingest.poll(account) == 0  # nothing new: the cursor moved past all three

    page = client_for(team.staff).get(
        reverse("inbox:conversation", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk})
    )
    assert "Our spring menu starts today!" in page.content.decode()  # the original post is shown with it
    answered = client_for(team.staff).post(
        reverse("inbox:conversation", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk}),
        {"text": "Yes, book at the counter or call us!"},
    )
    assert answered.status_code == 302
    reply = Interaction.objects.get(conversation=talk, direction=Interaction.Direction.OUT)
    assert reply.author == team.staff
    on_bluesky.process_all()
    thread = on_bluesky.thread(post_uri, customer.access_jwt)
    answers = [r["post"] for r in thread["replies"] for r in r.get("replies", [])] + [
        r["post"] for r in thread["replies"]
    ]
    ours = [p for p in answers if p["author"]["did"] == person.did]
    assert len(ours) == 1 and ours[0]["record"]["text"] == "Yes, book at the counter or call us!"
    assert ours[0]["uri"] == reply.remote_id

    deleted = client_for(team.owner).post(
        reverse(
            "publishing:delivery_action",
            kwargs={"slug": team.workspace.slug, "delivery_id": delivery.pk, "action": "delete"},
        )
    )
    assert deleted.status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == State.DELETED
    assert on_bluesky.record(post_uri) is None
    on_bluesky.process_all()
    gone = on_bluesky.xrpc("app.bsky.feed.getPosts", token=customer.access_jwt, params={"uris": post_uri})
    assert gone["posts"] == []


def test_quotes_are_linked_to_the_post_and_likes_are_kept_raw(on_bluesky, brand):
    person, account = brand
    published = bluesky.publish(account, OutgoingPost(text="Quote me", idempotency_key=str(uuid.uuid4())))
    on_bluesky.process_all()
    fan = on_bluesky.new_person("fan")
    cid = on_bluesky.record(published.remote_id)["cid"]
    on_bluesky.post(
        fan,
        "This!",
        embed={"$type": "app.bsky.embed.record", "record": {"uri": published.remote_id, "cid": cid}},
    )
    page = bluesky.list_interactions(account, "")
    quote = next(i for i in page.items if i.kind == "quote")
    assert quote.in_reply_to == published.remote_id and quote.text == "This!"
    assert quote.author_handle == fan.handle
    assert bluesky.list_interactions(account, page.cursor).items == []


def test_followers_come_in_the_network_neutral_profile_form(on_bluesky, brand):
    person, account = brand
    fan = on_bluesky.new_person("follower")
    on_bluesky.xrpc(
        "com.atproto.repo.createRecord",
        token=fan.access_jwt,
        body={
            "repo": fan.did,
            "collection": "app.bsky.graph.follow",
            "record": {"$type": "app.bsky.graph.follow", "subject": person.did, "createdAt": "2026-11-23T10:00:00Z"},
        },
    )
    on_bluesky.process_all()
    page = bluesky.list_followers(account)
    assert len(page.profiles) == 1
    profile = page.profiles[0]
    assert profile["id"] == fan.did and profile["handle"] == fan.handle
    assert profile["following_count"] == 1 and profile["has_default_avatar"] is True
    assert profile["observed_at"] and profile["verified"] is False


def test_the_health_check_refreshes_the_session_and_keeps_it(on_bluesky, brand):
    person, account = brand
    before = account.credentials["session"]
    health.check_due()
    account.refresh_from_db()
    assert account.health == ConnectedAccount.Health.OK and account.checked_at is not None
    assert account.credentials["session"] != before  # rotated tokens, stored at once
    assert bluesky.fetch_post(account, f"at://{person.did}/app.bsky.feed.post/3jzfcijpj2z2a").exists is False


def test_a_revoked_app_password_marks_the_account_needs_reconnecting_and_tells_managers(
    on_bluesky, brand, team, client_for
):
    person, account = brand
    on_bluesky.xrpc("com.atproto.server.revokeAppPassword", token=person.access_jwt, body={"name": "firsthand"})
    with pytest.raises(NetworkError) as refused:
        bluesky.refresh_credentials(account)
    assert refused.value.auth and not refused.value.transient
    assert "reconnect" in refused.value.message and person.app_password not in refused.value.message

    health.check_due()
    account.refresh_from_db()
    assert account.needs_reconnect and "reconnect" in account.health_reason
    told = set(Notice.objects.filter(message__contains="needs reconnecting").values_list("user", flat=True))
    assert told == {team.owner.pk, team.manager.pk}

    # Signing in again with a new app password brings the same account back, history and all.
    new_password = on_bluesky.xrpc(
        "com.atproto.server.createAppPassword", token=person.access_jwt, body={"name": "firsthand-2"}
    )["password"]
    assert connect(client_for(team.owner), team.workspace, person, password=new_password).status_code == 302
    account.refresh_from_db()
    assert account.health == ConnectedAccount.Health.OK and ConnectedAccount.objects.count() == 1


def test_liking_a_customers_post_from_the_inbox(on_bluesky, brand, team, client_for):
    person, account = brand
    customer = on_bluesky.new_person("fan")
    text = f"@{person.handle} best bakery in town"
    posted = on_bluesky.post(customer, text, facets=mention_facet(text, person.handle, person.did))
    ingest.poll(account)
    ingest.process_pending()
    item = Interaction.objects.get(direction=Interaction.Direction.IN)
    url = reverse(
        "inbox:like", kwargs={"slug": team.workspace.slug, "conversation_id": item.conversation_id, "item_id": item.pk}
    )
    answer = client_for(team.staff).post(url, follow=True).content.decode()
    assert "Liked, as" in answer, re.findall(r"class=\"flash [^\"]*\">([^<]*)", answer)
    item.refresh_from_db()
    assert item.liked_at is not None
    likes = on_bluesky.xrpc(
        "com.atproto.repo.listRecords", params={"repo": person.did, "collection": "app.bsky.feed.like"}
    )["records"]
    assert [like["value"]["subject"]["uri"] for like in likes] == [posted["uri"]]
    on_bluesky.process_all()
    view = on_bluesky.xrpc("app.bsky.feed.getPosts", token=customer.access_jwt, params={"uris": posted["uri"]})
    assert view["posts"][0]["likeCount"] == 1
