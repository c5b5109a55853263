"""Own short links: made once per link and delivery when a post is scheduled, followed through the real
server, counted per post and account per day, never for bots or HEAD, and a plain 404 for anything else."""

import re
import threading
import urllib.request
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from firsthand.guard.models import BrandRules
from firsthand.networks.sandbox.models import SandboxFault, SandboxPost
from firsthand.publishing import deleting, engine, operations
from firsthand.publishing.models import Delivery, LinkSettings, ShortLink, ShortLinkDay
from firsthand.publishing.shortlinks import clicks, codes
from firsthand.publishing.shortlinks.tests.conftest import BASE
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db

SHORT = re.compile(re.escape(BASE) + r"/l/([a-z0-9]{8})")


def shortening(team, on=True, **fields):
    LinkSettings.objects.update_or_create(workspace=team.workspace, defaults={"short_links": on, **fields})


def published(team, accounts, text="Soup of the day: https://shop.example.com/menu", **fields):
    post = operations.save_post(team.membership("owner"), accounts=list(accounts), text=text, **fields)
    operations.schedule(team.membership("owner"), post, None)
    engine.run_once("w1")
    return post


def sent_code(account) -> str:
    return SHORT.search(SandboxPost.objects.get(account__handle=account.handle.lstrip("@")).text).group(1)


def clicks_of(delivery) -> int:
    return sum(ShortLinkDay.objects.filter(link__delivery=delivery).values_list("clicks", flat=True))


def test_links_go_out_short_and_lead_to_the_tagged_link_counting_each_click(team, accounts):
    cafe, _ = accounts
    shortening(team, utm_enabled=True, utm_source="{network}", utm_medium="social")
    post = published(team, [cafe], campaign="soup")
    text = SandboxPost.objects.get().text
    code = sent_code(cafe)
    assert text == f"Soup of the day: {BASE}/l/{code}"
    response = Client().get(f"/l/{code}")
    assert response.status_code == 302
    assert (
        response["Location"] == "https://shop.example.com/menu?utm_source=sandbox&utm_medium=social&utm_campaign=soup"
    )
    assert response["Cache-Control"] == "no-store"
    Client().get(f"/l/{code}")
    day = ShortLinkDay.objects.get()
    assert (day.clicks, day.day) == (2, timezone.localdate(timezone=timezone.get_default_timezone()))
    assert clicks_of(post.deliveries.get()) == 2


def test_each_account_gets_its_own_code_and_its_own_count(team, accounts):
    cafe, bakery = accounts
    shortening(team)
    post = published(team, accounts, text="Menu https://shop.example.com/menu and hours https://shop.example.com/hours")
    cafe_copy, bakery_copy = (post.deliveries.get(account=account) for account in accounts)
    assert cafe_copy.short_links.count() == bakery_copy.short_links.count() == 2
    assert not set(cafe_copy.short_links.values_list("code", flat=True)) & set(
        bakery_copy.short_links.values_list("code", flat=True)
    )
    for _ in range(3):
        Client().get(f"/l/{sent_code(cafe)}")
    Client().get(f"/l/{sent_code(bakery)}")
    assert (clicks_of(cafe_copy), clicks_of(bakery_copy)) == (3, 1)


def test_shortening_is_off_by_default_and_links_go_out_as_written(team, accounts):
    published(team, accounts[:1])
    assert SandboxPost.objects.get().text == "Soup of the day: https://shop.example.com/menu"
    assert not ShortLink.objects.exists()


def test_a_retry_sends_the_same_short_link_even_if_the_setting_changed_meanwhile(team, accounts):
    cafe, _ = accounts
    shortening(team)
    SandboxFault.objects.create(kind=SandboxFault.Kind.TIMEOUT, remaining=1)
    post = operations.save_post(team.membership("owner"), accounts=[cafe], text="Menu https://shop.example.com/menu")
    operations.schedule(team.membership("owner"), post, None)
    delivery = post.deliveries.get()
    code = ShortLink.objects.get(delivery=delivery).code
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.RETRYING and not SandboxPost.objects.exists()
    shortening(team, on=False)  # turned off while the post waits for its retry
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    engine.run_once("w2")
    assert SandboxPost.objects.get().text == f"Menu {BASE}/l/{code}"
    assert ShortLink.objects.count() == 1


