"""The Mastodon connector against a local server built from Mastodon's API documentation (see fake_server.py)."""

import html
import io
import re
import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from firsthand.inbox import ingest
from firsthand.inbox.models import AccountCursor, Conversation, Interaction
from firsthand.networks import health, registry
from firsthand.networks.base import Media, NetworkError, OutgoingPost
from firsthand.networks.mastodon.client import normalise_instance
from firsthand.networks.mastodon.connector import MastodonConnector, plain_text
from firsthand.networks.mastodon.models import MastodonInstance
from firsthand.networks.mastodon.tests.connecting import come_back, start_connecting
from firsthand.networks.models import ConnectedAccount
from firsthand.publishing import engine
from firsthand.publishing.models import Delivery, Post
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db

mastodon = MastodonConnector()


def test_connecting_registers_once_per_server_then_uses_oauth(server, team, client_for):
    brand = server.user("cornercafe", "Corner Café")
    server.approving_as = brand
    client = client_for(team.owner)
    authorize = start_connecting(client, team.workspace, server)
    asked = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(server.url + "/oauth/authorize?")
    assert asked["response_type"] == ["code"] and asked["force_login"] == ["True"]
    assert asked["scope"] == ["read write:statuses write:media"] and asked["state"][0]
    assert asked["redirect_uri"] == ["http://testserver/networks/mastodon/callback/"]

    response = come_back(client, authorize)
    assert response.status_code == 302 and response["Location"].endswith(f"/w/{team.workspace.slug}/accounts/")
    account = ConnectedAccount.objects.get(network="mastodon")
    assert account.handle == f"@cornercafe@127.0.0.1:{server.url.rsplit(':', 1)[1]}"
    assert account.display_name == "Corner Café" and account.connected_by == team.owner
    token = account.credentials["access_token"]
    assert token in server.tokens and token not in account.credentials_encrypted

    instance = MastodonInstance.objects.get()
    assert instance.client_secret == server.apps[instance.client_id]["client_secret"]
    assert instance.client_secret not in instance.client_secret_encrypted
    assert instance.max_characters == 1000  # read from the server's configuration
    assert registry.limits_for(account).max_length == 1000

    # A second account on the same server uses the same registration.
    server.approving_as = server.user("cornercafe_news")
    come_back(client, start_connecting(client, team.workspace, server))
    assert len(server.apps) == 1 and ConnectedAccount.objects.filter(network="mastodon").count() == 2


def test_a_refusal_on_the_server_or_a_stray_callback_connects_nothing(server, team, client_for):
    server.approving_as = server.user("cornercafe")
    client = client_for(team.owner)
    server.deny_next = True
    response = come_back(client, start_connecting(client, team.workspace, server))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Mastodon did not connect the account" in page and "denied" in page
    stray = client.get(reverse("networks:mastodon_callback") + "?code=x&state=forged")
    assert stray.status_code == 302
    assert not ConnectedAccount.objects.filter(network="mastodon").exists()


def test_staff_cannot_start_or_finish_a_connection(server, team, client_for):
    server.approving_as = server.user("cornercafe")
    response = client_for(team.staff).post(
        reverse("networks:connect_mastodon", kwargs={"slug": team.workspace.slug}), {"mastodon-instance": server.url}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("mastodon.social", "https://mastodon.social"),
        ("@shop@Mastodon.Social", "https://mastodon.social"),
        ("https://mastodon.social/about", "https://mastodon.social"),
    ],
)
def test_the_server_address_can_be_written_as_people_write_it(typed, expected):
    assert normalise_instance(typed) == expected


@pytest.mark.parametrize("typed", ["http://mastodon.social", "ftp://x", "not a server"])
def test_an_unusable_server_address_is_refused_with_a_reason(typed, team, client_for):
    response = client_for(team.owner).post(
        reverse("networks:connect_mastodon", kwargs={"slug": team.workspace.slug}), {"mastodon-instance": typed}
    )
    assert response.status_code == 400 and "mastodon" in response.content.decode().lower()


def picture() -> str:
    data = io.BytesIO()
    Image.new("RGB", (30, 20), "teal").save(data, "PNG")
    return default_storage.save(f"test/{uuid.uuid4().hex}.png", data)


