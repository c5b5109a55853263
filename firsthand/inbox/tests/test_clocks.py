from datetime import UTC, datetime, time

import pytest

from firsthand.inbox.clocks import business_seconds
from firsthand.inbox.models import ResponseTargets

HOURS = ResponseTargets(opens_at=time(9), closes_at=time(17), open_days="01234", first_response_minutes=60)


def test_time_inside_opening_hours_counts_in_full():
    start = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday
    assert business_seconds(start, datetime(2026, 11, 23, 11, 30, tzinfo=UTC), HOURS, "UTC") == 90 * 60


def test_a_message_at_night_waits_from_opening_time():
    start = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)  # Monday 22:00
    end = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)  # Tuesday 09:30
    assert business_seconds(start, end, HOURS, "UTC") == 30 * 60


def test_the_weekend_does_not_count():
    start = datetime(2026, 11, 27, 16, 30, tzinfo=UTC)  # Friday 16:30
    end = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)  # Monday 09:15
    assert business_seconds(start, end, HOURS, "UTC") == 45 * 60


def test_hours_follow_the_workspace_clock_across_dst():
    # Europe/Berlin changes to summer time on Sunday 29 March 2026; Monday 09:00 CEST is 07:00 UTC.
    start = datetime(2026, 3, 27, 15, 0, tzinfo=UTC)  # Friday 16:00 CET
    end = datetime(2026, 3, 30, 7, 30, tzinfo=UTC)  # Monday 09:30 CEST
    assert business_seconds(start, end, HOURS, "Europe/Berlin") == 90 * 60


@pytest.mark.django_db
def test_an_unanswered_question_past_the_target_rises_to_the_top(team, client_for):
    from django.urls import reverse

    waiting_two_hours_past_a_30_minute_target(team)
    html = client_for(team.staff).get(reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})).content.decode()
    assert "overdue" in html


@pytest.mark.django_db
def test_the_team_is_told_once_when_a_customer_waits_past_the_target(team):
    from firsthand.inbox.clocks import tell_overdue
    from firsthand.inbox.models import Conversation
    from firsthand.notices.models import Notice

    talk = waiting_two_hours_past_a_30_minute_target(team)
    assert tell_overdue() == 1 and tell_overdue() == 0
    assert set(Notice.objects.values_list("user__email", flat=True)) == {
        "owner@corner.example",
        "manager@corner.example",
    }
    Conversation.objects.filter(pk=talk.pk).update(assignee=team.staff, overdue_told_at=None)
    tell_overdue()
    assert Notice.objects.filter(user=team.staff).exists()


@pytest.mark.django_db
def test_targets_are_set_by_owners_and_managers_and_bad_hours_are_refused(team, client_for):
    from django.urls import reverse

    url = reverse("inbox:targets", kwargs={"slug": team.workspace.slug})
    assert client_for(team.staff).get(url).status_code == 403
    bad = client_for(team.manager).post(
        url, {"first_response_minutes": 30, "opens_at": "18:00", "closes_at": "09:00", "days": ["0"]}
    )
    assert bad.status_code == 400 and "Closing time must come after opening time" in bad.content.decode()
    client_for(team.manager).post(
        url,
        {
            "first_response_minutes": 45,
            "next_response_minutes": 20,
            "opens_at": "08:00",
            "closes_at": "18:00",
            "days": ["0", "1", "2", "3", "4", "5"],
        },
    )
    targets = ResponseTargets.objects.get(workspace=team.workspace)
    assert (targets.first_response_minutes, targets.next_response_minutes, targets.open_days) == (45, 20, "012345")


def waiting_two_hours_past_a_30_minute_target(team):
    """A conversation whose customer has waited two hours, in a workspace that is always open."""
    from django.utils import timezone

    from firsthand.inbox.models import Conversation, Person
    from firsthand.networks.testing import connect_sandbox_account

    account = connect_sandbox_account(team.workspace, "corner-cafe")
    ResponseTargets.objects.create(
        workspace=team.workspace,
        open_days="0123456",
        opens_at=time(0),
        closes_at=time(23, 59, 59),
        first_response_minutes=30,
    )
    person = Person.objects.create(workspace=team.workspace, network="sandbox", handle="late")
    old = timezone.now() - timezone.timedelta(hours=2)
    return Conversation.objects.create(
        workspace=team.workspace,
        account=account,
        person=person,
        key="public:late",
        kind="mention",
        first_inbound_at=old,
        last_inbound_at=old,
        awaiting_since=old,
    )


@pytest.mark.django_db
def test_the_next_response_clock_starts_at_the_first_unanswered_message_not_the_latest(team):
    from datetime import timedelta

    from firsthand.inbox import ingest, operations
    from firsthand.inbox.clocks import overdue
    from firsthand.inbox.models import Conversation
    from firsthand.inbox.tests.test_ingest import customer_says
    from firsthand.networks.testing import connect_sandbox_account

    account = connect_sandbox_account(team.workspace, "corner-cafe")
    customer_says(account, "Do you have gluten-free bread?")
    ingest.poll(account)
    ingest.process_pending()
    talk = Conversation.objects.get()
    assert talk.waiting_since is not None and talk.first_response_at is None
    operations.reply(team.membership("staff"), talk, "Yes, on Fridays!")
    talk.refresh_from_db()
    assert talk.waiting_since is None

    customer_says(account, "Great, can I order two?")
    ingest.poll(account)
    ingest.process_pending()
    talk.refresh_from_db()
    first_unanswered = talk.waiting_since
    assert first_unanswered is not None
    customer_says(account, "Hello??")  # asking again does not restart the clock
    ingest.poll(account)
    ingest.process_pending()
    talk.refresh_from_db()
    assert talk.waiting_since == first_unanswered

    always_open = ResponseTargets(
        open_days="0123456", opens_at=time(0), closes_at=time(23, 59, 59), first_response_minutes=600,
        next_response_minutes=10,
    )  # fmt: skip
    later = first_unanswered + timedelta(minutes=15)
    assert overdue(talk, always_open, "UTC", later)  # the next-response target applies after a first answer
    Conversation.objects.filter(pk=talk.pk).update(first_response_at=None)
    talk.refresh_from_db()
    assert not overdue(talk, always_open, "UTC", later)


@pytest.mark.parametrize(
    "minutes, shown",
    [(0, "0 min"), (59, "59 min"), (60, "1 h"), (125, "2 h 5 min"), (24 * 60, "1 day"), (3 * 24 * 60 + 7, "3 days")],
)
def test_the_waiting_clock_reads_short_on_a_phone(minutes, shown):
    from datetime import datetime, timedelta, timezone

    from firsthand.inbox.clocks import waited

    now = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)
    assert waited(now - timedelta(minutes=minutes, seconds=30), now) == shown
