"""The WordPress connector against a local site written from the REST API handbook (see fake_server.py)."""

import io
import uuid
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from firsthand.inbox import ingest, operations
from firsthand.inbox.models import Conversation
from firsthand.networks import health
from firsthand.networks.base import Media, NetworkError, OutgoingPost
from firsthand.networks.blog import blog_post
from firsthand.networks.models import ConnectedAccount
from firsthand.networks.wordpress.connector import WordPressConnector
from firsthand.networks.wordpress.tests.fake_server import FakeWordPress
from firsthand.publishing import engine
from firsthand.publishing.models import Delivery, MediaFile, Post, PostMedia
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db

wordpress = WordPressConnector()


@pytest.fixture
def site():
    fake = FakeWordPress()
    yield fake
    fake.stop()


def connect(client, workspace, site_url, username="editor", password="abcd efgh ijkl mnop qrst uvwx"):
    return client.post(
        reverse("networks:connect_wordpress", kwargs={"slug": workspace.slug}),
        {
            "wordpress-site": site_url,
            "wordpress-username": username,
            "wordpress-app_password": password,
            "wordpress-is_brand": "on",
        },
    )


@pytest.fixture
def blog(site, team, client_for):
    assert connect(client_for(team.owner), team.workspace, site.url).status_code == 302
    return ConnectedAccount.objects.get(network="wordpress")


def picture() -> str:
    data = io.BytesIO()
    Image.new("RGB", (30, 20), "teal").save(data, "PNG")
    return default_storage.save(f"test/{uuid.uuid4().hex}.png", data)


def scheduled(team, account, text, *, images=()):
    post = Post.objects.create(workspace=team.workspace, author=team.owner, text=text)
    for position, (path, alt) in enumerate(images):
        media = MediaFile.objects.create(
            workspace=team.workspace, file=path, mime_type="image/png", size=100, width=30, height=20
        )
        PostMedia.objects.create(post=post, media=media, position=position, alt_text=alt)
    return Delivery.objects.create(post=post, account=account, state=State.SCHEDULED, due_at=timezone.now())


def test_text_becomes_a_title_escaped_paragraphs_links_and_tags():
    made = blog_post(
        "Rye is back\nFrom Monday <b>only</b>:\nsee https://cafe.example/rye.\n\nThanks & see you\n#bread #rye #bread"
    )
    assert made.title == "Rye is back" and made.tags == ("bread", "rye")
    assert made.html == (
        "<p>From Monday &lt;b&gt;only&lt;/b&gt;:<br>"
        'see <a href="https://cafe.example/rye">https://cafe.example/rye</a>.</p>\n<p>Thanks &amp; see you</p>'
    )
    with pytest.raises(NetworkError, match="needs a title"):
        blog_post("\n\n")


def test_connecting_checks_the_site_and_keeps_the_password_encrypted(site, blog, team):
    assert blog.handle == site.url.split("://")[1] and blog.display_name == "Corner Café"
    assert blog.credentials["user_id"] == 7 and blog.credentials["categories"]["5"] == "Recipes"
    assert "abcd" not in blog.credentials_encrypted
    assert ("GET", "/wp-json/wp/v2/users/me") in site.requests


def test_a_site_without_pretty_permalinks_is_reached_through_rest_route(team, client_for):
    plain = FakeWordPress(pretty_permalinks=False)
    try:
        assert connect(client_for(team.owner), team.workspace, plain.url).status_code == 302
        account = ConnectedAccount.objects.get(network="wordpress")
        assert account.credentials["api"].endswith("/?rest_route=/")
        made = wordpress.publish(account, OutgoingPost(text="Plain links\nStill works.", idempotency_key="k"))
        assert plain.posts[int(made.remote_id)]["title"] == "Plain links"
    finally:
        plain.stop()


@pytest.mark.parametrize(
    "fake_options, username, password, said",
    [
        ({"rest_api": False}, "editor", "abcd efgh ijkl mnop qrst uvwx", "REST API is turned off or hidden"),
        ({"wordpress": False}, "editor", "abcd efgh ijkl mnop qrst uvwx", "REST API is turned off or hidden"),
        ({}, "editor", "the login password", "did not accept that username and application password"),
        ({}, "nobody", "abcd efgh ijkl mnop qrst uvwx", "did not accept that username and application password"),
    ],
)
def test_a_site_that_cannot_be_used_says_why_and_connects_nothing(
    team, client_for, fake_options, username, password, said
):
    fake = FakeWordPress(**fake_options)
    try:
        page = connect(client_for(team.owner), team.workspace, fake.url, username, password)
    finally:
        fake.stop()
    assert page.status_code == 400 and said in page.content.decode()
    if "application password" in said:  # the fake is on http://, where WordPress refuses them
        assert "only over HTTPS" in page.content.decode()
    assert not ConnectedAccount.objects.filter(network="wordpress").exists()