def test_a_status_goes_out_with_images_alt_text_and_focus_exactly_once(server, shop):
    brand, account = shop
    media = Media(path=picture(), mime_type="image/png", alt_text="Our teal door", width=30, height=20)
    post = OutgoingPost(text="Open from 8!", idempotency_key=str(uuid.uuid4()), media=(media,))
    first = mastodon.publish(account, post)
    status = server.statuses[first.remote_id]
    assert status["text_for_test"] == "Open from 8!" and status["visibility"] == "public"
    attachment = status["media_attachments"][0]
    assert attachment["description"] == "Our teal door" and attachment["bytes_for_test"] > 0
    assert attachment["meta"]["focus"] == {"x": 0.0, "y": 0.0}
    # Sent again with the same key (a retry): the server answers with the same status.
    assert mastodon.publish(account, post).remote_id == first.remote_id
    assert [s["text_for_test"] for s in server.statuses.values()] == ["Open from 8!"]


def test_a_lost_answer_is_retried_by_the_engine_without_a_second_status(server, shop, team):
    brand, account = shop
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text="Exactly once")
    delivery = Delivery.objects.create(post=post, account=account, state=State.SCHEDULED, due_at=timezone.now())
    server.lose_next_status_answer = True
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.RETRYING and delivery.needs_reconcile  # maybe sent: look before retrying
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now(), due_at=timezone.now())
    engine.run_once("w2")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED
    assert [s["text_for_test"] for s in server.statuses.values()] == ["Exactly once"]
    assert delivery.remote_ids == list(server.statuses)


def test_a_thread_with_a_content_warning_for_followers_only_goes_out_as_replies(server, shop, team, client_for):
    brand, account = shop
    response = client_for(team.owner).post(
        reverse("publishing:compose", kwargs={"slug": team.workspace.slug}),
        {
            "accounts": [account.pk],
            "text": "The ending of tonight's quiz",
            "follow_up_0": "It was the lighthouse keeper all along",
            "content_warning": "Quiz spoilers",
            "audience": "followers",
            "when": "now",
        },
    )
    assert response.status_code == 302
    engine.run_once("w")
    delivery = Delivery.objects.get()
    assert delivery.state == State.PUBLISHED, delivery.error
    first, second = (server.statuses[i] for i in delivery.remote_ids)
    assert second["in_reply_to_id"] == first["id"]
    assert second["text_for_test"] == "It was the lighthouse keeper all along"  # our own post: nobody to name
    for status in (first, second):
        assert status["spoiler_text"] == "Quiz spoilers" and status["sensitive"] is True
        assert status["visibility"] == "private"  # Mastodon's word for followers only


def test_the_compose_page_offers_mastodon_options_only_when_there_is_a_mastodon_account(shop, team, client_for):
    page = client_for(team.owner).get(reverse("publishing:compose", kwargs={"slug": team.workspace.slug}))
    assert 'id="mastodon-options"' in page.content.decode() and "Followers only" in page.content.decode()
    ConnectedAccount.objects.filter(network="mastodon").update(disconnected_at=timezone.now())
    page = client_for(team.owner).get(reverse("publishing:compose", kwargs={"slug": team.workspace.slug}))
    assert 'id="mastodon-options"' not in page.content.decode()


def test_the_servers_own_refusal_is_shown_in_its_words(server, shop):
    brand, account = shop
    with pytest.raises(NetworkError) as refused:
        mastodon.publish(account, OutgoingPost(text="x" * 1001, idempotency_key="k"))
    assert not refused.value.transient and "character limit of 1000 exceeded" in refused.value.message


def test_notifications_are_read_in_order_across_pages_and_never_twice(server, shop):
    brand, account = shop
    customer = server.user("jess")
    for n in range(95):
        server.write(customer, f"@cornercafe message {n}", mentions=[brand])
    page = mastodon.list_interactions(account, "")
    assert [i.text for i in page.items] == [f"@cornercafe message {n}" for n in range(95)]
    assert {i.kind for i in page.items} == {"mention"} and page.items[0].author_handle == "jess"
    assert mastodon.list_interactions(account, page.cursor).items == []
    server.write(customer, "@cornercafe one more", mentions=[brand])
    assert [i.text for i in mastodon.list_interactions(account, page.cursor).items] == ["@cornercafe one more"]
    paged = [r for r in server.requests if r[1] == "/api/v1/notifications"]
    assert len(paged) == 5 and all(r[2].get("limit") == "40" for r in paged)