def test_a_code_is_made_once_however_often_the_post_is_scheduled(team, accounts):
    cafe, _ = accounts
    shortening(team)
    owner = team.membership("owner")
    post = operations.save_post(owner, accounts=[cafe], text="Menu https://shop.example.com/menu")
    operations.schedule(owner, post, timezone.now() + timedelta(hours=2))
    first = ShortLink.objects.get().code
    operations.reschedule(owner, post, timezone.now() + timedelta(hours=3))
    operations.unschedule(owner, post)
    operations.schedule(owner, post, timezone.now() + timedelta(hours=1))
    assert list(ShortLink.objects.values_list("code", flat=True)) == [first]


def test_a_refused_post_leaves_no_codes_behind(team, accounts):
    cafe, _ = accounts
    shortening(team)
    rules = BrandRules.for_workspace(team.workspace)
    rules.banned_phrases = "cheap"
    rules.save()
    post = operations.save_post(team.membership("owner"), accounts=[cafe], text="Cheap soup https://shop.example.com")
    with pytest.raises(operations.PublishingError):
        operations.schedule(team.membership("owner"), post, None)
    assert not ShortLink.objects.exists()


def test_the_guard_sees_where_a_short_link_really_leads(team, accounts):
    cafe, _ = accounts
    shortening(team)
    rules = BrandRules.for_workspace(team.workspace)
    rules.allowed_domains = "shop.example.com\nsocial.example.com"
    rules.save()
    post = operations.save_post(team.membership("staff"), accounts=[cafe], text="Look https://elsewhere.example.org/x")
    assert operations.schedule(team.membership("staff"), post, None) == operations.AWAITING
    assert post.deliveries.get().findings.filter(kind="link_domain", reason__contains="elsewhere.example.org").exists()


def without_token(response) -> str:
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", response.content.decode())  # masked afresh on every page


def test_an_unknown_code_is_the_same_plain_404_as_any_other_address(team):
    ordinary = Client().get("/no-such-page/")
    for path in ("/l/23456789", "/l/XXXXXXXX", "/l/short", "/l/" + "a" * 300, "/l/%00%2e%2e"):
        response = Client().get(path)
        assert response.status_code == 404
        assert without_token(response) == without_token(ordinary), path


def test_a_code_of_a_deleted_post_or_of_one_taken_down_answers_404(team, accounts):
    cafe, bakery = accounts
    shortening(team)
    owner = team.membership("owner")
    draft = operations.save_post(owner, accounts=[cafe], text="Soon https://shop.example.com/soon")
    operations.schedule(owner, draft, timezone.now() + timedelta(hours=1))
    code = ShortLink.objects.get(delivery__post=draft).code
    assert Client().get(f"/l/{code}").status_code == 302  # what a scheduled post holds already works
    operations.unschedule(owner, draft)
    operations.delete_draft(owner, draft)
    assert Client().get(f"/l/{code}").status_code == 404

    post = published(team, [bakery])
    delivery = post.deliveries.get()
    live = sent_code(bakery)
    Client().get(f"/l/{live}")
    deleting.delete_from_network(owner, delivery)
    assert Client().get(f"/l/{live}").status_code == 404
    assert clicks_of(delivery) == 1  # the count stays for Insights


def test_only_web_links_are_shortened_and_redirected_to(team, accounts):
    cafe, _ = accounts
    assert codes.shortenable("https://shop.example.com/a") and codes.shortenable("http://shop.example.com")
    for url in ("javascript:alert(1)", "ftp://shop.example.com/f", "https://", "data:text/html,x", f"{BASE}/l/abc"):
        assert not codes.shortenable(url), url
    assert not codes.shortenable("https://shop.example.com/" + "a" * 2000)
    shortening(team)
    post = published(team, [cafe])
    # A row that could only come from a bug or a hand in the database still sends nobody to a script.
    ShortLink.objects.filter(delivery__post=post).update(target="javascript:alert(1)")
    assert Client().get(f"/l/{sent_code(cafe)}").status_code == 404