def test_a_page_that_is_not_wordpress_and_a_user_who_cannot_publish(site, team, client_for):
    site.capabilities = {"edit_posts": True}  # a Contributor
    page = connect(client_for(team.owner), team.workspace, site.url)
    assert page.status_code == 400 and "cannot publish posts and upload images" in page.content.decode()


def test_a_private_address_is_refused_before_any_request(site, team, client_for, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []  # as in production: this machine's own addresses refused
    page = connect(client_for(team.owner), team.workspace, site.url)
    assert page.status_code == 400 and "could not reach that address" in page.content.decode()
    assert site.requests == []


def test_only_managers_connect_a_site(site, team, client_for):
    assert connect(client_for(team.staff), team.workspace, site.url).status_code == 403
    assert not ConnectedAccount.objects.filter(network="wordpress").exists()


def test_a_post_has_its_title_featured_image_with_alt_text_category_and_tags(site, blog, team, client_for):
    client_for(team.owner).post(
        reverse("networks:update", kwargs={"slug": team.workspace.slug, "account_id": blog.pk}),
        {"colour": blog.colour, "is_brand": "on", "blog_status": "publish", "category": "5"},
    )
    delivery = scheduled(
        team,
        blog,
        "Sourdough, step by step\nFeed the starter the night before.\n#bread #Sourdough",
        images=[(picture(), "A sourdough loaf"), (picture(), "")],
    )
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED, delivery.error
    post = site.posts[int(delivery.remote_ids[0])]
    assert post["title"] == "Sourdough, step by step" and post["status"] == "publish"
    assert post["content"].startswith("<p>Feed the starter the night before.</p>")
    assert "<figure><img src=" in post["content"]  # the second image follows the text
    assert site.media[post["featured_media"]]["alt_text"] == "A sourdough loaf"
    assert post["categories"] == [5]
    assert sorted(site.tags[t] for t in post["tags"]) == ["Sourdough", "bread"]  # "bread" existed: reused
    assert len(site.tags) == 2
    assert delivery.remote_url == post["link"]


def test_an_account_set_to_drafts_leaves_a_draft_on_the_site(site, blog, team, client_for):
    client_for(team.owner).post(
        reverse("networks:update", kwargs={"slug": team.workspace.slug, "account_id": blog.pk}),
        {"colour": blog.colour, "is_brand": "on", "blog_status": "draft", "category": "999"},  # not the site's
    )
    blog.refresh_from_db()
    assert blog.credentials["status"] == "draft" and blog.credentials["category"] is None
    made = wordpress.publish(blog, OutgoingPost(text="Work in progress\nTo finish in WordPress.", idempotency_key="d"))
    assert site.posts[int(made.remote_id)]["status"] == "draft"


def test_a_lost_answer_is_found_before_retrying_so_nothing_goes_out_twice(site, blog, team):
    delivery = scheduled(team, blog, "Exactly once\nOne post, however often we ask.")
    site.lose_next_post_answer = True
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.RETRYING and delivery.needs_reconcile
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    engine.run_once("w2")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED and len(site.posts) == 1
    assert delivery.remote_ids == [str(next(iter(site.posts)))]


def test_a_retry_with_nothing_made_sends_again_once(site, blog, team):
    first = wordpress.find_published(blog, "never-tried")
    assert first is None
    wordpress.publish(blog, OutgoingPost(text="Another title\nbody", idempotency_key="other"))
    from firsthand.networks import lookup

    lookup.reserve(blog, "mine", "Mine")  # reserved, then the call never reached the site
    assert wordpress.find_published(blog, "mine") is None


def test_a_wrong_password_later_fails_the_post_and_asks_to_reconnect(site, blog, team):
    site.users["editor"] = "a new one after the old was revoked"
    delivery = scheduled(team, blog, "Too late\nThe password was revoked.")
    engine.run_once("w1")
    delivery.refresh_from_db()
    blog.refresh_from_db()
    assert delivery.state == State.FAILED and "no longer accepts the application password" in delivery.error
    assert blog.needs_reconnect and site.posts == {}


def test_signing_in_again_after_a_revoked_password_keeps_the_account_and_its_settings(site, blog, team, client_for):
    client = client_for(team.owner)
    client.post(
        reverse("networks:update", kwargs={"slug": team.workspace.slug, "account_id": blog.pk}),
        {"colour": blog.colour, "is_brand": "on", "blog_status": "draft", "category": "4"},
    )
    site.users["editor"] = "a new application password"
    health.check(blog)
    assert connect(client, team.workspace, site.url, password="a new application password").status_code == 302
    again = ConnectedAccount.objects.get(network="wordpress")
    assert again.pk == blog.pk and not again.needs_reconnect
    assert again.credentials["status"] == "draft" and again.credentials["category"] == "4"


def test_the_health_check_notices_a_revoked_password_and_new_categories(site, blog):
    site.categories[40] = "Events"
    health.check(blog)
    blog.refresh_from_db()
    assert blog.credentials["categories"]["40"] == "Events" and not blog.needs_reconnect
    site.users["editor"] = "revoked"
    health.check(blog)
    blog.refresh_from_db()
    assert blog.needs_reconnect


def test_deleting_moves_the_post_to_the_trash_and_twice_is_fine(site, blog):
    made = wordpress.publish(blog, OutgoingPost(text="Short-lived\ngone soon", idempotency_key="x"))
    assert wordpress.fetch_post(blog, made.remote_id).exists
    wordpress.delete(blog, made.remote_id)
    wordpress.delete(blog, made.remote_id)
    assert site.posts[int(made.remote_id)]["status"] == "trash"
    assert not wordpress.fetch_post(blog, made.remote_id).exists
    assert not wordpress.fetch_post(blog, "424242").exists


def test_comments_come_into_the_inbox_once_and_are_answered_as_replies(site, blog, team):
    delivery = scheduled(team, blog, "Spring menu\nWhat's new this spring.")
    engine.run_once("w1")
    ours = int(Delivery.objects.get(pk=delivery.pk).remote_ids[0])
    old = site.reader_comments(ours, "An old comment", at=timezone.now() - timedelta(days=2), name="Old")
    asked = site.reader_comments(ours, "Isn't the soup vegan?", name="Ann Lee")
    # As WordPress renders it (wptexturize's curly quote), and in the view context only the rendered text.
    asked["content"] = {"rendered": "<p>Isn&#8217;t the soup vegan?</p>\n"}
    site.comments[0] = {"code": "odd_plugin"}  # not a comment: passed over, the others still read
    assert ingest.poll(blog) == 2
    ingest.process_pending()
    talk = Conversation.objects.get(person__name="Ann Lee")
    assert talk.items.get().text == "Isn\u2019t the soup vegan?" and talk.post == Delivery.objects.get(pk=delivery.pk)
    operations.reply(team.membership("staff"), talk, "Yes, all of it!")
    answer = max(site.comments.values(), key=lambda c: c.get("id", 0))
    assert answer["parent"] == asked["id"] and answer["post"] == ours and answer["author"] == 7
    assert answer["content"]["raw"] == "<p>Yes, all of it!</p>"
    # Read again from the cursor: our own answer is not a customer's, and nothing comes twice.
    later = site.reader_comments(ours, "And gluten-free?", name="Bo")
    from firsthand.inbox.models import AccountCursor

    AccountCursor.objects.update(next_poll_at=timezone.now())
    ingest.poll(blog)
    ingest.process_pending()
    texts = sorted(i.text for c in Conversation.objects.all() for i in c.items.filter(direction="in"))
    assert texts == sorted([old["content"]["raw"], "Isn\u2019t the soup vegan?", later["content"]["raw"]])


def test_what_wordpress_does_not_do_says_so(blog):
    with pytest.raises(NetworkError, match="no likes"):
        wordpress.like(blog, "1")
    with pytest.raises(NetworkError, match="no private messages"):
        wordpress.send_message(blog, "t", "hi")
    with pytest.raises(NetworkError, match="not a WordPress comment"):
        wordpress.publish(blog, OutgoingPost(text="hi", idempotency_key="r", reply_to="not-a-number"))


def test_an_image_is_uploaded_with_a_file_name_and_its_type(site, blog):
    image = Media(path=picture(), mime_type="image/png", alt_text="Teal")
    made = wordpress.publish(blog, OutgoingPost(text="Teal\n", idempotency_key="i", media=(image,)))
    featured = site.media[site.posts[int(made.remote_id)]["featured_media"]]
    assert featured["type"] == "image/png" and featured["bytes"] == default_storage.open(image.path).size


def test_a_user_who_may_no_longer_publish_fails_the_post_in_wordpress_words_without_a_reconnect(site, blog, team):
    site.refuse_posts = (403, "rest_cannot_create", "Sorry, you are not allowed to create posts as this user.")
    delivery = scheduled(team, blog, "Demoted\nThe editor became a contributor.")
    engine.run_once("w1")
    delivery.refresh_from_db()
    blog.refresh_from_db()
    assert delivery.state == State.FAILED and "not allowed to create posts as this user" in delivery.error
    assert not blog.needs_reconnect


def test_a_site_that_fails_is_tried_again_and_asked_first(site, blog, team):
    site.refuse_posts = (500, "internal_server_error", "There has been a critical error on this website.")
    delivery = scheduled(team, blog, "Busy day\nThe host was down.")
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.RETRYING and delivery.needs_reconcile  # a 500 after a write: maybe made
    site.refuse_posts = None
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    engine.run_once("w2")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED and len(site.posts) == 1
