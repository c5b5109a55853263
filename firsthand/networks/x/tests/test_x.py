"""The X connector against a local server built from X's API v2 documentation (see fake_server.py)."""

import html
import io
import re
import time
import uuid
from datetime import date
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from firsthand.inbox import ingest, operations
from firsthand.inbox.models import AccountCursor, Conversation, Interaction
from firsthand.networks import health, oauth2
from firsthand.networks.base import Media, NetworkError, OutgoingPost
from firsthand.networks.models import ConnectedAccount, NetworkApp
from firsthand.networks.x import connector as x_module
from firsthand.networks.x.connector import XConnector
from firsthand.networks.x.tests.fake_server import FakeX
from firsthand.notices.models import Notice
from firsthand.publishing import engine
from firsthand.publishing.models import Delivery, Post
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db

x = XConnector()


@pytest.fixture
def server(settings):
    fake = FakeX()
    settings.X_API_URL = fake.url
    settings.X_AUTHORIZE_URL = f"{fake.url}/i/oauth2/authorize"
    yield fake
    fake.stop()


def save_keys(client, workspace, client_id="app-id", client_secret="app-secret"):
    return client.post(
        reverse("networks:app_setup", kwargs={"slug": workspace.slug, "network": "x"}),
        {"client_id": client_id, "client_secret": client_secret},
    )


def start_connecting(client, workspace):
    response = client.post(
        reverse("networks:oauth_connect", kwargs={"slug": workspace.slug, "network": "x"}), {"is_brand": "on"}
    )
    assert response.status_code == 200, response.content.decode()[:500]
    return html.unescape(re.search(r'<a class="button" href="([^"]+)">Continue to X', response.content.decode())[1])


