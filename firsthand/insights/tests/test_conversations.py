"""Insights → Conversations on a known history: each figure exactly, and each link to exactly its messages."""

import csv
import io
from datetime import datetime
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from firsthand.inbox import ingest
from firsthand.inbox.models import Conversation, Interaction
from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent
from firsthand.networks.testing import connect_sandbox_account

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(*parts):
    return datetime(*parts, tzinfo=LONDON)


@pytest.fixture
def shop(team):
    team.workspace.timezone = "Europe/London"
    team.workspace.save()
    cafe = connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    bakery = connect_sandbox_account(team.workspace, "corner-bakery", by=team.owner)
    return cafe, bakery


def arrive(account, text, when, labels, handle):
    """A customer's message filed by the inbox's own ingestion, then put at a known time with known labels."""
    SandboxEvent.objects.create(
        account=SandboxAccount.objects.get(pk=int(account.remote_id)),
        kind="mention",
        author_handle=handle,
        author_name=handle.title(),
        text=text,
    )
    ingest.poll(account)
    ingest.process_pending()
    item = Interaction.objects.filter(direction="in").latest("pk")
    Interaction.objects.filter(pk=item.pk).update(created_at=when, labels=labels)
    talk = item.conversation
    items = talk.items.filter(direction="in")
    Conversation.objects.filter(pk=talk.pk).update(
        labels=sorted({label for i in items for label in i.labels}),
        first_inbound_at=min(i.created_at for i in items),
        last_inbound_at=max(i.created_at for i in items),
        awaiting_since=when if talk.awaiting_since is None or talk.first_response_at else talk.awaiting_since,
    )
    return Conversation.objects.get(pk=talk.pk)


def answer(talk, when, by):
    Interaction.objects.create(
        conversation=talk,
        direction="out",
        kind="reply",
        author_handle="us",
        author=by,
        text="Thanks!",
        created_at=when,
    )
    first = talk.first_response_at or when
    Conversation.objects.filter(pk=talk.pk).update(first_response_at=first, last_response_at=when, awaiting_since=None)
    talk.refresh_from_db()


@pytest.fixture
def history(team, shop):
    """Three days of March 2026 (Mon 2 – Wed 4), opening hours 9–17 Monday to Friday, targets 60 min."""
    cafe, bakery = shop
    ann = arrive(cafe, "Is the delivery free to Leith?", at(2026, 3, 2, 10, 0), ["question"], "ann")
    answer(ann, at(2026, 3, 2, 10, 30), team.staff)  # first response: 30 min
    arrive(cafe, "And is delivery free on Sunday?", at(2026, 3, 2, 11, 0), ["question"], "ann")
    answer(ann, at(2026, 3, 2, 13, 0), team.owner)  # next response: 120 min
    bob = arrive(cafe, "Delivery late and cold", at(2026, 3, 3, 16, 30), ["complaint", "negative"], "bob")
    answer(bob, at(2026, 3, 4, 9, 30), team.staff)  # 30 min at 16:30–17:00, 30 min from 9:00: 60 min
    arrive(bakery, "Delivery late again, want a refund", at(2026, 3, 3, 12, 0), ["complaint", "question"], "cy")
    arrive(bakery, "Lovely sourdough, thank you", at(2026, 3, 4, 8, 0), ["positive"], "dee")
    arrive(cafe, "Old message", at(2026, 2, 20, 10, 0), ["question"], "eve")  # before the period
    return cafe, bakery


def page(client, team, **params):
    return client.get(reverse("insights:conversations", kwargs={"slug": team.workspace.slug}), params)


PERIOD = {"since": "2026-03-02", "until": "2026-03-04"}


def test_messages_per_day_by_kind_are_exact(team, client_for, history):
    response = page(client_for(team.viewer), team, **PERIOD)
    days = {d["day"].isoformat(): d for d in response.context["days"]}
    assert [days["2026-03-02"][k] for k in ("question", "complaint", "praise", "other", "total")] == [2, 0, 0, 0, 2]
    # "Delivery late again, want a refund" is a complaint and a question: counted once, as a complaint.
    assert [days["2026-03-03"][k] for k in ("question", "complaint", "praise", "other", "total")] == [0, 2, 0, 0, 2]
    assert [days["2026-03-04"][k] for k in ("question", "complaint", "praise", "other", "total")] == [0, 0, 1, 0, 1]
    assert days["2026-03-03"]["complaint_share"] == 100 and days["2026-03-03"]["negative_share"] == 50
    assert response.context["total"]["total"] == 5
    assert "<svg" in response.content.decode() and "The table behind the chart" in response.content.decode()


