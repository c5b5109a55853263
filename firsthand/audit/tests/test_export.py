"""Owners download the audit log as CSV; a cell that a spreadsheet would run as a formula arrives as text."""

import csv
import io

import pytest
from django.urls import reverse

from firsthand.audit.log import record


def export(client, team):
    return client.get(reverse("team:audit_export", kwargs={"slug": team.workspace.slug}))


@pytest.mark.django_db
def test_owner_downloads_the_log_with_formulas_made_text(team, client_for):
    record("test.plain", "Ann renamed the workspace", actor=team.owner, workspace=team.workspace)
    for dangerous in ['=HYPERLINK("http://x.example")', "+1", "-2+3", "@SUM(A1)"]:
        record("test.evil", dangerous, actor=team.owner, workspace=team.workspace)
    record("test.elsewhere", "not theirs", workspace=team.outsider.memberships.get().workspace)
    response = export(client_for(team.owner), team)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    summaries = [row[4] for row in rows[1:]]
    assert summaries == ["Ann renamed the workspace", '\'=HYPERLINK("http://x.example")', "'+1", "'-2+3", "'@SUM(A1)"]
    assert rows[1][0] == "1" and len(rows[1][7]) == 64


@pytest.mark.django_db
@pytest.mark.parametrize("persona,status", [("manager", 403), ("staff", 403), ("viewer", 403), ("outsider", 404)])
def test_only_owners_download_the_log(team, client_for, persona, status):
    assert export(client_for(team.user(persona)), team).status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize("persona,shown", [("owner", True), ("manager", False)])
def test_the_settings_page_offers_the_download_to_owners(team, client_for, persona, shown):
    html = client_for(team.user(persona)).get(reverse("team:settings", kwargs={"slug": team.workspace.slug}))
    assert (reverse("team:audit_export", kwargs={"slug": team.workspace.slug}) in html.content.decode()) == shown