def come_back(client, authorize_url):
    """The person approves on X, which sends the browser back to firsthand's callback."""
    answer = httpx.get(authorize_url, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    return client.get(back.path + "?" + back.query)


@pytest.fixture
def shop(server, team, client_for):
    server.approving_as = "cornercafe"
    server.new_user("cornercafe", "Corner Café")
    client = client_for(team.owner)
    assert save_keys(client, team.workspace).status_code == 302
    assert come_back(client, start_connecting(client, team.workspace)).status_code == 302
    return ConnectedAccount.objects.get(network="x")


def test_an_owner_saves_the_apps_keys_once_encrypted_and_the_page_says_what_x_requires(server, team, client_for):
    client = client_for(team.owner)
    page = client.get(reverse("networks:app_setup", kwargs={"slug": team.workspace.slug, "network": "x"}))
    text = page.content.decode()
    assert "OAuth 2.0" in text and "/networks/x/callback/" in text and "paid" in text
    assert save_keys(client, team.workspace, client_secret="s3cret-value").status_code == 302
    app = NetworkApp.objects.get(network="x")
    assert app.client_secret == "s3cret-value" and "s3cret-value" not in app.client_secret_encrypted
    # Saving again without a secret keeps the one there.
    save_keys(client, team.workspace, client_id="new-id", client_secret="")
    app.refresh_from_db()
    assert app.client_id == "new-id" and app.client_secret == "s3cret-value"


def test_only_owners_enter_app_keys(server, team, client_for):
    assert save_keys(client_for(team.manager), team.workspace).status_code == 403
    assert save_keys(client_for(team.staff), team.workspace).status_code == 403
    assert not NetworkApp.objects.exists()


def test_connecting_uses_pkce_and_keeps_tokens_encrypted(server, team, client_for, shop):
    account = shop
    assert account.handle == "@cornercafe" and account.display_name == "Corner Café"
    tokens = account.credentials
    assert tokens["refresh_token"] and tokens["expires_at"] > time.time() + 7000
    assert tokens["access_token"] not in account.credentials_encrypted
    authorize = next(r for r in server.requests if r[1] == "/i/oauth2/authorize")[2]
    assert authorize["code_challenge_method"] == "S256" and "offline.access" in authorize["scope"]
    exchange = next(r for r in server.requests if r[1] == "/2/oauth2/token")[2]
    assert exchange["grant_type"] == "authorization_code" and exchange["code_verifier"]


def test_a_callback_with_a_wrong_state_or_a_refusal_connects_nothing(server, team, client_for):
    server.new_user("cornercafe")
    server.approving_as = "cornercafe"
    client = client_for(team.owner)
    save_keys(client, team.workspace)
    url = start_connecting(client, team.workspace)
    answer = httpx.get(url, follow_redirects=False)
    back = urlsplit(answer.headers["Location"])
    query = parse_qs(back.query)
    forged = client.get(back.path, {"state": "not-the-one", "code": query["code"][0]}, follow=True)
    assert "not started here" in forged.content.decode()
    refused = client.get(back.path, {"state": query["state"][0], "error": "access_denied"}, follow=True)
    assert "did not connect" in refused.content.decode()
    assert not ConnectedAccount.objects.filter(network="x").exists()


def test_connecting_without_app_keys_leads_to_the_set_up_page(server, team, client_for):
    response = client_for(team.manager).post(
        reverse("networks:oauth_connect", kwargs={"slug": team.workspace.slug, "network": "x"})
    )
    assert response.status_code == 302 and response["Location"].endswith("/accounts/apps/x/")


def test_an_expiring_token_is_refreshed_before_use_and_the_new_pair_saved_at_once(server, shop):
    account = shop
    old = account.credentials
    account.credentials = {**old, "expires_at": time.time() + 60}
    account.save()
    server.expire_access_tokens()
    x.publish(account, OutgoingPost(text="Fresh bread at 8", idempotency_key="k1"))
    account.refresh_from_db()
    assert account.credentials["refresh_token"] != old["refresh_token"]  # X hands out a new one each time
    assert [t["text"] for t in server.posts_by("cornercafe")] == ["Fresh bread at 8"]


def test_a_refused_refresh_marks_the_account_for_reconnecting_and_tells_a_person(server, shop, team):
    account = shop
    account.credentials = {**account.credentials, "expires_at": time.time() + 60}
    account.save()
    server.revoke_everything()
    health.check_due()
    account.refresh_from_db()
    assert account.needs_reconnect and "X refused" in account.health_reason
    assert set(Notice.objects.values_list("user", flat=True)) == {team.owner.pk, team.manager.pk}


def test_reconnecting_keeps_the_same_account_row(server, shop, team, client_for):
    account = shop
    account.mark_needs_reconnect("X refused the token")
    client = client_for(team.owner)
    come_back(client, start_connecting(client, team.workspace))
    again = ConnectedAccount.objects.get(network="x")
    assert again.pk == account.pk and not again.needs_reconnect


def picture() -> str:
    data = io.BytesIO()
    Image.new("RGB", (30, 20), "teal").save(data, "PNG")
    return default_storage.save(f"test/{uuid.uuid4().hex}.png", data)


def test_a_post_goes_out_with_images_and_a_thread_as_replies(server, shop, team):
    account = shop
    post = Post.objects.create(
        workspace=team.workspace, author=team.owner, text="New menu!", follow_ups=["Soup of the day: leek"]
    )
    Delivery.objects.create(post=post, account=account, state=State.SCHEDULED, due_at=timezone.now())
    engine.run_once("w1")
    delivery = Delivery.objects.get()
    assert delivery.state == State.PUBLISHED, delivery.last_error
    first, second = (server.tweets[i] for i in delivery.remote_ids)
    assert second["referenced_tweets"] == [{"type": "replied_to", "id": first["id"]}]
    media = Media(path=picture(), mime_type="image/png", alt_text="Teal door")
    published = x.publish(account, OutgoingPost(text="Our door", idempotency_key="img", media=(media,)))
    assert server.tweets[published.remote_id]["attachments"]["media_keys"][0].startswith("3_")
    upload = next(r for r in server.requests if r[1] == "/2/media/upload")[2]
    assert upload["media_category"] == "tweet_image"
    media_id = server.tweets[published.remote_id]["attachments"]["media_keys"][0].removeprefix("3_")
    assert server.media[media_id]["alt_text"] == "Teal door"  # described before the post was made


def test_a_lost_answer_is_found_before_retrying_so_nothing_goes_out_twice(server, shop, team):
    account = shop
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text="Exactly once on X")
    delivery = Delivery.objects.create(post=post, account=account, state=State.SCHEDULED, due_at=timezone.now())
    server.lose_next_tweet_answer = True  # X made the post but the answer was a 503
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.RETRYING and delivery.needs_reconcile
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now(), due_at=timezone.now())
    engine.run_once("w2")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED
    assert [t["text"] for t in server.posts_by("cornercafe")] == ["Exactly once on X"]
    assert delivery.remote_ids == [t["id"] for t in server.posts_by("cornercafe")]