def test_the_weekly_trend_sums_the_days(team, client_for, history):
    weeks = page(client_for(team.viewer), team, since="2026-03-01", until="2026-03-04").context["weeks"]
    # Sunday 1 March closes the week of 23 February; Monday 2 starts the next.
    assert [(w["week"].isoformat(), w["total"], w["complaint_share"], w["negative_share"]) for w in weeks] == [
        ("2026-02-23", 0, None, None),
        ("2026-03-02", 5, 40, 20),
    ]


def inbox_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return {c.person.handle for c in response.context["conversations"]}


def test_each_bar_leads_to_exactly_its_conversations(team, client_for, history):
    client = client_for(team.viewer)
    days = {d["day"].isoformat(): d for d in page(client, team, **PERIOD).context["days"]}
    assert inbox_rows(client, days["2026-03-03"]["links"]["complaint"]) == {"bob", "cy"}
    assert inbox_rows(client, days["2026-03-02"]["links"]["question"]) == {"ann"}
    assert inbox_rows(client, days["2026-03-03"]["links"]["question"]) == set()  # cy's is a complaint
    assert inbox_rows(client, days["2026-03-04"]["links"]["praise"]) == {"dee"}
    assert inbox_rows(client, days["2026-03-04"]["link"]) == {"dee"}  # bob was answered that day, not writing
    query = parse_qs(urlparse(days["2026-03-03"]["links"]["complaint"]).query)
    assert query["since"] == ["2026-03-03"] and query["until"] == ["2026-03-03"] and query["kind"] == ["complaint"]


def test_the_inbox_shows_the_date_filter_as_a_removable_chip(team, client_for, history):
    url = reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    html = (
        client_for(team.viewer)
        .get(url, {"status": "all", "since": "2026-03-03", "until": "2026-03-03", "kind": "complaint"})
        .content.decode()
    )
    assert "Customer complaints on 3 Mar 2026" in html and "window-chip" in html
    assert 'href="?status=all"' in html  # the chip's × keeps the other filters and drops the window


def test_the_inbox_filters_by_network_and_refuses_nonsense_dates_quietly(team, client_for, history):
    client = client_for(team.viewer)
    url = reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    assert inbox_rows(client, f"{url}?status=all&network=sandbox") == {"ann", "bob", "cy", "dee", "eve"}
    assert inbox_rows(client, f"{url}?status=all&network=mastodon") == set()
    for nonsense in ("2026-13-45", "yesterday", "99999-01-01", "0000-00-00", "2026-03-04x"):
        assert inbox_rows(client, f"{url}?status=all&since={nonsense}&until={nonsense}") == {
            "ann",
            "bob",
            "cy",
            "dee",
            "eve",
        }
    for edge in ("0001-01-01", "0001-01-02", "9999-12-30", "9999-12-31"):  # no overflow on the way to UTC
        assert client.get(f"{url}?status=all&since={edge}&until={edge}").status_code == 200
    # Reversed dates mean the same days.
    assert inbox_rows(client, f"{url}?status=all&since=2026-03-04&until=2026-03-02") == {"ann", "bob", "cy", "dee"}


def test_topics_count_each_message_once_and_lead_to_their_messages(team, client_for, history):
    client = client_for(team.viewer)
    context = page(client, team, **PERIOD).context
    complaints = {t["phrase"]: t for t in context["complaint_topics"]}
    # "delivery late" is in both complaints; "delivery" alone counts as many, so it is folded into it.
    assert complaints["delivery late"]["count"] == 2 and "delivery" not in complaints
    assert len(complaints["delivery late"]["examples"]) == 2
    questions = {t["phrase"]: t for t in context["question_topics"]}
    assert questions["delivery free"]["count"] == 2  # both of Ann's, one conversation
    assert inbox_rows(client, complaints["delivery late"]["link"]) == {"bob", "cy"}
    assert inbox_rows(client, questions["delivery free"]["link"]) == {"ann"}


def test_response_times_in_opening_hours_by_person_account_and_network(team, client_for, history):
    responses = page(client_for(team.viewer), team, **PERIOD).context["responses"]
    people = {row["key"]: row for row in responses["tables"]["person"]}
    staff = people[team.staff.name]
    assert (staff["first_count"], staff["first_median"], staff["first_p90"], staff["first_within"]) == (2, 30, 60, 100)
    owner = people[team.owner.name]
    assert (owner["next_count"], owner["next_median"], owner["next_within"], owner["first_count"]) == (1, 120, 0, 0)
    accounts = {row["key"]: row for row in responses["tables"]["account"]}
    assert accounts["@corner-cafe"]["first_count"] == 2 and accounts["@corner-cafe"]["next_count"] == 1
    assert "@corner-bakery" not in accounts  # nobody answered there
    # Conversations that began waiting in the period: ann, bob, cy, dee; answered: ann and bob.
    assert (responses["conversations"], responses["answered"], responses["answered_share"]) == (4, 2, 50)


