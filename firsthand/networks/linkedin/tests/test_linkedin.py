"""The LinkedIn connector against a local REST API built from LinkedIn's documentation (see fake_server.py)."""

import html
import io
import time
import uuid
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from firsthand.inbox import ingest, operations
from firsthand.inbox.models import Conversation
from firsthand.networks import health
from firsthand.networks.base import Media, NetworkError, OutgoingPost
from firsthand.networks.linkedin import rest
from firsthand.networks.linkedin.connector import LinkedInConnector, escape, unescape
from firsthand.networks.linkedin.tests.fake_server import FakeLinkedIn
from firsthand.networks.models import ConnectedAccount
from firsthand.networks.testing import connect_through_sign_in
from firsthand.publishing import engine
from firsthand.publishing.models import Delivery, Post
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db

linkedin = LinkedInConnector()


@pytest.fixture
def li(settings):
    fake = FakeLinkedIn()
    settings.LINKEDIN_API_URL = fake.url
    settings.LINKEDIN_AUTH_URL = fake.url
    yield fake
    fake.stop()


def connect(client, workspace, li):
    return connect_through_sign_in(client, workspace, "linkedin", "LinkedIn", li.client_id, li.client_secret)


@pytest.fixture
def shop(li, team, client_for):
    li.admin_of = [li.new_organization("Corner Café Ltd", "corner-cafe")]
    connect(client_for(team.owner), team.workspace, li)
    return ConnectedAccount.objects.get(network="linkedin")


def test_connecting_gives_each_page_the_member_administers(li, shop, team, client_for):
    assert shop.handle == "corner-cafe" and shop.credentials["organization"] == li.admin_of[0]
    token_request = next(r for r in li.requests if r[1] == "/oauth/v2/accessToken")[2]
    assert token_request["client_secret"] == li.client_secret  # in the body, as LinkedIn asks
    li.admin_of = []
    page = connect(client_for(team.owner), team.workspace, li).content.decode()
    assert "administers no page" in html.unescape(page)


def picture() -> str:
    data = io.BytesIO()
    Image.new("RGB", (30, 20), "teal").save(data, "PNG")
    return default_storage.save(f"test/{uuid.uuid4().hex}.png", data)


def test_a_post_with_an_image_and_alt_text_and_its_text_escaped(li, shop):
    image = Media(path=picture(), mime_type="image/png", alt_text="Teal door")
    made = linkedin.publish(
        shop, OutgoingPost(text="New (vegan) menu #food @ 10% off", idempotency_key="a", media=(image,))
    )
    post = li.posts[made.remote_id]
    assert post["author"] == shop.credentials["organization"] and post["visibility"] == "PUBLIC"
    assert post["commentary"] == r"New \(vegan\) menu \#food \@ 10% off"
    assert post["content"]["media"]["altText"] == "Teal door"
    assert list(li.uploads.values()) == [default_storage.open(image.path).size]
    assert unescape(escape("a_b*c|d~e<f>")) == "a_b*c|d~e<f>"


def test_a_thread_goes_out_as_the_pages_own_comments_and_a_lost_answer_is_not_doubled(li, shop, team):
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text="Open late", follow_ups=["Until 10!"])
    delivery = Delivery.objects.create(post=post, account=shop, state=State.SCHEDULED, due_at=timezone.now())
    li.lose_next_post_answer = True
    engine.run_once("w1")
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now(), due_at=timezone.now())
    engine.run_once("w2")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED, delivery.last_error
    assert len(li.posts) == 1  # found by its text before retrying
    first, comment = delivery.remote_ids
    assert li.comments[first][0]["message"]["text"] == "Until 10!"
    assert comment == f"{first}|{li.comments[first][0]['commentUrn']}"  # the post it is under, and itself


def test_comments_are_read_post_by_post_answered_under_the_comment_and_liked(li, shop, team):
    made = linkedin.publish(shop, OutgoingPost(text="Hiring a baker", idempotency_key="h"))
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text="Hiring a baker")
    Delivery.objects.create(
        post=post, account=shop, state=State.PUBLISHED, published_at=timezone.now(), remote_ids=[made.remote_id]
    )
    asked = li.member_comment(made.remote_id, "ABC123", "Is it full time?")
    ingest.watch_due()
    ingest.process_pending()
    talk = Conversation.objects.get()
    assert talk.post.post == post and talk.items.get().text == "Is it full time?"
    operations.reply(team.membership("staff"), talk, "Yes, 4 days a week.")
    answer = li.comments[made.remote_id][-1]
    assert answer["parentComment"] == asked and answer["actor"] == shop.credentials["organization"]
    linkedin.like(shop, asked)
    assert li.reactions == [(shop.credentials["organization"], asked, "LIKE")]


