"""A page of figures kept whole: shown as it was for a short while after something changed, worked out
again once in the background from half the window on, and never older than INSIGHTS_STALE_SECONDS."""

import pytest

from firsthand.insights import kept
from firsthand.insights.tests.test_conversations import PERIOD, arrive, at, page

pytestmark = pytest.mark.django_db


def late(client, team):
    context = page(client, team, **PERIOD).context
    found = {t["phrase"]: t["count"] for t in context["complaint_topics"]}
    return found.get("delivery late", 0), context["total"]["total"]


@pytest.fixture
def clock(monkeypatch):
    """Moves time.time() on by the seconds given."""
    now = kept.time.time()

    def move(seconds):
        monkeypatch.setattr(kept.time, "time", lambda: now + seconds)

    return move


@pytest.fixture
def later(monkeypatch):
    """Refreshes the views start, held until the test runs them."""
    queued = []
    monkeypatch.setattr(kept, "start", queued.append)
    return queued


def test_a_stale_page_is_shown_while_one_refresh_works_it_out_again(team, client_for, history, settings, later, clock):
    cafe, _ = history
    settings.INSIGHTS_STALE_SECONDS = 30
    client = client_for(team.viewer)
    assert late(client, team) == (2, 5) and not later
    arrive(cafe, "Delivery late, third time", at(2026, 3, 4, 12, 0), ["complaint"], "gus")
    # Within the window: the page as it was; not worked out again while younger than half the window...
    assert late(client, team) == (2, 5) and not later
    # ...then once, however many views ask.
    clock(16)
    assert late(client, team) == (2, 5) and late(client, team) == (2, 5)
    assert len(later) == 1
    later.pop()()
    assert late(client, team) == (3, 6) and not later
    assert not kept.refreshing
    # Waiting longest is never from the snapshot: it is where the next answer goes.
    assert "gus" in [c.person.handle for c in page(client, team, **PERIOD).context["waiting"]]


def test_past_the_window_the_view_counts_at_once(team, client_for, history, settings, later, clock):
    cafe, _ = history
    settings.INSIGHTS_STALE_SECONDS = 30
    client = client_for(team.viewer)
    assert late(client, team) == (2, 5)
    arrive(cafe, "Delivery late, third time", at(2026, 3, 4, 12, 0), ["complaint"], "gus")
    clock(31)
    assert late(client, team) == (3, 6) and not later


def test_a_refresh_that_fails_leaves_the_page_to_the_next_view(
    team, client_for, history, settings, later, caplog, clock
):
    cafe, _ = history
    settings.INSIGHTS_STALE_SECONDS = 30
    client = client_for(team.viewer)
    late(client, team)
    arrive(cafe, "Delivery late, third time", at(2026, 3, 4, 12, 0), ["complaint"], "gus")
    clock(20)
    assert late(client, team) == (2, 5)
    kept.refreshing.clear()
    kept.refresh_later("insights:broken", lambda: 1 / 0)
    later.pop()()
    assert "could not be worked out again" in caplog.text and "insights:broken" not in kept.refreshing
    later.pop()()  # the page's own refresh, queued above
    assert late(client, team) == (3, 6)
