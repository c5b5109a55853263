"""Insights → Posts: each post's figures, where each count leads, the best and worst, the CSV, bad input."""

import csv
import io
import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from firsthand.inbox import ingest
from firsthand.inbox.models import Interaction
from firsthand.insights.posts import engine, figures
from firsthand.insights.posts.models import PostFigures
from firsthand.insights.tests.test_post_figures import publish, reply_to
from firsthand.networks.models import ConnectedAccount
from firsthand.networks.testing import connect_sandbox_account
from firsthand.team import operations as team_operations

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def shop(team):
    team.workspace.timezone = "Europe/London"
    team.workspace.save()
    cafe = connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    bakery = connect_sandbox_account(team.workspace, "corner-bakery", by=team.owner)
    return cafe, bakery


def file_replies():
    for account in ConnectedAccount.objects.all():
        ingest.poll(account)
    ingest.process_pending()


@pytest.fixture
def history(team, shop):
    """Three posts: soup with three replies (at 12:xx London time), buns with one, a quiet one with none."""
    cafe, bakery = shop
    owner = team.membership("owner")
    soup = publish(owner, cafe, "=SUM(A1) Soup of the day: leek", hours_ago=30)
    buns = publish(owner, bakery, "Cinnamon buns at 4", hours_ago=20)
    quiet = publish(owner, cafe, "Closed on Monday", hours_ago=10)
    for handle in ("ann", "bob", "cat"):
        reply_to(soup, handle, "Yum!")
    reply_to(buns, "dan", "Save me two")
    file_replies()
    noon = datetime.combine(timezone.localdate(timezone=LONDON) - timedelta(days=1), datetime.min.time(), LONDON)
    for n, item in enumerate(Interaction.objects.filter(direction="in").order_by("pk")):
        Interaction.objects.filter(pk=item.pk).update(created_at=noon + timedelta(hours=12, minutes=n))
    engine.run_once()
    return soup, buns, quiet


def page(client, team, **params):
    return client.get(reverse("insights:posts", kwargs={"slug": team.workspace.slug}), params)


def test_each_post_shows_its_replies_from_the_inbox_and_the_count_opens_exactly_them(team, client_for, history):
    soup, buns, quiet = history
    client = client_for(team.staff)
    body = page(client, team).content.decode()
    assert "Soup of the day" in body and "Cinnamon buns" in body and "Closed on Monday" in body
    link = unescape(re.search(r'href="([^"]*post=' + str(soup.pk) + r'[^"]*)"', body)[1])
    inbox = client.get(link).content.decode()
    assert inbox.count("Yum!") == 3 and "Save me two" not in inbox
    assert "Replies to “=SUM(A1) Soup of the day" in inbox  # the chip says which post the inbox shows
    assert reverse("publishing:post", args=[team.workspace.slug, soup.post_id]) in body  # a row opens its post


def test_totals_count_each_post_once_and_match_the_inbox(team, history):
    soup, buns, quiet = history
    from firsthand.insights import filters

    period = filters.parse(team.membership("owner"), {})
    rows = list(figures.rows(team.membership("owner"), period))
    assert [r.inbox_replies for r in rows] == [3, 1, 0]  # sorted by replies
    total = figures.totals(rows)
    assert total["posts"] == 3 and total["inbox_replies"] == 4
    assert total["likes"] == sum(PostFigures.objects.values_list("likes", flat=True))
    # Figures read a second time replace the first: nothing is added twice.
    PostFigures.objects.update(next_fetch_at=timezone.now())
    engine.run_once()
    assert figures.totals(list(figures.rows(team.membership("owner"), period)))["likes"] == total["likes"]


def test_best_and_worst_never_name_the_same_post(team, history):
    soup, buns, quiet = history
    from firsthand.insights import filters

    rows = list(figures.rows(team.membership("owner"), filters.parse(team.membership("owner"), {})))
    best, worst = figures.best_and_worst(rows)
    assert best[0].pk != worst[0].pk and not {r.pk for r in best} & {r.pk for r in worst}
    assert figures.best_and_worst(rows[:1]) == (rows[:1], [])


def test_the_hours_replies_come_are_drawn_with_their_table_and_suggest_queue_slots(team, client_for, history):
    soup, buns, quiet = history
    Interaction.objects.create(
        conversation=Interaction.objects.filter(direction="in").first().conversation, direction="in",
        kind="reply", author_handle="eve", text="Later", created_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    body = page(client_for(team.owner), team).content.decode()
    assert "<svg" in body and "The table behind the chart" in body
    # The busiest hours, shown as a day runs: the reply an hour ago may come before 12:00 (the suite at night).
    suggested = re.search(r"Replies come most at <strong>([^<]*)</strong>", body)
    assert suggested and "12:00" in suggested[1].split(", ")
    # The suggested queue slots themselves, per account with their figures, are where queue times are set.
    assert reverse("publishing:queue_times", args=[team.workspace.slug]) in body and "Best times to post" in body
    assert figures.suggested_hours([[0] * 24 for _ in range(7)]) == []  # no replies: no suggestion


def test_sorting_by_likes_puts_the_most_liked_first(team, client_for, history):
    soup, buns, quiet = history
    PostFigures.objects.filter(delivery=quiet).update(likes=999)
    body = page(client_for(team.owner), team, sort="likes").content.decode()
    listing = body[body.index('id="every-post"') :]
    assert listing.index("Closed on Monday") < listing.index("Soup of the day")
    assert page(client_for(team.owner), team, sort="<script>").status_code == 200  # an unknown sort: replies


def test_the_csv_holds_every_post_with_formulas_made_harmless(team, client_for, history):
    response = page(client_for(team.owner), team, format="csv", table="posts")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:6] == ["published (UTC)", "account", "network", "text", "url", "replies in the inbox"]
    soup = next(r for r in rows if "Soup" in r[3])
    assert soup[3].startswith("'=SUM") and soup[5] == "3"
    hours = list(csv.reader(io.StringIO(b"".join(page(client_for(team.owner), team, format="csv", table="hours")
                                                 .streaming_content).decode())))  # fmt: skip
    assert hours[0][0] == "weekday" and sum(int(n) for row in hours[1:] for n in row[1:]) == 4


