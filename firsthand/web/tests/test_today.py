"""The home page is today's work: every figure counts what the page it links to lists."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from firsthand.guard import crisis
from firsthand.inbox.models import Conversation
from firsthand.inbox.tests.test_pages import arrive
from firsthand.networks.testing import connect_sandbox_account
from firsthand.publishing import operations
from firsthand.publishing.models import Delivery
from firsthand.publishing.states import State
from firsthand.web.today import today_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(team):
    return connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)


def home(client, team):
    return client.get(reverse("web:workspace_home", kwargs={"slug": team.workspace.slug})).content.decode()


def post(team, account, text, when=None, persona="owner"):
    saved = operations.save_post(team.membership(persona), accounts=[account], text=text)
    operations.schedule(team.membership(persona), saved, when)
    return saved


def test_a_quiet_day_says_so_and_links_to_each_place(team, client_for, account):
    html = home(client_for(team.owner), team)
    assert "Nobody is waiting for an answer." in html
    assert "No post waits for approval." in html
    assert "Nothing failed, unconfirmed or held." in html
    assert "Nothing is scheduled." in html


def test_the_figures_count_exactly_what_waits_and_link_to_it(team, client_for, account):
    arrive(account, "My order never arrived and nobody answers", handle="ann", name="Ann")
    arrive(account, "Do you have gluten free bread?", handle="bob", name="Bob")
    arrive(account, "Lovely croissants today", handle="cat", name="Cat")
    answered = Conversation.objects.get(person__handle="cat")
    client_for(team.staff).post(
        reverse("inbox:conversation", kwargs={"slug": team.workspace.slug, "conversation_id": answered.pk}),
        {"text": "Thank you, Cat!"},
    )
    # Ann has waited three hours: past the default one-hour target, whatever the time of day.
    Conversation.objects.filter(person__handle="ann").update(awaiting_since=timezone.now() - timedelta(hours=3))
    targets_url = reverse("inbox:targets", kwargs={"slug": team.workspace.slug})
    client_for(team.owner).post(
        targets_url,
        {
            "first_response_minutes": 60,
            "next_response_minutes": 60,
            "opens_at": "00:00",
            "closes_at": "23:59",
            "days": [str(d) for d in range(7)],
        },
    )

    today = today_for(team.membership("owner"))
    assert today.inbox.waiting == "2"  # Ann and Bob; Cat was answered
    assert today.inbox.overdue == "1" and today.inbox.complaints == "1"
    assert today.inbox.oldest == "3 h"

    html = home(client_for(team.owner), team)
    inbox_url = reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    assert f'href="{inbox_url}"><strong>2</strong> conversations</a>' in html
    assert f'href="{inbox_url}?label=complaint">1 complaint</a>' in html
    assert "1 past the response target" in html and "The longest has waited 3 h." in html
    # The complaint link shows just the complaint.
    listed = client_for(team.owner).get(f"{inbox_url}?label=complaint").content.decode()
    assert "never arrived" in listed and "gluten" not in listed


def test_posts_that_need_a_look_and_the_next_ones_out(team, client_for, account):
    second = connect_sandbox_account(team.workspace, "corner-cafe-news", by=team.owner)
    tomorrow = timezone.now() + timedelta(days=1)
    later = post(team, account, "Bread class on Sunday", tomorrow + timedelta(hours=2))
    sooner = operations.save_post(team.membership("owner"), accounts=[account, second], text="Fresh sourdough tomorrow")
    operations.schedule(team.membership("owner"), sooner, tomorrow)
    failed = post(team, account, "Summer menu is here", tomorrow + timedelta(days=3))
    Delivery.objects.filter(post=failed).update(state=State.FAILED, error="Sandbox refused the content")
    flagged = post(team, account, "Every driver in this city is a f*cking idiot", tomorrow, persona="staff")

    today = today_for(team.membership("owner"))
    assert [going.post for going in today.next_posts] == [sooner, later]
    assert [d.post for d in today.attention] == [failed]
    assert today.approvals == "1"

    html = home(client_for(team.owner), team)
    assert "Sandbox refused the content" in html
    assert reverse("publishing:post", kwargs={"slug": team.workspace.slug, "post_id": failed.pk}) in html
    assert html.index("Fresh sourdough tomorrow") < html.index("Bread class on Sunday")
    assert html.count("Fresh sourdough tomorrow") == 1 and "@corner-cafe, @corner-cafe-news" in html
    assert "<strong>1</strong> post waiting for approval" in html
    # Staff cannot approve: no approvals card for them.
    assert "waiting for approval" not in home(client_for(team.staff), team)
    assert flagged.deliveries.get().state == State.AWAITING_APPROVAL


def test_a_pause_is_on_the_home_page_with_the_way_to_resume(team, client_for, account):
    crisis.pause(team.membership("owner"), "Complaint going viral", None)
    html = home(client_for(team.manager), team)
    assert "Publishing is paused" in html and "Complaint going viral" in html
    assert reverse("guard:pause", kwargs={"slug": team.workspace.slug}) in html
    assert "Review and resume" not in home(client_for(team.staff), team)


def test_getting_started_shrinks_to_a_line_once_done(team, client_for, account):
    assert "Getting started" in home(client_for(team.owner), team)
    post(team, account, "Hello from the corner", timezone.now() + timedelta(days=2))
    html = home(client_for(team.owner), team)
    assert "Getting started" not in html and "Set up: 4 people, 1 account connected, 1 post written." in html