def test_xs_refusal_is_shown_in_its_own_words(server, shop):
    x.publish(shop, OutgoingPost(text="Same words", idempotency_key="a"))
    with pytest.raises(NetworkError) as refused:
        x.publish(shop, OutgoingPost(text="Same words", idempotency_key="b"))
    assert "duplicate content" in refused.value.message and not refused.value.transient


def test_mentions_and_replies_come_in_order_across_pages_and_never_twice(server, shop, team):
    account = shop
    ours = x.publish(account, OutgoingPost(text="Spring menu is out", idempotency_key="m")).remote_id
    server.new_user("ann", "Ann")
    for n in range(230):
        server.tweet("ann", f"@cornercafe question {n}?")
    server.tweet("ann", "Is the soup vegan?", reply_to=ours)
    read = 0
    while True:
        got = ingest.poll(account)
        read += got
        if not got:
            break
    assert read == 231
    ingest.process_pending()
    assert Interaction.objects.count() == 231
    reply = Interaction.objects.get(text="Is the soup vegan?")
    assert (
        reply.kind == "reply" and reply.conversation.post == Delivery.objects.filter(remote_ids__icontains=ours).first()
    )
    server.tweet("ann", "@cornercafe one more")
    assert ingest.poll(account) == 1  # only what is new


def test_direct_messages_are_read_and_answered_privately(server, shop, team, client_for):
    account = shop
    server.new_user("bo", "Bo")
    server.message("bo", "cornercafe", "Do you have a table for 4 tonight?")
    ingest.poll(account)
    ingest.process_pending()
    talk = Conversation.objects.get(kind="message")
    operations.reply(team.membership("staff"), talk, "Yes, see you at 7!")
    sent = [e for e in server.dms if e["text"] == "Yes, see you at 7!"]
    assert sent and sent[0]["dm_conversation_id"] == "-".join(
        sorted([server.user_id("bo"), server.user_id("cornercafe")])
    )
    assert not any(t["text"] == "Yes, see you at 7!" for t in server.tweets.values())  # never a public post
    ingest.poll(account)
    assert Interaction.objects.filter(text="Yes, see you at 7!", direction="in").count() == 0  # not our own words


def test_when_xs_access_does_not_include_messages_mentions_still_come_and_it_says_so(server, shop, team, client_for):
    server.dm_allowed = False
    server.new_user("cy")
    server.tweet("cy", "@cornercafe hello")
    ingest.poll(shop)
    ingest.process_pending()
    assert list(Interaction.objects.values_list("text", flat=True)) == ["@cornercafe hello"]
    asked = len([r for r in server.requests if r[1] == "/2/dm_events"])
    ingest.poll(shop)
    assert len([r for r in server.requests if r[1] == "/2/dm_events"]) == asked  # not asked again
    page = client_for(team.staff).get(reverse("networks:accounts", kwargs={"slug": team.workspace.slug}))
    assert "does not let the business&#x27;s app read direct messages" in page.content.decode()
    assert "attached to a Project" in page.content.decode()  # X's own words


def test_a_spent_rate_limit_waits_until_xs_reset_time_and_the_team_sees_why(server, shop, team, client_for):
    server.rate_limit_remaining = 0
    with pytest.raises(NetworkError) as limited:
        x.list_interactions(shop)
    assert limited.value.transient and limited.value.retry_at.timestamp() > time.time() + 800
    ingest.poll(shop)
    cursor = AccountCursor.objects.get(account=shop)
    assert cursor.next_poll_at.timestamp() > time.time() + 800  # not before X's reset
    page = client_for(team.staff).get(reverse("networks:accounts", kwargs={"slug": team.workspace.slug}))
    assert "could not read this account" in page.content.decode() and "rate limit" in page.content.decode()


