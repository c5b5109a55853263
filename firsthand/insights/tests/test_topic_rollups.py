"""The worker's stored topic phrases (insights.rollups.topics): the topics read from them are exactly the
ones cut live from the messages, with messages past the mark, relabelled ones, and the newest-N cut."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from firsthand.inbox.models import Interaction
from firsthand.insights import topics
from firsthand.insights.rollups import engine
from firsthand.insights.rollups.models import RollupMark, TopicMessage
from firsthand.insights.tests.test_conversations import PERIOD, arrive, at, page

pytestmark = pytest.mark.django_db


def shown(client, team, **params):
    cache.clear()  # figures are kept until a message arrives (insights.kept); these tests change rows by hand
    context = page(client, team, **params).context
    return {kind: context[f"{kind}_topics"] for kind in ("complaint", "question")}


def live(client, team, **params):
    """The topics with the stored phrases out of the way: every message cut on the view."""
    marks = list(RollupMark.objects.values_list("pk", "topics_pk"))
    RollupMark.objects.update(topics_pk=0)
    try:
        return shown(client, team, **params)
    finally:
        for pk, topics_pk in marks:
            RollupMark.objects.filter(pk=pk).update(topics_pk=topics_pk)


@pytest.fixture
def busy(team, history, monkeypatch):
    """The known history and more complaints on other days, with only the newest four of a kind counted."""
    cafe, bakery = history
    monkeypatch.setattr(topics, "MOST_READ", 4)
    arrive(cafe, "Refund still missing, delivery late again", at(2026, 3, 3, 9, 0), ["complaint"], "ivy")
    arrive(bakery, "Refund please, the cake was stale", at(2026, 3, 4, 15, 0), ["complaint", "negative"], "jo")
    arrive(bakery, "Stale bread and no refund", at(2026, 3, 4, 16, 0), ["complaint"], "kit")
    return cafe, bakery


def test_stored_phrases_give_exactly_the_live_topics_and_are_what_the_page_reads(team, client_for, busy):
    _, bakery = busy
    client = client_for(team.viewer)
    before = live(client, team, **PERIOD)
    assert {t["phrase"] for t in before["complaint"]} >= {"refund", "stale"}
    assert engine.run_once() > 0
    ins = Interaction.objects.filter(direction="in")
    wanted = {i.pk for i in ins if "complaint" in i.labels or "question" in i.labels}
    assert set(TopicMessage.objects.values_list("interaction_id", flat=True)) == wanted
    assert shown(client, team, **PERIOD) == before
    for params in ({"account": str(bakery.pk)}, {"network": "sandbox"}, {"since": "2026-03-04", "until": "2026-03-04"}):
        assert shown(client, team, **PERIOD | params) == live(client, team, **PERIOD | params)
    # The page counts the stored lines rather than cutting the texts: change them, the topics follow.
    TopicMessage.objects.filter(kind="complaint").update(phrases="fire\noven fire")
    found = {t["phrase"]: t["count"] for t in shown(client, team, **PERIOD)["complaint"]}
    assert found == {"oven fire": 4}  # the newest four; "fire" in as many, folded into the longer phrase


def test_new_and_relabelled_messages_count_at_once_and_the_worker_stores_them(team, client_for, busy):
    cafe, _ = busy
    client = client_for(team.viewer)
    engine.run_once()
    mark = RollupMark.objects.get(workspace=team.workspace).topics_pk
    newer = arrive(cafe, "Where is my refund?", at(2026, 3, 4, 17, 0), ["question"], "lou")
    eve = Interaction.objects.get(author_handle="ivy")
    Interaction.objects.filter(pk=eve.pk).update(labels=["question"], relabelled_at=timezone.now())
    # Before the worker comes round: the new message past the mark and Ivy's, now a question, cut live.
    expected = live(client, team, **PERIOD)
    assert {t["phrase"]: t["count"] for t in expected["question"]}.get("refund") == 2  # Ivy's and Lou's
    assert shown(client, team, **PERIOD) == expected
    engine.run_once()
    assert RollupMark.objects.get(workspace=team.workspace).topics_pk > mark
    assert TopicMessage.objects.get(interaction=eve).kind == "question"
    assert TopicMessage.objects.filter(interaction__conversation=newer, kind="question").exists()
    assert shown(client, team, **PERIOD) == expected
    rows = list(TopicMessage.objects.order_by("pk").values())
    assert engine.run_once() == 0 and list(TopicMessage.objects.order_by("pk").values()) == rows
    # A message relabelled to neither kind loses its row.
    Interaction.objects.filter(pk=eve.pk).update(labels=["positive"], relabelled_at=timezone.now())
    engine.run_once()
    assert not TopicMessage.objects.filter(interaction=eve).exists()


def test_a_database_counted_before_the_phrases_were_stored_fills_them_from_the_start(team, client_for, busy):
    client = client_for(team.viewer)
    engine.run_once()
    expected = shown(client, team, **PERIOD)
    # As after the upgrade: the hourly counts are there, the phrases not yet.
    TopicMessage.objects.all().delete()
    RollupMark.objects.update(topics_pk=0, topics_seen=None)
    assert shown(client, team, **PERIOD) == expected  # live meanwhile
    assert engine.run_once() > 0 and TopicMessage.objects.exists()
    assert shown(client, team, **PERIOD) == expected
    engine.forget()
    assert not TopicMessage.objects.exists() and shown(client, team, **PERIOD) == expected
