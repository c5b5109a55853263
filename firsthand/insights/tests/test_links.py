"""A person's row and a heatmap cell lead to exactly the conversations behind them (the inbox's `by`,
`weekday` and `hour` filters), and the inbox reads nonsense in those filters as no filter."""

from datetime import datetime
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from firsthand.insights.tests.test_conversations import PERIOD, arrive, inbox_rows, page

pytestmark = pytest.mark.django_db


def test_a_persons_response_row_leads_to_the_conversations_they_answered(team, client_for, history):
    client = client_for(team.viewer)
    people = {row["key"]: row for row in page(client, team, **PERIOD).context["responses"]["tables"]["person"]}
    assert inbox_rows(client, people[team.staff.name]["link"]) == {"ann", "bob"}
    assert inbox_rows(client, people[team.owner.name]["link"]) == {"ann"}
    html = client.get(people[team.owner.name]["link"]).content.decode()
    assert f"Answered by {team.owner.name} from 2 Mar to 4 Mar 2026" in html


def test_who_answered_rows_lead_to_that_persons_conversations_on_that_account(team, client_for, history):
    client = client_for(team.viewer)
    rows = page(client, team, **PERIOD).context["speakers"]["by_person"]
    links = {(row["author__name"], row["conversation__account__handle"]): row["link"] for row in rows}
    assert inbox_rows(client, links[(team.staff.name, "@corner-cafe")]) == {"ann", "bob"}
    assert inbox_rows(client, links[(team.owner.name, "@corner-cafe")]) == {"ann"}
    # Bob's answer was written on the 4th: a period ending the 3rd leaves him out of the count and the list.
    rows = page(client, team, since="2026-03-02", until="2026-03-03").context["speakers"]["by_person"]
    staff = next(row for row in rows if row["author__name"] == team.staff.name)
    assert staff["answers"] == 1 and inbox_rows(client, staff["link"]) == {"ann"}


def test_each_heatmap_cell_leads_to_exactly_its_messages(team, client_for, history):
    client = client_for(team.viewer)
    response = page(client, team, **PERIOD)
    cells = {name: row for name, row in response.context["hour_cells"]}
    assert inbox_rows(client, cells["Mon"][10][1]) == {"ann"}
    assert inbox_rows(client, cells["Tue"][16][1]) == {"bob"}
    assert inbox_rows(client, cells["Tue"][12][1]) == {"cy"}
    assert inbox_rows(client, cells["Wed"][8][1]) == {"dee"}
    assert inbox_rows(client, cells["Wed"][9][1]) == set()  # bob was answered then; nobody wrote
    query = parse_qs(urlparse(cells["Tue"][16][1]).query)
    assert (query["weekday"], query["hour"], query["since"], query["until"]) == (
        ["2"],
        ["16"],
        ["2026-03-02"],
        ["2026-03-04"],
    )
    html = response.content.decode()
    assert html.count('<a href="/w/') and "weekday=2&amp;hour=16" in html  # the chart's cell and its table's
    chip = client.get(cells["Tue"][16][1]).content.decode()
    assert "Customer messages from 2 Mar to 4 Mar 2026, on Tuesdays, 16:00–16:59" in chip


def test_a_heatmap_cell_on_the_night_clocks_go_back_holds_both_of_its_hours(team, client_for, shop):
    cafe, _ = shop
    utc = ZoneInfo("UTC")
    arrive(cafe, "first 01:30", datetime(2026, 10, 25, 0, 30, tzinfo=utc), [], "ann")
    arrive(cafe, "second 01:30", datetime(2026, 10, 25, 1, 30, tzinfo=utc), [], "bob")
    arrive(cafe, "02:30", datetime(2026, 10, 25, 2, 30, tzinfo=utc), [], "cy")
    client = client_for(team.viewer)
    cells = dict(page(client, team, since="2026-10-25", until="2026-10-25").context["hour_cells"])
    assert cells["Sun"][1][0] == 2 and inbox_rows(client, cells["Sun"][1][1]) == {"ann", "bob"}
    assert inbox_rows(client, cells["Sun"][2][1]) == {"cy"}


@pytest.mark.parametrize(
    "params",
    [
        {"by": "abc"},
        {"by": "0"},
        {"by": "99999999999999999999999"},
        {"weekday": "0"},
        {"weekday": "8"},
        {"hour": "24"},
        {"hour": "-1"},
        {"hour": "1x"},
        {"weekday": "\x00"},
    ],
)
def test_nonsense_in_the_new_filters_is_no_filter(team, client_for, history, params):
    url = reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    query = "&".join(f"{k}={v}" for k, v in params.items())
    assert inbox_rows(client_for(team.viewer), f"{url}?status=all&{query}") == {"ann", "bob", "cy", "dee", "eve"}


def test_someone_elses_id_tells_no_name_and_lists_nothing(team, client_for, history):
    from firsthand.team.operations import create_owner

    stranger = create_owner(name="Stranger Danger", email="s@example.com", password=None, workspace_name="Else")
    url = reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    response = client_for(team.viewer).get(url, {"status": "all", "by": str(stranger.user.pk)})
    html = response.content.decode()
    assert "Stranger Danger" not in html and "Answered by someone who has left the team" in html
    assert list(response.context["conversations"]) == []
