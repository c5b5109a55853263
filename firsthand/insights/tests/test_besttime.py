"""Best time to post: the suggestions on a known history (across a change of the clocks, in the workspace's
zone), the minimum-data rule, where each figure leads, the one-click slot and who may add it."""

import re
from datetime import date, datetime, time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from firsthand.audit.models import AuditEvent
from firsthand.inbox.models import Conversation, Interaction, Person
from firsthand.insights import besttime
from firsthand.insights.posts.models import PostFigures
from firsthand.insights.rollups import engine as rollups
from firsthand.insights.rollups.models import HourlyCount
from firsthand.networks.testing import connect_sandbox_account
from firsthand.publishing import operations, queue_times
from firsthand.publishing.models import Delivery, Post, QueueSlot
from firsthand.publishing.states import State
from firsthand.team.models import Workspace

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")
# The US clocks went forward on 8 March 2026: 10:00 in New York was 15:00 UTC before, 14:00 UTC after.
SPRING = date(2026, 4, 15)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), NEW_YORK)


def last(weekday: int, today: date) -> date:
    """The latest `weekday` (Monday is 0) on or before today."""
    return today - timedelta(days=(today.weekday() - weekday) % 7)


class History:
    def __init__(self, workspace, account):
        self.workspace, self.account, self.n = workspace, account, 0

    def post(self, when: datetime, text: str, likes=None, clicks=None) -> Delivery:
        self.n += 1
        post = Post.objects.create(workspace=self.workspace, text=text)
        delivery = Delivery.objects.create(
            post=post, account=self.account, state=State.PUBLISHED, published_at=when, remote_ids=[f"p{self.n}"]
        )
        if likes is not None or clicks is not None:
            PostFigures.objects.create(delivery=delivery, likes=likes, clicks=clicks, fetched_at=when)
        return delivery

    def customer(self, when: datetime, text: str, post: Delivery | None = None) -> Conversation:
        self.n += 1
        person = Person.objects.create(workspace=self.workspace, network="sandbox", handle=f"customer{self.n}")
        conversation = Conversation.objects.create(
            workspace=self.workspace,
            account=self.account,
            person=person,
            key=f"k{self.n}",
            kind="reply" if post else "message",
            post=post,
            first_inbound_at=when,
            last_inbound_at=when,
            awaiting_since=when,
        )
        Interaction.objects.create(
            conversation=conversation,
            remote_id=f"r{self.n}",
            direction=Interaction.Direction.IN,
            kind=conversation.kind,
            author_handle=person.handle,
            text=text,
            created_at=when,
        )
        return conversation


def build(workspace, account, today: date) -> History:
    """Within the 90 days up to `today`, on New York's clock:
    - 6 posts on Tuesdays at 10:00, a fortnight apart, each with 4 customers' replies three hours later
      (Tuesdays 13:00: 24 messages);
    - 3 posts on Thursdays at 18:00, each with 1 reply at 21:00 and 2 likes: 3 responses a post;
    - 2 posts on Mondays at 08:00 that nobody answered or liked;
    - 12 direct messages on Wednesdays at 09:xx, none about a post;
    - and, outside the window, an old Friday post with many replies that must count for nothing.
    """
    history = History(workspace, account)
    tuesday, thursday, monday, wednesday = (last(day, today) for day in (1, 3, 0, 2))
    for k in range(6):
        day = tuesday - timedelta(weeks=2 * k)
        post = history.post(at(day, 10), f"Tuesday special {k}")
        for n in range(4):
            history.customer(at(day, 13, n), f"Lovely {k}.{n}", post=post)
    for k in range(3):
        day = thursday - timedelta(weeks=k)
        post = history.post(at(day, 18, 5), f"Thursday evening {k}", likes=2)
        history.customer(at(day, 21, 10), f"See you there {k}", post=post)
    for k in range(2):
        history.post(at(monday - timedelta(weeks=k), 8), f"Monday hello {k}", likes=0, clicks=0)
    for k in range(12):
        history.customer(at(wednesday - timedelta(weeks=k), 9, 15), f"Are you open? {k}")
    old = history.post(at(today - timedelta(days=120), 11), "Old Friday post")
    for n in range(10):
        history.customer(at(today - timedelta(days=120), 12, n), "Old reply", post=old)
    return history