def test_replies_to_our_post_land_in_the_inbox_and_are_answered_with_a_mention(server, shop, team, client_for):
    brand, account = shop
    published = mastodon.publish(account, OutgoingPost(text="New menu today", idempotency_key="menu"))
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text="New menu today")
    Delivery.objects.create(post=post, account=account, state=State.PUBLISHED, remote_ids=[published.remote_id])
    customer = server.user("jess", "Jess")
    server.write(customer, "@cornercafe is there a vegan option?", in_reply_to=published.remote_id, mentions=[brand])

    ingest.poll(account)
    ingest.process_pending()
    talk = Conversation.objects.get()
    assert talk.post.post == post and talk.person.handle == "jess" and "question" in talk.labels

    url = reverse("inbox:conversation", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk})
    answered = client_for(team.staff).post(url, {"text": "Yes, the lentil soup!"})
    assert answered.status_code == 302, answered.content.decode()[-3000:]
    answer = Interaction.objects.get(direction=Interaction.Direction.OUT)
    sent = server.statuses[answer.remote_id]
    assert sent["text_for_test"] == "@jess Yes, the lentil soup!"  # named, so Jess is told
    assert sent["in_reply_to_id"] == talk.items.first().raw_event.payload["raw"]["status"]


def test_a_direct_message_is_answered_privately(server, shop, team, client_for):
    brand, account = shop
    customer = server.user("sam")
    server.write(customer, "@cornercafe can I book for 6?", visibility="direct", mentions=[brand])
    ingest.poll(account)
    ingest.process_pending()
    talk = Conversation.objects.get()
    assert talk.kind == "message" and talk.post is None
    url = reverse("inbox:conversation", kwargs={"slug": team.workspace.slug, "conversation_id": talk.pk})
    assert client_for(team.staff).post(url, {"text": "Yes, see you at 6."}).status_code == 302
    answer = Interaction.objects.get(direction=Interaction.Direction.OUT)
    sent = server.statuses[answer.remote_id]
    assert sent["visibility"] == "direct" and sent["text_for_test"] == "@sam Yes, see you at 6."
    assert [m["acct"] for m in sent["mentions"]] == ["sam"]


def test_a_spent_rate_limit_waits_until_the_servers_reset_time(server, shop):
    brand, account = shop
    server.rate_limit_remaining = 0
    with pytest.raises(NetworkError) as limited:
        mastodon.list_interactions(account, "")
    assert limited.value.transient
    ingest.poll(account)
    cursor = AccountCursor.objects.get(account=account)
    assert "rate limit" in cursor.error
    wait = cursor.next_poll_at - timezone.now()
    assert timedelta(minutes=4) < wait <= timedelta(minutes=5, seconds=5)  # the server's X-RateLimit-Reset


def test_a_revoked_token_marks_the_account_needs_reconnecting(server, shop):
    brand, account = shop
    server.revoke_all(brand)
    health.check_due()
    account.refresh_from_db()
    assert account.needs_reconnect and "token is invalid" in account.health_reason


def test_deleting_takes_the_status_down_and_a_status_already_gone_is_fine(server, shop):
    brand, account = shop
    published = mastodon.publish(account, OutgoingPost(text="Oops", idempotency_key="oops"))
    assert mastodon.fetch_post(account, published.remote_id).exists
    mastodon.delete(account, published.remote_id)
    assert published.remote_id not in server.statuses
    assert mastodon.fetch_post(account, published.remote_id).exists is False
    mastodon.delete(account, published.remote_id)  # nothing left to delete: no error


def test_followers_come_in_the_network_neutral_profile_form_page_by_page(server, shop):
    brand, account = shop
    for n in range(85):
        server.follow(server.user(f"fan{n}", avatar=n % 2 == 0), brand)
    first = mastodon.list_followers(account)
    assert len(first.profiles) == 80 and first.cursor
    second = mastodon.list_followers(account, first.cursor)
    assert len(second.profiles) == 5 and second.cursor == ""
    profile = first.profiles[0]
    assert profile["handle"] == "fan84" and profile["following_count"] == 1
    assert profile["has_default_avatar"] is False and profile["has_default_banner"] is True
    assert profile["description"] == "fan84 on the fake server" and profile["created_at"].startswith("2024-03-01")