def test_a_member_limited_to_one_account_sees_only_its_posts(team, client_for, history, shop):
    cafe, bakery = shop
    team_operations.limit_accounts(team.membership("owner"), team.membership("staff"), [bakery])
    body = page(client_for(team.staff), team).content.decode()
    assert "Cinnamon buns" in body and "Soup of the day" not in body
    assert 'id="best-posts"' in body and 'id="worst-posts"' not in body  # one post: never both best and worst


def test_a_period_without_posts_and_unreadable_filters_say_so(team, client_for, history):
    client = client_for(team.owner)
    empty = page(client, team, since="2020-01-01", until="2020-01-31").content.decode()
    assert "No posts published in this period" in empty
    bad = page(client, team, since="not-a-date", account="99999999999999999999", network="<b>").content.decode()
    assert "Dates are written as year-month-day" in bad and "Soup of the day" in bad


def test_a_network_that_gives_no_figures_is_named_with_its_reason(team, client_for, shop):
    linkedin = ConnectedAccount.objects.create(workspace=team.workspace, network="linkedin", remote_id="1", handle="Co")
    publish(team.membership("owner"), linkedin, "Hiring!", hours_ago=1)
    engine.run_once()
    body = unescape(page(client_for(team.owner), team).content.decode())
    assert "LinkedIn: LinkedIn gives an organisation post's figures only to approved" in body
    assert "— likes" in body  # a dash, never a made-up 0
    exported = page(client_for(team.owner), team, format="csv", table="posts")
    (row,) = list(csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert row["likes"] == "" and "LinkedIn gives" in row["why not"]


def test_reply_hours_from_the_workers_counts_equal_the_live_count(team, client_for, history, shop):
    from firsthand.insights.rollups import engine as rollups
    from firsthand.insights.rollups.models import HourlyCount
    from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent

    cafe, _ = shop
    client = client_for(team.owner)
    # A customer's message that answers no post of ours: counted in messages, never in replies.
    SandboxEvent.objects.create(account=SandboxAccount.objects.get(pk=int(cafe.remote_id)), kind="mention",
                                author_handle="zed", author_name="Zed", text="Hello there")  # fmt: skip
    file_replies()
    live = page(client, team).context["hours"]
    assert sum(sum(row) for _, row in live) == 4
    rollups.run_once()
    assert sum(HourlyCount.objects.values_list("replies", flat=True)) == 4
    assert sum(HourlyCount.objects.values_list("total", flat=True)) == 5
    assert page(client, team).context["hours"] == live
    # The page sums the stored counts: change one, the figure follows.
    HourlyCount.objects.filter(replies=3).update(replies=7)
    cache.clear()  # the figure was kept: nothing it is counted from changed, as far as the page can tell
    assert sum(sum(row) for _, row in page(client, team).context["hours"]) == 8


def test_the_kept_rows_follow_every_change_they_are_counted_from(team, client_for, history, shop):
    """The rows are kept between views (insights.kept): each thing a row shows changing shows at once, as the
    writers write it (the figures' reader, publishing, taking a post down and a click all update in place)."""
    from firsthand.publishing.models import Delivery
    from firsthand.publishing.shortlinks.clicks import count_click
    from firsthand.publishing.shortlinks.models import ShortLink
    from firsthand.publishing.states import State

    soup, buns, quiet = history
    cafe, _ = shop
    client = client_for(team.owner)
    link = ShortLink.objects.create(
        delivery=quiet, code="abc123", target="https://example.com/menu"
    )  # made before it went out
    body = page(client, team).content.decode()
    assert "999" not in body and "<strong>0</strong> clicks on your links" in body
    PostFigures.objects.filter(delivery=quiet).update(likes=999, fetched_at=timezone.now())
    assert "<strong>999</strong> likes" in page(client, team).content.decode()

    publish(team.membership("owner"), cafe, "Fresh bagels from Tuesday", hours_ago=1)
    assert "Fresh bagels from Tuesday" in page(client, team).content.decode()

    count_click(link.pk, timezone.localdate())
    assert "<strong>1</strong> click on your links" in page(client, team).content.decode()

    Delivery.objects.filter(pk=buns.pk, state=State.PUBLISHED).update(state=State.DELETED)
    assert "Cinnamon buns" not in page(client, team).content.decode()

    reply_to(soup, "eve", "Is it vegan?")
    file_replies()
    assert 'aria-label="4 replies in the inbox' in page(client, team).content.decode()


def test_the_page_lists_the_first_posts_and_shows_all_on_request(team, client_for, history, monkeypatch):
    from firsthand.insights.posts import figures as post_figures

    monkeypatch.setattr(post_figures, "SHOWN", 2)
    client = client_for(team.owner)
    body = page(client, team).content.decode()
    listing = body[body.index('id="every-post"') :]
    assert listing.count('class="post-figures-row"') == 2 and "Closed on Monday" not in listing
    assert "rows=all#every-post" in listing and "Show all 3 posts" in listing
    listing = page(client, team, rows="all").content.decode()
    listing = listing[listing.index('id="every-post"') :]
    assert listing.count('class="post-figures-row"') == 3 and "Show all" not in listing
