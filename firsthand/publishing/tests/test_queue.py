from datetime import UTC, datetime, time

import pytest
from django.urls import reverse

from firsthand.publishing import operations
from firsthand.publishing.models import Delivery, Post
from firsthand.publishing.queue import next_free_slot, parse_times, set_slots

pytestmark = pytest.mark.django_db

MONDAY_MORNING = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)  # a Monday


def test_times_are_read_leniently_and_bad_ones_named():
    assert parse_times("9:00, 12:30 17:00, 09:00") == [time(9), time(12, 30), time(17)]
    with pytest.raises(ValueError, match="“noon” is not a time"):
        parse_times("09:00, noon")


def test_the_next_free_slot_skips_taken_ones(team, account):
    set_slots(account, [0, 2], [time(9), time(17)])  # Mondays and Wednesdays
    first = next_free_slot(account, "UTC", after=MONDAY_MORNING)
    assert first == datetime(2027, 3, 1, 9, tzinfo=UTC)
    post = operations.save_post(team.membership("owner"), accounts=[account], text="First")
    Delivery.objects.filter(post=post).update(state="scheduled", due_at=first)
    assert next_free_slot(account, "UTC", after=MONDAY_MORNING) == datetime(2027, 3, 1, 17, tzinfo=UTC)


def test_queue_slots_follow_the_workspace_clock_across_a_dst_change(team, account):
    set_slots(account, [6], [time(2, 30)])  # Sundays 02:30, which Berlin skips on 28 March 2027
    after = datetime(2027, 3, 27, 12, tzinfo=UTC)
    moment = next_free_slot(account, "Europe/Berlin", after=after)
    assert moment == datetime(2027, 4, 4, 0, 30, tzinfo=UTC)  # the next Sunday, 02:30 CEST


def test_adding_to_the_queue_from_the_composer(team, client_for, account):
    set_slots(account, list(range(7)), [time(9), time(15)])
    client = client_for(team.owner)
    url = reverse("publishing:compose", kwargs={"slug": team.workspace.slug})
    client.post(url, {"accounts": [account.pk], "text": "One", "when": "queue"})
    client.post(url, {"accounts": [account.pk], "text": "Two", "when": "queue"})
    one, two = (Post.objects.get(text=t).deliveries.get().due_at for t in ("One", "Two"))
    assert one < two and {one.hour, two.hour} <= {9, 15}


def test_a_queue_without_times_is_explained_and_leaves_no_stray_draft(team, client_for, account):
    response = client_for(team.owner).post(
        reverse("publishing:compose", kwargs={"slug": team.workspace.slug}),
        {"accounts": [account.pk], "text": "Queued", "when": "queue"},
    )
    assert response.status_code == 400 and "has no queue times yet" in response.content.decode()
    assert not Post.objects.exists()


def test_queue_times_are_set_by_managers_and_bad_times_change_nothing(team, client_for, account):
    url = reverse("publishing:set_queue_times", kwargs={"slug": team.workspace.slug, "account_id": account.pk})
    assert client_for(team.staff).post(url, {"weekday": ["0"], "times": "09:00"}).status_code == 403
    client = client_for(team.manager)
    client.post(url, {"weekday": ["0", "4"], "times": "09:00, 17:30"})
    assert account.queue_slots.count() == 4
    client.post(url, {"weekday": ["1"], "times": "25:99"})
    assert account.queue_slots.count() == 4
    page = client.get(reverse("publishing:queue_times", kwargs={"slug": team.workspace.slug})).content.decode()
    assert "Mon, Fri at 09:00" in page
