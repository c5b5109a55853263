"""The Ghost connector against a local Admin API written from Ghost's documentation (see fake_server.py)."""

import io
import uuid

import jwt
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from firsthand.inbox import ingest
from firsthand.inbox.models import AccountCursor
from firsthand.networks import health
from firsthand.networks.base import Media, NetworkError, OutgoingPost
from firsthand.networks.ghost.connector import GhostConnector, token
from firsthand.networks.ghost.tests.fake_server import FakeGhost
from firsthand.networks.models import ConnectedAccount
from firsthand.publishing import engine
from firsthand.publishing.models import Delivery, Post
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db

ghost = GhostConnector()


@pytest.fixture
def site():
    fake = FakeGhost()
    yield fake
    fake.stop()


def connect(client, workspace, site_url, key):
    return client.post(
        reverse("networks:connect_ghost", kwargs={"slug": workspace.slug}),
        {"ghost-site": site_url, "ghost-admin_key": key, "ghost-is_brand": "on"},
    )


@pytest.fixture
def blog(site, team, client_for):
    assert connect(client_for(team.owner), team.workspace, site.url, site.admin_key).status_code == 302
    return ConnectedAccount.objects.get(network="ghost")


def picture() -> str:
    data = io.BytesIO()
    Image.new("RGB", (30, 20), "teal").save(data, "PNG")
    return default_storage.save(f"test/{uuid.uuid4().hex}.png", data)


def test_the_token_is_what_ghost_documents():
    key_id, secret = "a" * 24, "0f" * 32
    made = token(key_id, secret)
    assert jwt.get_unverified_header(made) == {"alg": "HS256", "typ": "JWT", "kid": key_id}
    claims = jwt.decode(made, bytes.fromhex(secret), algorithms=["HS256"], audience="/admin/")
    assert claims["exp"] - claims["iat"] == 300


def test_connecting_checks_the_key_and_keeps_it_encrypted(site, blog):
    assert blog.display_name == "Corner Café News" and blog.handle == site.url.split("://")[1]
    assert site.secret not in blog.credentials_encrypted and blog.credentials["secret"] == site.secret


@pytest.mark.parametrize(
    "key, said",
    [
        ("not a key", "not a Ghost Admin API key"),
        ("0123456789abcdef01234567", "not a Ghost Admin API key"),
        ("0123456789abcdef0123456789", "Content API key"),
        ("0123456789abcdef01234567:" + "ab" * 32, "did not accept that Admin API key"),
    ],
)
def test_a_wrong_or_malformed_key_says_why_and_connects_nothing(site, team, client_for, key, said):
    page = connect(client_for(team.owner), team.workspace, site.url, key)
    assert page.status_code == 400 and said in page.content.decode()
    assert not ConnectedAccount.objects.filter(network="ghost").exists()


def test_a_site_that_is_not_ghost_says_so(team, client_for):
    other = FakeGhost(ghost=False)
    try:
        page = connect(client_for(team.owner), team.workspace, other.url, other.admin_key)
    finally:
        other.stop()
    assert page.status_code == 400 and "does not look like a Ghost site" in page.content.decode()


