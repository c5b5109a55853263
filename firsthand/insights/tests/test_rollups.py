"""The worker's hourly counts behind messages per day and the heatmap: each figure exact with them, with a
message arriving late for an old day, on the nights clocks change, after a relabelling and a zone change."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import timezone

from firsthand.inbox.models import Interaction
from firsthand.insights.rollups import engine
from firsthand.insights.rollups.models import HourlyCount, RollupMark
from firsthand.insights.tests.test_conversations import LONDON, PERIOD, arrive, at, page

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")
KEYS = ("question", "complaint", "praise", "other", "total", "negative")


def figures(client, team, **params):
    context = page(client, team, **params).context
    days = {d["day"].isoformat(): tuple(d[k] for k in KEYS) for d in context["days"]}
    return days, dict(context["hours"])


def test_the_counts_give_each_figure_exactly_and_are_what_the_page_reads(team, client_for, history):
    client = client_for(team.viewer)
    live = figures(client, team, **PERIOD)
    assert engine.run_once() > 0
    mark = RollupMark.objects.get(workspace=team.workspace)
    assert mark.zone == "Europe/London" and mark.last_pk == Interaction.objects.filter(direction="in").latest("pk").pk
    assert figures(client, team, **PERIOD) == live
    days, hours = live
    assert days["2026-03-03"] == (0, 2, 0, 0, 2, 1) and days["2026-03-02"] == (2, 0, 0, 0, 2, 0)
    assert hours["Tue"][16] == 1 and hours["Tue"][12] == 1 and sum(map(sum, hours.values())) == 5
    # The page sums the stored counts rather than scanning the messages: change a stored count, the figure follows.
    HourlyCount.objects.filter(day="2026-03-04").update(praise=7, total=7)
    cache.clear()  # a figure is kept until a message arrives (insights.kept); a hand-made change is no message
    days, hours = figures(client, team, **PERIOD)
    assert days["2026-03-04"][2] == 7 and hours["Wed"][8] == 7


def test_a_run_again_changes_nothing(team, history):
    engine.run_once()
    before = list(HourlyCount.objects.order_by("account", "day", "hour").values())
    assert engine.run_once() == 0
    after = list(HourlyCount.objects.order_by("account", "day", "hour").values())
    assert [{**row, "id": 0} for row in after] == [{**row, "id": 0} for row in before]


def test_a_message_arriving_late_for_an_old_day_is_counted_once(team, client_for, history):
    cafe, _ = history
    client = client_for(team.viewer)
    engine.run_once()
    arrive(cafe, "Still no refund for Monday", at(2026, 3, 2, 15, 0), ["complaint"], "fay")
    # Before the worker comes round: the counts up to the mark plus the new message counted live.
    days, hours = figures(client, team, **PERIOD)
    assert days["2026-03-02"] == (2, 1, 0, 0, 3, 0) and hours["Mon"][15] == 1
    engine.run_once()
    assert figures(client, team, **PERIOD) == (days, hours)
    monday = HourlyCount.objects.get(day="2026-03-02", hour=15)
    assert (monday.complaint, monday.total) == (1, 1)


def test_days_when_clocks_change_count_each_message_once(team, client_for, shop):
    cafe, _ = shop
    # 29 March 2026 has 23 hours in London (01:00 GMT jumps to 02:00 BST); 25 October has 25 (01:xx twice).
    arrive(cafe, "before the jump", datetime(2026, 3, 29, 0, 30, tzinfo=UTC), [], "ann")  # 00:30 GMT
    arrive(cafe, "after the jump", datetime(2026, 3, 29, 1, 30, tzinfo=UTC), [], "bob")  # 02:30 BST
    arrive(cafe, "late that night", datetime(2026, 3, 29, 22, 59, tzinfo=UTC), [], "cy")  # 23:59 BST
    arrive(cafe, "first 01:30", datetime(2026, 10, 25, 0, 30, tzinfo=UTC), [], "dee")  # 01:30 BST
    arrive(cafe, "second 01:30", datetime(2026, 10, 25, 1, 30, tzinfo=UTC), [], "eve")  # 01:30 GMT
    arrive(cafe, "last minute", datetime(2026, 10, 25, 23, 59, tzinfo=UTC), [], "fay")  # 23:59 GMT
    engine.run_once()
    client = client_for(team.viewer)
    days, hours = figures(client, team, since="2026-03-29", until="2026-03-29")
    assert days["2026-03-29"][4] == 3 and hours["Sun"][0] == 1 and hours["Sun"][2] == 1 and hours["Sun"][23] == 1
    days, hours = figures(client, team, since="2026-10-24", until="2026-10-26")
    assert (days["2026-10-24"][4], days["2026-10-25"][4], days["2026-10-26"][4]) == (0, 3, 0)
    assert hours["Sun"][1] == 2 and hours["Sun"][23] == 1 and sum(map(sum, hours.values())) == 3


def test_a_relabelled_message_moves_to_its_new_kind(team, client_for, history):
    engine.run_once()
    item = Interaction.objects.get(text="Lovely sourdough, thank you")
    # As inbox/relabel.py does it: marked first, the new labels written after.
    Interaction.objects.filter(pk=item.pk).update(relabelled_at=timezone.now(), labels=["complaint"])
    engine.run_once()
    days, _ = figures(client_for(team.viewer), team, **PERIOD)
    assert days["2026-03-04"] == (0, 1, 0, 0, 1, 0)


def test_counts_made_in_another_zone_are_not_used_and_are_made_again(team, client_for, history):
    engine.run_once()
    team.workspace.timezone = "America/New_York"
    team.workspace.save()
    client = client_for(team.viewer)
    # 8:00 London on 4 March is 3:00 in New York; 16:30 on the 3rd is 11:30.
    days, hours = figures(client, team, **PERIOD)
    assert days["2026-03-04"][2] == 1 and hours["Wed"][3] == 1 and hours["Tue"][11] == 1
    engine.run_once()
    assert RollupMark.objects.get(workspace=team.workspace).zone == "America/New_York"
    assert HourlyCount.objects.filter(day="2026-03-04", hour=3).exists()
    assert figures(client, team, **PERIOD) == (days, hours)


def test_a_period_with_no_messages_is_all_zeros(team, client_for, history):
    engine.run_once()
    days, hours = figures(client_for(team.viewer), team, since="2025-01-01", until="2025-01-03")
    assert set(days.values()) == {(0, 0, 0, 0, 0, 0)} and len(days) == 3
    assert sum(map(sum, hours.values())) == 0


def test_a_failing_workspace_does_not_stop_the_others_and_shows_its_reason(
    team,
    client_for,
    history,
    monkeypatch,
):
    from firsthand.team.operations import create_owner

    other = create_owner(name="Other", email="other@example.com", password=None, workspace_name="Other").workspace
    real = engine.refresh

    def refresh(workspace_id, zone, batch):
        if workspace_id == team.workspace.pk:
            raise RuntimeError("disk full")
        return real(workspace_id, zone, batch)

    monkeypatch.setattr(engine, "refresh", refresh)
    engine.run_once()
    assert RollupMark.objects.get(workspace=other).refreshed_at is not None
    assert RollupMark.objects.get(workspace=team.workspace).error == "disk full"
    assert (
        "could not bring the daily counts up to date (disk full)"
        in page(client_for(team.viewer), team, **PERIOD).content.decode()
    )


def responses(client, team, **params):
    found = page(client, team, **params).context["responses"]
    return {group: found["tables"][group] for group in found["tables"]}, (found["conversations"], found["answered"])


def test_stored_waits_give_the_response_times_exactly_and_are_what_the_page_reads(team, client_for, history):
    from firsthand.insights.rollups.models import Wait, WaitCount

    client = client_for(team.viewer)
    live = responses(client, team, **PERIOD)
    engine.run_once()
    assert Wait.objects.filter(workspace=team.workspace).count() == 6  # ann 2, bob, cy, dee, eve
    assert responses(client, team, **PERIOD) == live
    people = {row["key"]: row for row in live[0]["person"]}
    assert (people[team.staff.name]["first_median"], people[team.staff.name]["first_p90"]) == (30, 60)
    # The page sums the per-day histograms rather than the waits: change a stored count, the figure follows.
    WaitCount.objects.filter(author=team.owner).update(minutes=999, within=0)
    cache.clear()
    people = {row["key"]: row for row in responses(client, team, **PERIOD)[0]["person"]}
    assert (people[team.owner.name]["next_median"], people[team.owner.name]["next_within"]) == (999, 0)


def test_an_answer_after_the_workers_run_counts_at_once_and_once(team, client_for, history):
    from firsthand.insights.tests.test_conversations import answer

    _, bakery = history
    engine.run_once()
    client = client_for(team.viewer)
    cy = bakery.conversations.get(person__handle="cy")
    answer(cy, at(2026, 3, 3, 12, 45), team.owner)  # 45 min in opening hours
    tables, (opened, answered) = responses(client, team, **PERIOD)
    accounts = {row["key"]: row for row in tables["account"]}
    assert accounts["@corner-bakery"]["first_count"] == 1 and accounts["@corner-bakery"]["first_median"] == 45
    assert (opened, answered) == (4, 3)
    engine.run_once()
    assert responses(client, team, **PERIOD) == (tables, (opened, answered))


def test_waits_timed_in_other_opening_hours_are_not_used_and_are_timed_again(team, client_for, history):
    from firsthand.inbox.models import ResponseTargets

    engine.run_once()
    ResponseTargets.objects.update_or_create(workspace=team.workspace, defaults={"opens_at": "10:00"})
    client = client_for(team.viewer)
    # Bob waited 16:30–17:00 and 10:00–09:30 next day: from ten, 30 minutes on the 3rd and none on the 4th.
    live = responses(client, team, **PERIOD)
    staff = {row["key"]: row for row in live[0]["person"]}[team.staff.name]
    assert (staff["first_count"], staff["first_p90"]) == (2, 30)
    engine.run_once()
    assert responses(client, team, **PERIOD) == live


def test_kept_topics_follow_a_new_message_and_a_relabelling_at_once(team, client_for, history):
    cafe, _ = history
    client = client_for(team.viewer)

    def late_count():
        found = {t["phrase"]: t["count"] for t in page(client, team, **PERIOD).context["complaint_topics"]}
        return found.get("delivery late", 0)

    assert late_count() == 2 and late_count() == 2  # the second view reads what the first kept
    arrive(cafe, "Delivery late, third time", at(2026, 3, 4, 12, 0), ["complaint"], "gus")
    assert late_count() == 3
    Interaction.objects.filter(author_handle="gus").update(labels=["question"], relabelled_at=timezone.now())
    assert late_count() == 2


def speakers(client, team, **params):
    found = page(client, team, **params).context["speakers"]
    people = sorted((r["author__name"], r["conversation__account__handle"], r["answers"]) for r in found["by_person"])
    approvals = sorted((r["approved_by__name"], r["n"]) for r in found["approvals"])
    return people, approvals, found["total"], found["owner_share"]


def test_answer_counts_give_who_answered_exactly_and_are_what_the_page_reads(team, client_for, history):
    from firsthand.inbox.models import Interaction as Item
    from firsthand.insights.rollups.models import AnswerCount

    cafe, _ = history
    # One answer that waited for the owner's approval, on a day of its own.
    ann = cafe.conversations.get(person__handle="ann")
    Item.objects.create(conversation=ann, direction="out", kind="reply", author_handle="us", author=team.staff,
                        approved_by=team.owner, text="Yes", created_at=at(2026, 3, 4, 10, 0))  # fmt: skip
    client = client_for(team.viewer)
    live = speakers(client, team, **PERIOD)
    assert live == (
        [(team.owner.name, "@corner-cafe", 1), (team.staff.name, "@corner-cafe", 3)],
        [(team.owner.name, 1)],
        4,
        25,
    )
    engine.run_once()
    assert RollupMark.objects.get(workspace=team.workspace).answers_pk == Item.objects.latest("pk").pk
    assert sum(AnswerCount.objects.values_list("n", flat=True)) == 4
    assert speakers(client, team, **PERIOD) == live
    # One day only, and another account: the same as counting the answers of those days.
    assert speakers(client, team, since="2026-03-04", until="2026-03-04")[2] == 2
    assert speakers(client, team, account=str(history[1].pk), **PERIOD)[2] == 0
    # The page sums the stored counts: change one, the figure follows.
    AnswerCount.objects.filter(author=team.owner).update(n=5)
    cache.clear()
    assert speakers(client, team, **PERIOD)[0][0] == (team.owner.name, "@corner-cafe", 5)


def test_an_answer_after_the_run_and_one_for_an_old_day_count_once(team, client_for, history):
    from firsthand.insights.tests.test_conversations import answer

    cafe, bakery = history
    engine.run_once()
    client = client_for(team.viewer)
    cy = bakery.conversations.get(person__handle="cy")
    answer(cy, at(2026, 3, 3, 12, 45), team.manager)  # filed now, for a day already counted
    found = speakers(client, team, **PERIOD)
    assert (team.manager.name, "@corner-bakery", 1) in found[0] and found[2] == 4
    engine.run_once()
    assert speakers(client, team, **PERIOD) == found
    assert engine.run_once() == 0


def test_counts_from_before_the_answer_counts_existed_are_filled_in(team, client_for, history):
    """A database whose worker ran before these rollups: the mark has hourly counts but no answer counts
    or histograms; the next run fills them from the start and the figures stay the same."""
    from firsthand.insights.rollups.models import AnswerCount, WaitCount

    client = client_for(team.viewer)
    live = speakers(client, team, **PERIOD), responses(client, team, **PERIOD)
    engine.run_once()
    AnswerCount.objects.all().delete()
    WaitCount.objects.all().delete()
    RollupMark.objects.update(answers_pk=0, counts_basis="")
    # Not counted yet: the page counts live, still exact.
    assert (speakers(client, team, **PERIOD), responses(client, team, **PERIOD)) == live
    engine.run_once()
    assert AnswerCount.objects.exists() and WaitCount.objects.exists()
    assert (speakers(client, team, **PERIOD), responses(client, team, **PERIOD)) == live


def test_new_targets_count_the_histograms_again_without_timing_the_waits_again(team, client_for, history):
    from firsthand.inbox.models import ResponseTargets
    from firsthand.insights.rollups.models import Wait, WaitCount

    ResponseTargets.objects.update_or_create(workspace=team.workspace, defaults={"first_response_minutes": 60})
    engine.run_once()
    timed = list(Wait.objects.order_by("pk").values_list("pk", "seconds"))
    ResponseTargets.objects.filter(workspace=team.workspace).update(first_response_minutes=30)
    client = client_for(team.viewer)
    live = responses(client, team, **PERIOD)  # the histograms' targets are not these: counted live
    staff = {row["key"]: row for row in live[0]["person"]}[team.staff.name]
    assert (staff["first_count"], staff["first_within"]) == (2, 50)  # 30 min within, 60 min not
    engine.run_once()
    assert list(Wait.objects.order_by("pk").values_list("pk", "seconds")) == timed
    assert sum(WaitCount.objects.filter(first=True).values_list("within", flat=True)) == 1
    assert responses(client, team, **PERIOD) == live


def test_histograms_hold_exactly_the_stored_waits_per_day_minute_and_answerer(team, history):
    from django.db.models import Count

    from firsthand.insights.rollups.models import Wait, WaitCount

    engine.run_once()
    keys = ("account_id", "author_id", "first", "minutes")
    waits = {}
    for wait in Wait.objects.all():
        key = (wait.started.astimezone(LONDON).date(), *(getattr(wait, k) for k in keys))
        waits[key] = waits.get(key, 0) + 1
    counts = {(c.day, *(getattr(c, k) for k in keys)): c.n for c in WaitCount.objects.all()}
    assert counts == waits and sum(counts.values()) == 6
    assert not WaitCount.objects.values(*keys, "day").annotate(k=Count("pk")).filter(k__gt=1).exists()


def test_kept_figures_follow_a_new_owner_and_new_targets_at_once(team, client_for, history):
    from firsthand.inbox.models import ResponseTargets
    from firsthand.team.models import Membership

    engine.run_once()
    client = client_for(team.viewer)
    assert speakers(client, team, **PERIOD)[3] == 33  # the owner wrote one of three answers
    Membership.objects.filter(workspace=team.workspace, user=team.staff).update(role="owner")
    assert speakers(client, team, **PERIOD)[3] == 100
    staff = {row["key"]: row for row in responses(client, team, **PERIOD)[0]["person"]}[team.staff.name]
    assert staff["first_within"] == 100
    ResponseTargets.objects.update_or_create(workspace=team.workspace, defaults={"first_response_minutes": 30})
    staff = {row["key"]: row for row in responses(client, team, **PERIOD)[0]["person"]}[team.staff.name]
    assert staff["first_within"] == 50


def test_the_rebuild_command_makes_the_same_rollups_again(team, client_for, history):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from firsthand.insights.rollups.models import AnswerCount, WaitCount

    def rows():
        return [
            sorted(tuple(v for k, v in row.items() if k != "id") for row in model.objects.values())
            for model in (HourlyCount, AnswerCount, WaitCount)
        ]

    engine.run_once()
    built = rows()
    client = client_for(team.viewer)
    figures_before = speakers(client, team, **PERIOD), responses(client, team, **PERIOD)
    HourlyCount.objects.update(total=0)  # damaged by hand: the rebuild does not trust what is there
    call_command("rebuild_insights", workspace=team.workspace.slug)
    assert rows() == built and all(built)
    cache.clear()
    assert (speakers(client, team, **PERIOD), responses(client, team, **PERIOD)) == figures_before
    with pytest.raises(CommandError, match="No workspace has the slug nowhere"):
        call_command("rebuild_insights", workspace="nowhere")