@pytest.fixture
def shop(team):
    team.workspace.timezone = "America/New_York"
    team.workspace.save()
    return connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)


EXPECTED = ["Tue 10:00", "Thu 18:00", "Tue 13:00", "Wed 09:00", "Thu 21:00"]


def test_suggestions_on_a_known_history_across_a_change_of_the_clocks(team, shop):
    build(team.workspace, shop, SPRING)
    tuesdays = Delivery.objects.filter(post__text__startswith="Tuesday special")
    assert {d.published_at.astimezone(ZoneInfo("UTC")).hour for d in tuesdays} == {14, 15}  # both sides of DST
    advice = besttime.advise(team.membership("owner"), shop, today=SPRING)
    assert advice.enough and advice.posts == 11 and advice.messages == 24 + 3 + 12
    assert [s.cell.label for s in advice.suggestions] == EXPECTED
    best, thursday, replies_hour, wednesday, late = advice.suggestions
    assert best.posts_line == "6 posts published Tuesdays 10:00–10:59 got 4 replies on average."
    assert best.customers_line == "No customer wrote Tuesdays 10:00–10:59."
    assert thursday.posts_line == "3 posts published Thursdays 18:00–18:59 got 1 replies and 2 likes on average."
    assert replies_hour.posts_line == "No posts published Tuesdays 13:00–13:59 yet."
    assert replies_hour.customers_line == (
        "Customers wrote 24 messages Tuesdays 13:00–13:59 (the 1st busiest of the week's hours)."
    )
    assert wednesday.customers_line.startswith("Customers wrote 12 messages Wednesdays 09:00–09:59 (the 2nd")
    assert (best.cell.score, thursday.cell.score) == (pytest.approx(0.6), pytest.approx(0.45))
    assert advice.busiest == "Tue 13–14, Wed 9–10, Thu 21–22"


def test_the_hourly_counts_give_the_same_suggestions_as_counting_live(team, shop):
    build(team.workspace, shop, SPRING)
    live = besttime.advise(team.membership("owner"), shop, today=SPRING)
    assert rollups.run_once() > 0 and HourlyCount.objects.filter(account=shop).exists()
    rolled = besttime.advise(team.membership("owner"), shop, today=SPRING)
    assert [(s.cell.label, s.customers_line, s.posts_line) for s in rolled.suggestions] == [
        (s.cell.label, s.customers_line, s.posts_line) for s in live.suggestions
    ]
    assert rolled.messages == live.messages == 39


def test_the_workspace_zone_decides_the_hour(team, shop):
    """The same moments read on London's clock fall in other hours: 10:00 in New York is 15:00 in London
    (in April, both on summer time)."""
    build(team.workspace, shop, SPRING)
    team.workspace.timezone = "Europe/London"
    team.workspace.save()
    advice = besttime.advise(team.membership("owner"), shop, today=SPRING)
    assert "Tue 10:00" not in [s.cell.label for s in advice.suggestions]
    # Between 8 and 29 March New York was on summer time and London not yet: the 17 March post went out at
    # 14:00 London time, the other five at 15:00. One post alone is no pattern, so 14:00 is not suggested.
    with timezone.override(ZoneInfo("Europe/London")):
        start, end = besttime.window(SPRING)[2:]
        cells, count = besttime.post_cells(shop, start, end)
    assert count == 11 and (cells[(1, 15)].posts, cells[(1, 14)].posts) == (5, 1)
    assert advice.suggestions[0].cell.label == "Tue 15:00"
    assert advice.suggestions[0].posts_line == "5 posts published Tuesdays 15:00–15:59 got 4 replies on average."
    assert "Tue 14:00" not in [s.cell.label for s in advice.suggestions]


