from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from firsthand.publishing.importer import import_posts
from firsthand.publishing.models import Delivery, Post
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db


def future(days=3, hour="09:30"):
    return f"{(timezone.now() + timedelta(days=days)).date().isoformat()} {hour}"


def test_a_good_file_schedules_every_row_on_the_workspace_clock(team, account):
    team.workspace.timezone = "Europe/Berlin"
    team.workspace.save()
    content = f'account,time,text\n@corner-cafe,{future()},Door 1\ncorner-cafe,{future(4)},"Door 2, with a comma"\n'
    report = import_posts(team.membership("owner"), content.encode())
    assert report.ok and report.imported == 2
    texts = sorted(Post.objects.values_list("text", flat=True))
    assert texts == ["Door 1", "Door 2, with a comma"]
    assert set(Delivery.objects.values_list("state", flat=True)) == {State.SCHEDULED}
    from zoneinfo import ZoneInfo

    first = Delivery.objects.order_by("due_at").first()
    assert first.due_at.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M") == "09:30"


@pytest.mark.parametrize(
    "content,message",
    [
        ("account,when,text\n@corner-cafe,2030-01-01 10:00,hi\n", "Missing column(s): time"),
        ("account,time,text,colour\n", "Unknown column(s): colour"),
        ("", "The file is empty"),
        ("account,time,text\n", "no posts"),
    ],
)
def test_a_file_with_wrong_columns_is_refused_whole(team, account, content, message):
    report = import_posts(team.membership("owner"), content.encode())
    assert not report.ok and any(message in problem for problem in report.errors)
    assert not Post.objects.exists()


def test_one_bad_row_means_nothing_is_imported_and_each_problem_names_its_line(team, account):
    content = (
        "account,time,text\n"
        f"@corner-cafe,{future()},Fine\n"
        f"@nobody,{future()},Unknown account\n"
        "@corner-cafe,next tuesday,Bad date\n"
        "@corner-cafe,2020-01-01 10:00,In the past\n"
        f"@corner-cafe,{future()},{'x' * 501}\n"
        f"@corner-cafe,{future()},\n"
        "@corner-cafe,2027-03-28 02:30,Skipped hour\n"
    )
    team.workspace.timezone = "Europe/Berlin"
    team.workspace.save()
    report = import_posts(team.membership("owner"), content.encode())
    assert not report.ok
    problems = {row.line: " ".join(row.errors) for row in report.rows}
    assert problems[2] == ""
    assert "No connected account @nobody" in problems[3]
    assert "not a time firsthand understands" in problems[4]
    assert "already passed" in problems[5]
    assert "too long" in problems[6]
    assert "empty" in problems[7]
    assert "does not exist" in problems[8]
    assert not Post.objects.exists()


def test_a_file_that_is_not_utf8_is_explained(team, account):
    report = import_posts(
        team.membership("owner"), "account,time,text\n@corner-cafe,2030-01-01 10:00,Caf\xe9\n".encode("latin-1")
    )
    assert "not UTF-8" in report.errors[0]


def test_the_upload_page_shows_the_report(team, client_for, account):
    upload = SimpleUploadedFile("posts.csv", b"account,time,text\n@nobody,2030-01-01 10:00,hi\n", "text/csv")
    response = client_for(team.staff).post(
        reverse("publishing:import", kwargs={"slug": team.workspace.slug}), {"file": upload}
    )
    assert response.status_code == 400
    assert "Nothing was imported" in response.content.decode() and "@nobody" in response.content.decode()


def test_viewers_cannot_import(team, client_for, account):
    response = client_for(team.viewer).get(reverse("publishing:import", kwargs={"slug": team.workspace.slug}))
    assert response.status_code == 403


def upload(client, workspace, content: bytes):
    file = SimpleUploadedFile("posts.csv", content, "text/csv")
    return client.post(reverse("publishing:import", kwargs={"slug": workspace.slug}), {"file": file})


@pytest.mark.parametrize(
    "content, message",
    [
        (b"account,time,text\n@corner-cafe,2030-01-01 10:00," + b"x" * 140_000 + b"\n", "Row 2 could not be read"),
        (b"account,time,text\n@corner-cafe,2030-01-01 10:00,hi\x00there\n", "NUL characters"),
    ],
)
def test_a_file_the_csv_reader_cannot_take_is_explained_not_a_server_error(team, client_for, account, content, message):
    response = upload(client_for(team.owner), team.workspace, content)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Post.objects.exists()


def test_a_file_with_cr_only_line_ends_reads_like_any_other(team, account):
    content = f"account,time,text\r@corner-cafe,{future()},Door 1\r@corner-cafe,{future(4)},Door 2\r"
    report = import_posts(team.membership("owner"), content.encode())
    assert report.ok and report.imported == 2


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"])
@pytest.mark.parametrize(
    "when", ["0001-01-01 00:00", "9999-12-31 23:59", "0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00"]
)
def test_dates_at_the_ends_of_the_calendar_are_refused_in_words(team, client_for, account, zone, when):
    team.workspace.timezone = zone
    team.workspace.save()
    response = upload(client_for(team.owner), team.workspace, f"account,time,text\n@corner-cafe,{when},hi\n".encode())
    assert response.status_code == 400 and "Choose a date between the years" in response.content.decode()
