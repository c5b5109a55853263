"""The inbox's bulk writer: rows in multi-row statements, values converted as Django would convert them."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection

from firsthand.inbox import bulk
from firsthand.inbox.models import Conversation, Interaction, Person

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
    (prepare,) = bulk._preparers([field], connection)
    assert prepare(value) == field.get_db_prep_save(value, connection)


@pytest.mark.parametrize("value", [[], ["question", "négative"], {"a": [1, 2.5, None]}, None])
def test_json_is_stored_as_django_stores_it(value):
    field = Conversation._meta.get_field("labels")
    (prepare,) = bulk._preparers([field], connection)
    got, expected = prepare(value), field.get_db_prep_save(value, connection)
    # PostgreSQL's adapter wraps the value (psycopg's Jsonb, compared by what it holds); SQLite gets text.
    assert getattr(got, "obj", got) == getattr(expected, "obj", expected)