def test_a_revoked_token_marks_the_account_needs_reconnecting(server, shop):
    server.revoke_everything()
    ingest.poll(shop)
    shop.refresh_from_db()
    assert shop.needs_reconnect


def test_deleting_a_post_and_a_post_already_gone(server, shop):
    posted = x.publish(shop, OutgoingPost(text="Oops", idempotency_key="d")).remote_id
    x.delete(shop, posted)
    assert posted not in server.tweets
    x.delete(shop, posted)  # already gone: done
    assert x.fetch_post(shop, posted).exists is False


def test_followers_come_in_the_network_neutral_profile_form(server, shop):
    fan = server.new_user("fan1", "Fan", profile_image_url="https://abs.twimg.com/sticky/default_profile_images/x.png")
    server.followers[server.user_id("cornercafe")] = [fan]
    (profile,) = x.list_followers(shop).profiles
    assert profile["handle"] == "fan1" and profile["has_default_avatar"] is True
    assert profile["following_count"] == 20 and profile["created_at"]


def test_liking_a_customers_post(server, shop):
    server.new_user("dee")
    theirs = server.tweet("dee", "@cornercafe best croissant")
    x.like(shop, theirs)
    assert (server.user_id("cornercafe"), theirs) in server.likes


def test_the_api_version_is_pinned_in_one_place():
    # X API v2 has no announced end of life (docs.x.com/x-api/introduction); when X dates one, it goes here.
    assert x_module.API_VERSION == "2"
    end_of_life = None
    assert end_of_life is None or date.today() < end_of_life


def test_pkce_challenge_is_the_s256_of_the_verifier():
    attempt = oauth2.Attempt(state="s", code_verifier="dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
    assert attempt.code_challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  # RFC 7636, appendix B


def test_a_two_factor_policy_set_while_the_owner_was_on_x_holds_at_the_callback(server, team, client_for):
    from firsthand.team.models import TwoFactorPolicy, Workspace

    server.new_user("cornercafe")
    server.approving_as = "cornercafe"
    client = client_for(team.owner)
    save_keys(client, team.workspace)
    url = start_connecting(client, team.workspace)
    Workspace.objects.filter(pk=team.workspace.pk).update(two_factor_policy=TwoFactorPolicy.EVERYONE)
    response = come_back(client, url)
    assert response.status_code == 302 and response["Location"] == reverse("team:account") + "#two-factor"
    assert not ConnectedAccount.objects.filter(network="x").exists()


def test_a_first_comment_is_a_self_reply_found_before_retrying_after_a_lost_answer(server, shop, team, monkeypatch):
    from firsthand.publishing import comments
    from firsthand.publishing.states import CommentState

    account = shop
    post = Post.objects.create(
        workspace=team.workspace,
        author=team.owner,
        text="Spring menu is out",
        first_comment="Full menu: corner.example",
    )
    delivery = Delivery.objects.create(post=post, account=account, state=State.SCHEDULED, due_at=timezone.now())
    with monkeypatch.context() as patched:
        patched.setattr(comments, "run_once", lambda *args, **kwargs: 0)  # the comment goes on the next tick
        engine.run_once("w1")
    server.lose_next_tweet_answer = True  # X makes the reply, but answers 503
    engine.run_once("w2")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED and delivery.comment_state == CommentState.RETRYING
    Delivery.objects.filter(pk=delivery.pk).update(comment_next_at=timezone.now())
    engine.run_once("w3")
    delivery.refresh_from_db()
    assert delivery.comment_state == CommentState.SENT, delivery.comment_error
    assert [t["text"] for t in server.posts_by("cornercafe")] == ["Spring menu is out", "Full menu: corner.example"]
    reply = server.tweets[delivery.comment_remote_id]
    assert reply["text"] == "Full menu: corner.example"
    assert {"type": "replied_to", "id": delivery.remote_ids[0]} in reply.get("referenced_tweets", [])
