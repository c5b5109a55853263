"""The inbox's date, kind and network filters: what an Insights figure links to."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from firsthand.inbox.models import Conversation, Interaction
from firsthand.inbox.tests.test_pages import arrive
from firsthand.networks.testing import connect_sandbox_account

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def account(team):
    team.workspace.timezone = "Europe/London"
    team.workspace.save()
    return connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)


def at(account, handle, when, labels):
    arrive(account, f"message from {handle}", handle=handle, name=handle)
    item = Interaction.objects.filter(direction="in").latest("pk")
    Interaction.objects.filter(pk=item.pk).update(created_at=when, labels=labels)
    Conversation.objects.filter(pk=item.conversation_id).update(labels=labels)


def listed(client, team, **params):
    response = client.get(reverse("inbox:inbox", kwargs={"slug": team.workspace.slug}), {"status": "all", **params})
    assert response.status_code == 200
    return {c.person.handle for c in response.context["conversations"]}


def test_a_day_is_the_workspaces_day_even_when_clocks_go_forward(team, client_for, account):
    # 29 March 2026 in London has 23 hours: 00:00 GMT to 00:00 BST next day is 23:00 UTC on the 29th.
    at(account, "early", datetime(2026, 3, 29, 0, 10, tzinfo=LONDON), ["question"])
    at(account, "late", datetime(2026, 3, 29, 23, 50, tzinfo=LONDON), ["question"])
    at(account, "next", datetime(2026, 3, 30, 0, 5, tzinfo=LONDON), ["question"])
    at(account, "before", datetime(2026, 3, 28, 23, 55, tzinfo=LONDON), ["question"])
    client = client_for(team.viewer)
    assert listed(client, team, since="2026-03-29", until="2026-03-29") == {"early", "late"}
    assert listed(client, team, since="2026-03-30") == {"next"}
    assert listed(client, team, until="2026-03-28") == {"before"}


def test_kind_counts_a_complaint_that_asks_as_a_complaint(team, client_for, account):
    when = datetime(2026, 3, 3, 12, tzinfo=LONDON)
    at(account, "both", when, ["complaint", "question"])
    at(account, "asks", when, ["question"])
    at(account, "happy", when, ["positive"])
    at(account, "plain", when, ["negative"])
    client = client_for(team.viewer)
    assert listed(client, team, kind="complaint") == {"both"}
    assert listed(client, team, kind="question") == {"asks"}
    assert listed(client, team, kind="praise") == {"happy"}
    assert listed(client, team, kind="other") == {"plain"}
    assert listed(client, team, kind="nonsense") == {"both", "asks", "happy", "plain"}


def test_the_network_filter_and_a_limited_member_still_sees_only_their_accounts(team, client_for, account):
    from firsthand.team.models import Membership

    other = connect_sandbox_account(team.workspace, "corner-bakery", by=team.owner)
    when = datetime(2026, 3, 3, 12, tzinfo=LONDON)
    at(account, "cafe", when, [])
    at(other, "bakery", when, [])
    membership = Membership.objects.get(user=team.staff, workspace=team.workspace)
    membership.all_accounts = False
    membership.save()
    membership.limited_to_accounts.set([other])
    assert listed(client_for(team.staff), team, network="sandbox", since="2026-03-03") == {"bakery"}
    assert listed(client_for(team.owner), team, network="sandbox", since="2026-03-03") == {"bakery", "cafe"}
    assert listed(client_for(team.owner), team, network="x" * 500) == set()