def test_a_private_address_is_refused(site, team, client_for, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    page = connect(client_for(team.owner), team.workspace, site.url, site.admin_key)
    assert page.status_code == 400 and "could not reach that address" in page.content.decode()
    assert site.requests == []


def test_a_post_has_its_title_html_tags_and_feature_image(site, blog):
    image = Media(path=picture(), mime_type="image/png", alt_text="A rye loaf")
    made = ghost.publish(
        blog,
        OutgoingPost(text="Rye is back\nFrom <Monday> & on.\n#bread #News", idempotency_key="k", media=(image,)),
    )
    post = site.posts[made.remote_id]
    assert post["title"] == "Rye is back" and post["status"] == "published"
    assert post["html"] == "<p>From &lt;Monday&gt; &amp; on.</p>"  # sent with ?source=html, escaped
    assert [t["name"] for t in post["tags"]] == ["bread", "News"]
    assert post["feature_image"].endswith("/content/images/1.png") and post["feature_image_alt"] == "A rye loaf"
    assert site.images[0]["bytes"] == default_storage.open(image.path).size and site.images[0]["purpose"] == "image"
    assert made.url == post["url"]


def test_an_account_set_to_drafts_leaves_a_draft(site, blog, team, client_for):
    client_for(team.owner).post(
        reverse("networks:update", kwargs={"slug": team.workspace.slug, "account_id": blog.pk}),
        {"colour": blog.colour, "is_brand": "on", "blog_status": "draft"},
    )
    blog.refresh_from_db()
    made = ghost.publish(blog, OutgoingPost(text="Later\nnot yet", idempotency_key="d"))
    assert site.posts[made.remote_id]["status"] == "draft"


def test_a_lost_answer_is_found_before_retrying_so_nothing_goes_out_twice(site, blog, team):
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text="Exactly once\non Ghost")
    delivery = Delivery.objects.create(post=post, account=blog, state=State.SCHEDULED, due_at=timezone.now())
    site.lose_next_post_answer = True
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.RETRYING and delivery.needs_reconcile
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    engine.run_once("w2")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED and len(site.posts) == 1
    assert delivery.remote_ids == list(site.posts)


def test_a_title_too_long_for_ghost_is_refused_before_sending(site, blog):
    with pytest.raises(NetworkError, match="at most 255"):
        ghost.publish(blog, OutgoingPost(text="x" * 256 + "\nbody", idempotency_key="t"))
    assert site.posts == {}


def test_a_revoked_key_is_noticed_and_asks_to_reconnect(site, blog, team):
    site.secret = "cd" * 32  # the integration was deleted and made again
    health.check(blog)
    blog.refresh_from_db()
    assert blog.needs_reconnect and "no longer accepts the Admin API key" in blog.health_reason


def test_deleting_and_reading_a_post(site, blog):
    made = ghost.publish(blog, OutgoingPost(text="Short-lived\ngone soon", idempotency_key="x"))
    assert ghost.fetch_post(blog, made.remote_id).exists
    ghost.delete(blog, made.remote_id)
    ghost.delete(blog, made.remote_id)  # gone already: fine
    assert site.posts == {} and not ghost.fetch_post(blog, made.remote_id).exists


def test_ghost_has_no_comments_and_the_accounts_page_says_so(site, blog, team, client_for):
    assert ingest.poll(blog) == 0
    assert "no comments" in AccountCursor.objects.get(account=blog).limitation
    page = client_for(team.owner).get(reverse("networks:accounts", kwargs={"slug": team.workspace.slug}))
    assert "Ghost&#x27;s API has no comments" in page.content.decode()
    with pytest.raises(NetworkError, match="no comments"):
        ghost.publish(blog, OutgoingPost(text="a reply", idempotency_key="r", reply_to="abc"))


def test_the_composer_shows_a_blog_post_with_its_title_and_refuses_a_title_ghost_cannot_take(blog, team, client_for):
    client = client_for(team.owner)
    page = client.get(reverse("publishing:compose", kwargs={"slug": team.workspace.slug})).content.decode()
    assert "the first line is the post's title" in page
    check = reverse("publishing:check", kwargs={"slug": team.workspace.slug})
    shown = client.post(
        check, {"accounts": [blog.pk], "text": "Rye is back\nFrom Monday.\n#bread #rye"}
    ).content.decode()
    assert '<p class="preview-title">Rye is back</p>' in shown and "too long" not in shown
    assert "Tags: bread, rye" in shown and "#bread" not in shown
    long = client.post(check, {"accounts": [blog.pk], "text": "x" * 300 + "\nbody"}).content.decode()
    assert "The title (the first line) is 45 too long for Ghost (300 of 255)." in long
