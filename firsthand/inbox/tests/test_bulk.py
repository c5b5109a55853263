"""The inbox's bulk writer: rows in multi-row statements, values converted as Django would convert them."""

import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection

from firsthand.inbox import bulk
from firsthand.inbox.models import Conversation, Interaction, Person
from firsthand.team.models import Workspace

pytestmark = pytest.mark.django_db


def test_rows_beyond_one_statement_are_all_written_and_conflicts_skipped(team, monkeypatch):
    monkeypatch.setattr(bulk, "MAX_ROWS_PER_STATEMENT", 7)  # 3 full statements and a rest of 2
    rows = [(team.workspace.pk, "sandbox", f"person-{n}", f"Person {n}") for n in range(23)]
    bulk.insert_rows(Person, ["workspace_id", "network", "handle", "name"], rows)
    bulk.insert_rows(Person, ["workspace_id", "network", "handle", "name"], rows[:9], ignore_conflicts=True)
    assert list(Person.objects.order_by("pk").values_list("handle", "name")) == [(r[2], r[3]) for r in rows]
    with pytest.raises(IntegrityError):  # without ignore_conflicts a duplicate is an error, as it should be
        bulk.insert_rows(Person, ["workspace_id", "network", "handle", "name"], rows[:1])


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=ZoneInfo("Europe/London")),
        datetime(2026, 11, 24, 23, 59, tzinfo=timezone(timedelta(hours=-5))),
        datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc),
        None,
    ],
)
def test_dates_and_times_are_stored_as_django_stores_them(value):
    field = Interaction._meta.get_field("created_at")
    ((stored,),) = bulk._prepared([[value]], bulk._preparers([field], connection))
    assert stored == field.get_db_prep_save(value, connection)


@pytest.mark.parametrize(
    "value", [[], ["question", "négative"], {"a": [1, 2.5, None], "b": {"c": "</script>"}}, [2**70], None]
)
def test_json_is_stored_as_django_stores_it(value):
    field = Conversation._meta.get_field("labels")
    ((got,),) = bulk._prepared([[value]], bulk._preparers([field], connection))
    expected = field.get_db_prep_save(value, connection)
    assert (got is None) is (expected is None)  # None is SQL's NULL, not JSON's null
    # PostgreSQL's adapter wraps the value (psycopg's Jsonb, compared by what it holds); SQLite gets text,
    # spaced differently by orjson but the same JSON.
    got, expected = getattr(got, "obj", got), getattr(expected, "obj", expected)
    assert (json.loads(got) if isinstance(got, str) else got) == (
        json.loads(expected) if isinstance(expected, str) else expected
    )


def test_rows_are_read_back_as_django_reads_them(team):
    from firsthand.networks.testing import connect_sandbox_account

    account = connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    person = Person.objects.create(workspace=team.workspace, network="sandbox", handle="ann")
    when = datetime(2026, 11, 24, 9, 30, 5, 120000, tzinfo=timezone.utc)
    for key, labels, answered in (("a", ["question", "négative"], None), ("b", [], when + timedelta(hours=1))):
        Conversation.objects.create(
            workspace=team.workspace,
            account=account,
            person=person,
            key=key,
            kind="mention",
            labels=labels,
            first_inbound_at=when,
            last_inbound_at=when,
            last_response_at=answered,
        )
    names = ["pk", "key", "labels", "priority", "first_inbound_at", "last_response_at", "person_id"]
    conversations = Conversation.objects.order_by("key")
    assert bulk.fetch_rows(conversations, names) == list(conversations.values_list(*names))
    with pytest.raises(ValueError, match="BooleanField"):  # what it cannot read faithfully, it refuses
        bulk.fetch_rows(Workspace.objects.all(), ["is_demo"])


def test_a_long_list_goes_to_the_database_as_one_parameter(team):
    rows = [(team.workspace.pk, "sandbox", f"person-{n}", "") for n in range(1500)]
    bulk.insert_rows(Person, ["workspace_id", "network", "handle", "name"], rows)
    wanted = [f"person-{n}" for n in range(0, 1500, 7)] + ["nobody", 'o\'hara "quoted"']
    found = Person.objects.filter(handle__in=bulk.listed(wanted, Person)).values_list("handle", flat=True)
    assert sorted(found) == sorted(wanted[:-2])
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:3])
    assert (
        list(Person.objects.filter(pk__in=bulk.listed(ids, Person)).order_by("pk").values_list("pk", flat=True)) == ids
    )
    with pytest.raises(ValueError):
        bulk.listed([], Person)