def test_hours_heatmap_counts_a_dst_night_once_in_its_local_hours(team, client_for, shop):
    cafe, _ = shop
    # 25 October 2026: London's clocks go back at 02:00 BST, so 01:30 happens twice.
    arrive(cafe, "first 01:30", datetime(2026, 10, 25, 0, 30, tzinfo=ZoneInfo("UTC")), [], "ann")
    arrive(cafe, "second 01:30", datetime(2026, 10, 25, 1, 30, tzinfo=ZoneInfo("UTC")), [], "bob")
    arrive(cafe, "afternoon", datetime(2026, 10, 25, 15, 0, tzinfo=ZoneInfo("UTC")), [], "cy")
    context = page(client_for(team.viewer), team, since="2026-10-25", until="2026-10-25").context
    sunday = dict(context["hours"])["Sun"]
    assert sunday[1] == 2 and sunday[15] == 1 and sum(sunday) == 3
    assert [d["total"] for d in context["days"]] == [3] and context["days"][0]["other"] == 3


def test_an_end_date_alone_means_the_30_days_up_to_it(team, client_for, history):
    period = page(client_for(team.viewer), team, until="2026-03-04").context["period"]
    assert (period.since.isoformat(), period.until.isoformat(), period.errors) == ("2026-02-03", "2026-03-04", [])


def test_an_empty_period_says_so(team, client_for, history):
    html = page(client_for(team.viewer), team, since="2025-01-01", until="2025-01-31").content.decode()
    assert "No customer messages in this period" in html


@pytest.mark.parametrize(
    "params, message",
    [
        ({"since": "2026-02-30"}, "year-month-day"),
        ({"since": "2026-03-05", "until": "2026-03-01"}, "starts after it ends"),
        ({"period": "lots"}, "Choose the last 7, 30 or 90 days"),
        ({"account": "99999999999999999999999"}, "one you can see here"),
        ({"network": "myspace"}, "None of your accounts"),
        ({"since": "2000-01-01", "until": "2026-01-01"}, "at most 366 days"),
        ({"since": "9999-12-30", "until": "9999-12-31"}, "a year from today"),
        ({"since": "0001-01-01", "until": "0001-01-02"}, "a year from today"),
    ],
)
def test_nonsense_filters_get_a_sentence_not_an_error(team, client_for, history, params, message):
    response = page(client_for(team.viewer), team, **params)
    assert response.status_code == 200 and message in response.content.decode()


def test_csv_exports_each_table_with_formulas_defused(team, client_for, history):
    Interaction.objects.filter(text__startswith="Delivery late again").update(text="=HYPERLINK(x) delivery late")
    Interaction.objects.filter(text__startswith="Delivery late and").update(text="=cmd delivery late")
    client = client_for(team.viewer)
    response = page(client, team, format="csv", table="days", **PERIOD)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:6] == ["day", "messages", "complaint", "question", "praise", "other"]
    assert rows[1][:6] == ["2026-03-02", "2", "0", "2", "0", "0"] and len(rows) == 4
    response = page(client, team, format="csv", table="complaint-topics", **PERIOD)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][0] == "delivery late" and rows[1][2].startswith("'=")
    for table in (
        "question-topics",
        "response-person",
        "response-account",
        "response-network",
        "hours",
        "waiting",
        "speakers",
        "nonsense",
    ):
        assert page(client, team, format="csv", table=table, **PERIOD)["Content-Type"].startswith("text/csv")


def test_who_speaks_counts_answers_and_the_owners_share(team, client_for, history):
    speakers = page(client_for(team.viewer), team, **PERIOD).context["speakers"]
    assert speakers["total"] == 3 and speakers["owner_share"] == 33
    assert {(r["author__name"], r["answers"]) for r in speakers["by_person"]} == {
        (team.staff.name, 2),
        (team.owner.name, 1),
    }


def test_a_member_limited_to_one_account_counts_only_it(team, client_for, history):
    from firsthand.team.models import Membership

    cafe, bakery = history
    membership = Membership.objects.get(user=team.staff, workspace=team.workspace)
    membership.all_accounts = False
    membership.save()
    membership.limited_to_accounts.set([bakery])
    context = page(client_for(team.staff), team, **PERIOD).context
    assert context["total"]["total"] == 2  # cy's complaint and dee's praise
    assert page(client_for(team.staff), team, account=str(cafe.pk), **PERIOD).context["period"].account is None


def test_an_outsider_gets_a_404(team, client_for, history):
    assert page(client_for(team.outsider), team, **PERIOD).status_code == 404