def test_head_requests_and_the_networks_preview_bots_are_sent_on_but_not_counted(team, accounts):
    cafe, _ = accounts
    shortening(team)
    post = published(team, [cafe])
    path = f"/l/{sent_code(cafe)}"
    assert Client().head(path).status_code == 302
    for agent in (
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Twitterbot/1.0",
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
        "http.rb/5.1.1 (Mastodon/4.2.0; +https://mastodon.social/)",
    ):
        assert Client(headers={"User-Agent": agent}).get(path).status_code == 302
    assert clicks_of(post.deliveries.get()) == 0
    browser = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
    Client(headers={"User-Agent": browser}).get(path)
    assert clicks_of(post.deliveries.get()) == 1
    assert Client().post(path).status_code == 405


def test_a_click_sets_no_cookie_and_keeps_nothing_about_who_clicked(team, accounts, client_for):
    cafe, _ = accounts
    shortening(team)
    published(team, [cafe])
    response = Client(REMOTE_ADDR="203.0.113.9", headers={"User-Agent": "Firefox/128"}).get(f"/l/{sent_code(cafe)}")
    assert response.status_code == 302 and not response.cookies
    signed_in = client_for(team.staff).get(f"/l/{sent_code(cafe)}")  # a member's click counts the same
    assert signed_in.status_code == 302
    assert {field.name for field in ShortLinkDay._meta.concrete_fields} == {"id", "link", "day", "clicks"}
    assert ShortLinkDay.objects.get().clicks == 2


def test_counting_is_one_update_per_click_once_the_days_row_exists(team, accounts, django_assert_num_queries):
    cafe, _ = accounts
    shortening(team)
    published(team, [cafe])
    path = f"/l/{sent_code(cafe)}"
    Client().get(path)
    with django_assert_num_queries(2):  # the code's lookup, then one UPDATE
        Client().get(path)


@pytest.mark.django_db(transaction=True)
def test_clicks_through_the_real_server_count_every_one_of_many_at_once(team, accounts, live_server):
    cafe, bakery = accounts
    shortening(team)
    published(team, accounts)
    opener = urllib.request.build_opener(NoRedirect)

    def follow(code):
        with opener.open(f"{live_server.url}/l/{code}") as response:
            return response.status, response.headers["Location"]

    assert follow(sent_code(cafe)) == (302, "https://shop.example.com/menu")
    failures = []

    def click_many(code):
        try:
            for _ in range(10):
                follow(code)
        except Exception as error:  # collected: an assertion in a thread would be lost
            failures.append(repr(error))

    threads = [threading.Thread(target=click_many, args=(sent_code(cafe),)) for _ in range(6)]
    threads += [threading.Thread(target=click_many, args=(sent_code(bakery),)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    cafe_copy, bakery_copy = (Delivery.objects.get(account=account) for account in accounts)
    assert (clicks_of(cafe_copy), clicks_of(bakery_copy)) == (61, 20)
    try:
        opener.open(f"{live_server.url}/l/23456789")
    except urllib.error.HTTPError as error:
        assert error.code == 404
    else:
        pytest.fail("an unknown code was followed")
    assert connection.vendor in ("sqlite", "postgresql")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp


def test_two_first_clicks_of_a_day_racing_both_count(team, accounts):
    cafe, _ = accounts
    shortening(team)
    post = published(team, [cafe])
    link = ShortLink.objects.get(delivery__post=post)
    today = timezone.localdate()
    ShortLinkDay.objects.create(link=link, day=today, clicks=1)  # the other click's INSERT won
    # Our UPDATE ran before their INSERT and found nothing; our INSERT then meets theirs.
    original = ShortLinkDay.objects.filter
    calls = []

    def first_update_finds_nothing(*args, **kwargs):
        found = original(*args, **kwargs)
        calls.append(1)
        return found.none() if len(calls) == 1 else found

    ShortLinkDay.objects.filter = first_update_finds_nothing
    try:
        clicks.count_click(link.pk, today)
    finally:
        del ShortLinkDay.objects.filter
    assert ShortLinkDay.objects.get().clicks == 2