def test_html_content_becomes_plain_text():
    content = '<p>Hi <span class="h-card"><a href="x">@<span>shop</span></a></span> &amp; team</p><p>line<br />two</p>'
    assert plain_text(content) == "Hi @shop & team\n\nline\ntwo"


def test_liking_a_customers_status_favourites_it_once(server, shop, team, client_for):
    brand, account = shop
    customer = server.user("jess")
    status = server.write(customer, "@cornercafe you made my day!", mentions=[brand])
    ingest.poll(account)
    ingest.process_pending()
    item = Interaction.objects.get()
    url = reverse(
        "inbox:like", kwargs={"slug": team.workspace.slug, "conversation_id": item.conversation_id, "item_id": item.pk}
    )
    client_for(team.staff).post(url)
    client_for(team.staff).post(url)
    assert status["favourited"] is True and status["favourites_count"] == 1
    item.refresh_from_db()
    assert item.liked_by == team.staff and item.liked_at is not None


def connecting_error(client, workspace, address) -> str:
    response = client.post(
        reverse("networks:connect_mastodon", kwargs={"slug": workspace.slug}), {"mastodon-instance": address}
    )
    assert response.status_code == 400
    return html.unescape(
        re.search(r'class="alert alert-error" role="alert"><p>(.*?)</p>', response.content.decode()).group(1)
    )


def test_a_server_on_this_machine_is_never_contacted(server, team, client_for, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    error = connecting_error(client_for(team.owner), team.workspace, server.url)
    assert "could not reach that address" in error
    assert server.requests == []


def test_an_open_port_and_a_closed_one_give_the_same_answer(team, client_for):
    from firsthand.networks.tests.test_safe_http import Page

    client = client_for(team.owner)
    open_port = Page(body=b"SSH-2.0-OpenSSH_9.6")
    closed_port = Page()
    closed_port.close()
    try:
        said = [connecting_error(client, team.workspace, p.url.rstrip("/")) for p in (open_port, closed_port)]
    finally:
        open_port.close()
    assert open_port.visits == 1
    assert said[0].replace(str(open_port.port), "PORT") == said[1].replace(str(closed_port.port), "PORT")
    assert "could not reach that address" in said[0]


def test_a_two_factor_policy_set_while_the_owner_was_on_the_server_holds_at_the_callback(server, team, client_for):
    from firsthand.team.models import TwoFactorPolicy, Workspace

    server.approving_as = server.user("cornercafe")
    client = client_for(team.owner)
    url = start_connecting(client, team.workspace, server)
    Workspace.objects.filter(pk=team.workspace.pk).update(two_factor_policy=TwoFactorPolicy.MANAGERS)
    response = come_back(client, url)
    assert response.status_code == 302 and response["Location"] == reverse("team:account") + "#two-factor"
    assert not ConnectedAccount.objects.filter(network="mastodon").exists()


def test_a_first_comment_is_a_self_reply_sent_once_though_its_answer_was_lost(server, shop, team, monkeypatch):
    from firsthand.publishing import comments
    from firsthand.publishing.states import CommentState

    brand, account = shop
    post = Post.objects.create(
        workspace=team.workspace,
        author=team.owner,
        text="New menu today",
        first_comment="See it: https://corner.example",
    )
    delivery = Delivery.objects.create(post=post, account=account, state=State.SCHEDULED, due_at=timezone.now())
    with monkeypatch.context() as patched:
        patched.setattr(comments, "run_once", lambda *args, **kwargs: 0)  # the comment goes on the next tick
        engine.run_once("w1")
    server.lose_next_status_answer = True  # the comment's answer, this time
    engine.run_once("w2")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED
    assert delivery.comment_state == CommentState.RETRYING and delivery.comment_needs_reconcile
    Delivery.objects.filter(pk=delivery.pk).update(comment_next_at=timezone.now())
    engine.run_once("w3")
    delivery.refresh_from_db()
    assert delivery.comment_state == CommentState.SENT, delivery.comment_error
    # Mastodon answered the retry's Idempotency-Key with the status it had made: one post, one comment.
    assert [s["text_for_test"] for s in server.statuses.values()] == [
        "New menu today",
        "See it: https://corner.example",
    ]
    comment = server.statuses[delivery.comment_remote_id]
    assert comment["in_reply_to_id"] == delivery.remote_ids[0]  # a self-reply, not naming the shop itself
