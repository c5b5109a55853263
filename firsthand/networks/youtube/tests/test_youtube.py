"""The YouTube connector against a local Google sign-in and YouTube Data API built from Google's
documentation (see fake_server.py), through Google's own client library."""

import time

import pytest
from django.urls import reverse

from firsthand.inbox import ingest, operations
from firsthand.inbox.models import Conversation, Interaction
from firsthand.networks import health
from firsthand.networks.base import NetworkError, OutgoingPost
from firsthand.networks.models import ConnectedAccount
from firsthand.networks.testing import connect_through_sign_in
from firsthand.networks.youtube.connector import YouTubeConnector
from firsthand.networks.youtube.tests.fake_server import FakeYouTube

pytestmark = pytest.mark.django_db

youtube = YouTubeConnector()


@pytest.fixture
def google(settings):
    fake = FakeYouTube()
    settings.GOOGLE_AUTHORIZE_URL = f"{fake.url}/o/oauth2/v2/auth"
    settings.GOOGLE_TOKEN_URL = f"{fake.url}/token"
    settings.YOUTUBE_API_URL = fake.url + "/"
    yield fake
    fake.stop()


def connect(client, workspace, google):
    return connect_through_sign_in(client, workspace, "youtube", "YouTube", google.client_id, google.client_secret)


@pytest.fixture
def channel(google, team, client_for):
    google.signing_in_as = google.new_channel("Corner Café", "@cornercafe")
    connect(client_for(team.owner), team.workspace, google)
    return ConnectedAccount.objects.get(network="youtube")


def test_connecting_uses_pkce_offline_access_and_finds_the_channel(google, channel):
    assert channel.handle == "@cornercafe" and channel.credentials["refresh_token"].startswith("1//")
    authorize = next(r for r in google.requests if r[1] == "/o/oauth2/v2/auth")[2]
    assert authorize["access_type"] == "offline" and authorize["code_challenge_method"] == "S256"


def test_a_youtube_account_only_answers_and_is_not_offered_in_the_composer(google, channel, team, client_for):
    with pytest.raises(NetworkError, match="does not publish community posts"):
        youtube.publish(channel, OutgoingPost(text="Hello", idempotency_key="x"))
    compose = client_for(team.owner).get(reverse("publishing:compose", kwargs={"slug": team.workspace.slug}))
    assert "@cornercafe" not in compose.content.decode()


def test_comments_and_replies_come_in_once_and_are_answered_under_the_thread(google, channel, team):
    asked = google.viewer_comment("vid1", "Ann Lee", "What song is this?")
    google.viewer_reply(asked, "Bo", "I want to know too!")
    for n in range(130):  # more than one page
        google.viewer_comment("vid2", f"Fan {n}", f"Great video {n}")
    assert ingest.poll(channel) == 132
    ingest.process_pending()
    assert ingest.poll(channel) == 0  # nothing twice
    talk = Conversation.objects.get(person__handle="Ann Lee")
    operations.reply(team.membership("staff"), talk, "It's our own jingle!")
    thread = next(t for t in google.threads if t["id"] == asked)
    assert thread["replies"][-1]["snippet"]["textOriginal"] == "It's our own jingle!"
    bo = Interaction.objects.get(author_name="Bo")
    assert bo.kind == "reply"
    answer = youtube.publish(channel, OutgoingPost(text="Thanks Bo", idempotency_key="r", reply_to=bo.remote_id))
    assert answer.remote_id.startswith(asked + ".")  # under the thread's top comment
    assert ingest.poll(channel) == 0  # our own answers are not customers'


def test_a_comment_is_hidden_by_moderation(google, channel):
    rude = google.viewer_comment("vid1", "Troll", "spam spam")
    youtube.hide(channel, rude)
    assert google.comments[rude]["snippet"]["moderationStatus"] == "rejected"


def test_an_expired_token_is_renewed_with_the_refresh_token(google, channel):
    channel.credentials = {**channel.credentials, "expires_at": time.time() + 10}
    channel.save()
    google.expire_access()
    google.viewer_comment("vid1", "Cy", "Hello")
    assert ingest.poll(channel) == 1
    channel.refresh_from_db()
    assert channel.credentials["expires_at"] > time.time() + 3000
    assert channel.credentials["refresh_token"].startswith("1//")  # kept: Google sends none on refresh


def test_a_revoked_grant_and_a_spent_quota(google, channel):
    google.quota_left = 0
    with pytest.raises(NetworkError) as spent:
        youtube.list_interactions(channel)
    assert spent.value.transient and spent.value.retry_at.hour in (7, 8)  # midnight Pacific, in UTC
    google.refresh_tokens.clear()
    channel.credentials = {**channel.credentials, "expires_at": time.time() + 10}
    channel.save()
    health.check_due()
    channel.refresh_from_db()
    assert channel.needs_reconnect and "expired or revoked" in channel.health_reason