def test_the_daily_limit_waits_until_midnight_utc(li, shop):
    li.daily_limit_reached = True
    with pytest.raises(NetworkError) as limited:
        linkedin.publish(shop, OutgoingPost(text="x", idempotency_key="l"))
    assert limited.value.transient and limited.value.retry_at.hour == 0


def test_expired_or_revoked_access_asks_for_connecting_again(li, shop):
    li.tokens.clear()
    health.check_due()
    shop.refresh_from_db()
    assert shop.needs_reconnect
    credentials = shop.credentials
    shop.credentials = {**credentials, "expires_at": time.time() - 1}
    with pytest.raises(NetworkError, match="expired") as expired:
        linkedin.publish(shop, OutgoingPost(text="x", idempotency_key="e"))
    assert expired.value.auth


def test_deleting_and_a_post_already_gone(li, shop):
    made = linkedin.publish(shop, OutgoingPost(text="Oops", idempotency_key="d")).remote_id
    linkedin.delete(shop, made)
    linkedin.delete(shop, made)
    assert linkedin.fetch_post(shop, made).exists is False


def test_the_api_version_is_pinned_and_not_past_its_sunset():
    # learn.microsoft.com/linkedin/marketing/integrations/migrations: version 202603 sunsets on 16 March 2027.
    assert rest.VERSION == "202603"
    assert date.today() < rest.END_OF_LIFE, f"LinkedIn API version {rest.VERSION} is past its sunset: upgrade it"


def test_where_linkedin_gave_a_refresh_token_the_access_is_renewed_before_it_ends(li, shop, monkeypatch):
    from firsthand.networks import oauth2

    shop.credentials = {**shop.credentials, "refresh_token": "r1", "expires_at": time.time() + 3600}
    shop.save()
    asked = []

    def refresh(provider, client_id, client_secret, tokens):
        asked.append((provider.token_url, provider.client_auth, tokens["refresh_token"]))
        return {**tokens, "access_token": "renewed", "expires_at": time.time() + 5184000}

    monkeypatch.setattr(oauth2, "refresh", refresh)
    assert linkedin.refresh_credentials(shop)["access_token"] == "renewed"
    assert asked == [(f"{li.url}/oauth/v2/accessToken", "body", "r1")]
    shop.refresh_from_db()
    assert shop.credentials["access_token"] == "renewed"


def test_comments_are_read_in_pages_and_never_twice(li, shop):
    made = linkedin.publish(shop, OutgoingPost(text="Menu", idempotency_key="pg")).remote_id
    for n in range(120):
        li.member_comment(made, f"M{n}", f"comment {n}")
    first = linkedin.list_replies(shop, made)
    second = linkedin.list_replies(shop, made, first.cursor)
    third = linkedin.list_replies(shop, made, second.cursor)
    fourth = linkedin.list_replies(shop, made, third.cursor)
    texts = [i.text for page in (first, second, third) for i in page.items]
    assert texts == [f"comment {n}" for n in range(120)] and fourth.items == []


def test_a_first_comment_whose_answer_was_lost_is_found_under_the_post_not_sent_twice(li, shop, team):
    from firsthand.publishing.states import CommentState

    post = Post.objects.create(
        workspace=team.workspace, author=team.owner, text="We're hiring (bakers)", first_comment="Apply: corner.example"
    )
    delivery = Delivery.objects.create(post=post, account=shop, state=State.SCHEDULED, due_at=timezone.now())
    li.lose_next_comment_answer = True
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED
    assert delivery.comment_state == CommentState.RETRYING and delivery.comment_needs_reconcile
    Delivery.objects.filter(pk=delivery.pk).update(comment_next_at=timezone.now())
    engine.run_once("w2")
    delivery.refresh_from_db()
    assert delivery.comment_state == CommentState.SENT, delivery.comment_error
    made = li.comments[delivery.remote_ids[0]]
    assert [c["message"]["text"] for c in made] == ["Apply: corner.example"]
    assert delivery.comment_remote_id == f"{delivery.remote_ids[0]}|{made[0]['commentUrn']}"