def test_too_little_history_is_said_not_guessed(team, shop):
    history = History(team.workspace, shop)
    for k in range(besttime.MIN_POSTS - 1):
        post = history.post(at(SPRING - timedelta(days=k), 10), f"Post {k}")
        history.customer(at(SPRING - timedelta(days=k), 11), "Nice", post=post)
    history.post(at(SPRING - timedelta(days=100), 10), "Too old to count")
    advice = besttime.advise(team.membership("owner"), shop, today=SPRING)
    assert not advice.enough and advice.suggestions == []
    assert advice.shortfall == "Not enough history yet: 7 posts published in the last 90 days, need 8."
    history.post(at(SPRING, 16), "The eighth")
    assert besttime.advise(team.membership("owner"), shop, today=SPRING).enough


def page(client, team):
    return client.get(reverse("publishing:queue_times", kwargs={"slug": team.workspace.slug}))


def test_the_queue_times_page_explains_each_suggestion_and_each_figure_opens_what_it_counted(team, shop, client_for):
    build(team.workspace, shop, timezone.localdate(timezone=NEW_YORK))
    client = client_for(team.viewer)
    body = page(client, team).content.decode()
    assert "Best times to post" in body and "6 posts published Tuesdays 10:00–10:59 got 4 replies" in body
    button = reverse("publishing:add_suggested_slot", args=[team.workspace.slug, shop.pk])
    assert button not in body  # a viewer sees the advice, not the button
    posts_link = unescape(re.search(r'href="([^"]*weekday=2&amp;hour=10[^"]*)"', body)[1])
    listed = client.get(posts_link).content.decode()
    assert listed.count("Tuesday special") == 6 and "Thursday evening" not in listed
    assert "Published on Tuesdays, 10:00–10:59" in listed
    inbox_link = unescape(re.search(r'href="(/w/[^"]*/inbox/[^"]*weekday=3&amp;hour=9[^"]*)"', body)[1])
    inbox = client.get(inbox_link).content.decode()
    assert inbox.count("Are you open?") == 12 and "Lovely" not in inbox


def test_one_click_adds_the_slot_through_the_operation_and_logs_it(team, shop, client_for):
    build(team.workspace, shop, timezone.localdate(timezone=NEW_YORK))
    client = client_for(team.manager)
    address = reverse("publishing:add_suggested_slot", args=[team.workspace.slug, shop.pk])
    assert f'action="{address}"' in page(client, team).content.decode()
    client.post(address, {"weekday": "1", "hour": "10"})
    assert list(QueueSlot.objects.filter(account=shop).values_list("weekday", "at")) == [(1, time(10))]
    logged = AuditEvent.objects.filter(action="publishing.queue_time_added")
    assert logged.count() == 1 and "Tuesdays at 10:00" in logged.get().summary
    client.post(address, {"weekday": "1", "hour": "10"})  # twice: still one slot, one log line
    assert QueueSlot.objects.filter(account=shop).count() == 1 and logged.count() == 1
    body = page(client, team).content.decode()
    assert "In the queue" in body
    client.post(address, {"weekday": "9", "hour": "10"})
    client.post(address, {"weekday": "1", "hour": "24"})
    assert QueueSlot.objects.filter(account=shop).count() == 1


def test_only_those_who_edit_queue_times_may_add_one(team, shop, client_for):
    address = reverse("publishing:add_suggested_slot", args=[team.workspace.slug, shop.pk])
    for persona in ("staff", "viewer"):
        assert client_for(team.user(persona)).post(address, {"weekday": "1", "hour": "10"}).status_code == 403
        with pytest.raises(PermissionDenied):
            queue_times.add_queue_slot(team.membership(persona), shop, 1, time(10))
    assert client_for(team.outsider).post(address, {"weekday": "1", "hour": "10"}).status_code == 404
    assert not QueueSlot.objects.exists()
    assert queue_times.add_queue_slot(team.membership("owner"), shop, 1, time(10))
    other = connect_sandbox_account(Workspace.objects.get(name="Elsewhere Ltd"), "elsewhere", by=team.outsider)
    with pytest.raises(operations.PublishingError):
        queue_times.add_queue_slot(team.membership("owner"), other, 1, time(10))
