"""Feeds in, against a real local HTTP server serving feed files: each new entry becomes a post once."""

from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from firsthand.audit.models import AuditEvent
from firsthand.guard import crisis
from firsthand.networks.fake_http import LoopbackServer
from firsthand.networks.testing import connect_sandbox_account
from firsthand.publishing.feeds import operations, reading
from firsthand.publishing.feeds.models import Feed, FeedEntry
from firsthand.publishing.models import Post
from firsthand.publishing.queue import set_slots
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db


def rss(*items, title="Corner Café blog"):
    body = "".join(
        f"<item><title>{name}</title><link>https://cornercafe.com/blog/{slug}</link><guid>{slug}</guid>"
        f"<pubDate>{day} Dec 2026 08:00:00 GMT</pubDate>"
        f"<description>&lt;p&gt;All about {name}.&lt;/p&gt;</description></item>"
        for name, slug, day in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{body}</channel></rss>'.encode()


class Site(LoopbackServer):
    """Serves whatever the test puts at a path, and counts visits."""

    def __init__(self):
        super().__init__()
        self.files, self.visits, self.redirects = {}, [], {}
        self.start()

    def route(self, request, method):
        self.visits.append(request.path)
        if request.path in self.redirects:
            request.send_response(302)
            request.send_header("Location", self.redirects[request.path])
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        body, kind = self.files.get(request.path, (b"not here", "text/plain"))
        request.send_response(200 if request.path in self.files else 404)
        request.send_header("Content-Type", kind)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)


@pytest.fixture
def account(team):
    return connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)


@pytest.fixture
def site():
    server = Site()
    yield server
    server.stop()


OLD = [("Summer opening hours", "summer-hours", "01"), ("Our new oven", "new-oven", "02")]
NEW = ("Rye is back", "rye-is-back", "03")


def follow(team, account, site, mode=Feed.Mode.DRAFT, template="{title}\n\n{link}"):
    site.files["/feed.xml"] = (rss(*OLD), "application/rss+xml")
    return operations.add_feed(
        team.membership("owner"), url=site.url + "/feed.xml", accounts=[account], mode=mode, template=template
    )


def test_entries_already_in_the_feed_are_remembered_not_posted(team, account, site):
    feed = follow(team, account, site)
    assert feed.title == "Corner Café blog"
    assert FeedEntry.objects.filter(feed=feed, skipped=True).count() == 2
    assert not Post.objects.exists()
    assert AuditEvent.objects.filter(action="publishing.feed_added").exists()


def test_a_new_entry_becomes_one_draft_however_often_the_feed_repeats_it(team, account, site):
    feed = follow(team, account, site, template="{title}: {excerpt} {link}")
    site.files["/feed.xml"] = (rss(NEW, *OLD, NEW), "application/rss+xml")  # the same entry twice in the file
    assert operations.check(feed) == 1
    assert operations.check(feed) == 0  # and again on the next check
    post = Post.objects.get()
    assert post.text == "Rye is back: All about Rye is back. https://cornercafe.com/blog/rye-is-back"
    assert post.author == team.owner
    assert set(post.deliveries.values_list("state", flat=True)) == {State.DRAFT}
    assert FeedEntry.objects.get(key=reading.parse(rss(NEW)).entries[0].key).post == post


def test_queue_mode_goes_through_the_queue_and_the_check_keeps_what_it_stops_as_a_draft(team, account, site):
    set_slots(account, list(range(7)), [time(9, 0)])
    feed = follow(team, account, site, mode=Feed.Mode.QUEUE)
    site.files["/feed.xml"] = (rss(NEW, *OLD), "application/rss+xml")
    operations.check(feed)
    assert Post.objects.get().deliveries.get().state == State.SCHEDULED
    # An entry the guard stops (an insult in the title) stays a draft, with the reason on the page.
    site.files["/feed.xml"] = (rss(("You are all idiots and morons", "rant", "04"), NEW, *OLD), "application/rss+xml")
    operations.check(feed)
    rant = FeedEntry.objects.get(title__startswith="You are all")
    assert rant.post.deliveries.get().state in (State.DRAFT, State.AWAITING_APPROVAL)
    assert rant.outcome.startswith("Kept as a draft") or "approval" in rant.outcome.lower()


