"""Ids that are not ids, in query strings, forms and addresses: a clear answer, never an HTTP 500.

Each request here was a 500: digits too large for the database's 64-bit integers overflowed inside the
query (SQLite: OverflowError), and a form id that is not a number made the ORM raise ValueError."""

import pytest
from django.urls import reverse

from firsthand.networks.testing import connect_sandbox_account
from firsthand.web.params import MAX_ID, an_id, ids, page_number

pytestmark = pytest.mark.django_db

HUGE = str(MAX_ID + 1)  # 9223372036854775808


@pytest.fixture
def account(team):
    return connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)


def test_an_id_is_digits_the_database_can_hold():
    assert [an_id(v) for v in ["12", str(MAX_ID), HUGE, "0", "-3", "²", "1e3", " 7", None]] == [
        12, MAX_ID, None, None, None, None, None, None, None,
    ]  # fmt: skip
    assert an_id("0", zero=True) == 0 and ids(["3", "x", HUGE, "4"]) == [3, 4]


@pytest.mark.parametrize("value", [HUGE, "99999999999999999999999", "²"])
def test_query_string_ids_that_are_not_ids_are_ignored(team, client_for, account, value):
    client, slug = client_for(team.owner), team.workspace.slug
    assert client.get(reverse("publishing:calendar", kwargs={"slug": slug}), {"account": value}).status_code == 200
    assert client.get(reverse("inbox:inbox", kwargs={"slug": slug}), {"account": value}).status_code == 200


def test_a_page_number_is_digits_within_the_last_page_or_the_first_page():
    assert [page_number(v) for v in ["3", "9999", "10000", HUGE, "0", "-2", "²", "١٢", "", None]] == [
        3, 9999, 1, 1, 1, 1, 1, 1, 1, 1,
    ]  # fmt: skip


@pytest.mark.parametrize("value", ["²", "١٢", HUGE, "-1"])
def test_inbox_pages_that_are_not_numbers_show_the_first_page(team, client_for, account, value):
    # "²".isdigit() is True and int("²") raises: ?page=² was an HTTP 500 (found by the page fuzz test).
    url = reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    assert client_for(team.viewer).get(url, {"page": value}).status_code == 200


def test_addresses_with_ids_too_large_are_not_found(team, client_for):
    client, slug = client_for(team.owner), team.workspace.slug
    for path in (f"/w/{slug}/inbox/{HUGE}/", f"/w/{slug}/inbox/{'9' * 40}/", f"/w/{slug}/team/members/{HUGE}/remove/"):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("value", ["abc", HUGE, "1.5"])
def test_form_ids_that_are_not_ids_get_a_clear_answer(team, client_for, account, value):
    client, slug = client_for(team.owner), team.workspace.slug
    compose = client.post(
        reverse("publishing:compose", kwargs={"slug": slug}),
        {"accounts": [value], "text": "Soup", "when": "now", "media": [value], "post_id": value},
    )
    assert compose.status_code == 400
    simulate = client.post(reverse("inbox:simulate", kwargs={"slug": slug}), {"account": value, "text": "hi"})
    assert simulate.status_code == 404
    pause = client.post(reverse("guard:pause", kwargs={"slug": slug}), {"account": value, "reason": "storm"})
    assert pause.status_code in (200, 302, 400)