def test_a_paused_workspace_holds_what_a_feed_queues(team, account, site):
    set_slots(account, list(range(7)), [time(9, 0)])
    crisis.pause(team.membership("owner"), "A complaint going round")
    feed = follow(team, account, site, mode=Feed.Mode.QUEUE)
    site.files["/feed.xml"] = (rss(NEW, *OLD), "application/rss+xml")
    operations.check(feed)
    delivery = Post.objects.get().deliveries.get()
    assert delivery.state != State.PUBLISHING and delivery.state != State.PUBLISHED


@pytest.mark.parametrize(
    ("serve", "message"),
    [
        ((b"<html><body>Our blog</body></html>", "text/html"), "doesn't answer with an RSS or Atom feed"),
        ((b"<rss" + b" " * (reading.MAX_BYTES + 10), "application/rss+xml"), "larger than 2 MB"),
        (None, "answered 404"),
    ],
)
def test_what_is_not_a_readable_feed_is_refused_in_words_and_nothing_is_kept(team, account, site, serve, message):
    if serve:
        site.files["/feed.xml"] = serve
    with pytest.raises(reading.FeedError, match=message):
        operations.add_feed(
            team.membership("owner"), url=site.url + "/feed.xml", accounts=[account], mode="draft", template="{link}"
        )
    assert not Feed.objects.exists()


def test_a_feed_that_redirects_inside_this_network_is_not_followed(team, account, site, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # the site stands for a public one
    site.redirects["/feed.xml"] = "http://127.0.0.2:%d/admin.xml" % site.server.server_address[1]
    with pytest.raises(reading.FeedError, match="Could not reach that address"):
        operations.add_feed(
            team.membership("owner"), url=site.url + "/feed.xml", accounts=[account], mode="draft", template="{link}"
        )
    assert site.visits == ["/feed.xml"]


def test_a_failing_feed_says_why_waits_longer_and_never_holds_up_another(team, account, site):
    broken, working = follow(team, account, site), None
    site.files["/other.xml"] = (rss(*OLD, title="Supplier news"), "application/rss+xml")
    working = operations.add_feed(
        team.membership("owner"), url=site.url + "/other.xml", accounts=[account], mode="draft", template="{title}"
    )
    del site.files["/feed.xml"]
    site.files["/other.xml"] = (rss(NEW, *OLD, title="Supplier news"), "application/rss+xml")
    Feed.objects.update(next_check_at=timezone.now())
    assert operations.run_once() == 1
    broken.refresh_from_db()
    assert "answered 404" in broken.last_error and broken.failures == 1
    assert broken.next_check_at > working.next_check_at
    assert Post.objects.get().text == "Rye is back"
    assert operations.run_once() == 0  # neither is due again yet


def test_a_feed_whose_author_left_stops_and_says_so(team, account, site):
    site.files["/feed.xml"] = (rss(*OLD), "application/rss+xml")
    feed = operations.add_feed(
        team.membership("manager"), url=site.url + "/feed.xml", accounts=[account], mode="draft", template="{title}"
    )
    team.membership("manager").delete()
    site.files["/feed.xml"] = (rss(NEW, *OLD), "application/rss+xml")
    assert operations.check(feed) == 0
    feed.refresh_from_db()
    assert not feed.enabled and "no longer on the team" in feed.last_error
    assert not Post.objects.exists()


def test_the_page_adds_a_feed_shows_its_entries_and_only_settings_people_reach_it(team, account, site, client_for):
    site.files["/feed.xml"] = (rss(*OLD), "application/rss+xml")
    page_url = reverse("publishing:feeds", kwargs={"slug": team.workspace.slug})
    client = client_for(team.manager)
    made = client.post(
        page_url,
        {"url": site.url + "/feed.xml", "accounts": [account.pk], "mode": "draft", "template": "{title} {link}"},
    )
    assert made.status_code == 302
    page = client.get(page_url).content.decode()
    assert "Corner Café blog" in page and "Our new oven https://cornercafe.com/blog/new-oven" in page
    bad = client.post(
        page_url, {"url": site.url + "/nothing", "accounts": [account.pk], "mode": "draft", "template": "{title}"}
    )
    assert bad.status_code == 400 and "answered 404" in bad.content.decode()
    assert site.url + "/nothing" in bad.content.decode()  # what was typed stays in the form
    assert client_for(team.staff).get(page_url).status_code == 403
    assert client_for(team.outsider).get(page_url).status_code == 404
