"""The weekly email of the Insights report: settings only owners and managers change, sent once a week
however many workers look, each person getting only what they may see."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from firsthand.audit.models import AuditEvent
from firsthand.insights.report import weekly
from firsthand.insights.report.models import WeeklyReport
from firsthand.insights.tests.test_post_figures import publish, reply_to
from firsthand.insights.tests.test_posts_page import file_replies
from firsthand.networks.testing import connect_sandbox_account
from firsthand.team import operations as team_operations

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def url(team):
    return reverse("insights:settings", args=[team.workspace.slug])


def test_only_owners_and_managers_choose_who_gets_the_weekly_report(team, client_for):
    manager = client_for(team.manager)
    assert manager.post(url(team), {"enabled": "on", "recipients": [team.owner.pk, team.staff.pk]}).status_code == 302
    choice = WeeklyReport.objects.get(workspace=team.workspace)
    assert choice.enabled and set(choice.recipients.all()) == {team.owner, team.staff}
    assert weekly.send_due() == 0  # turned on mid-week: the first report is next Monday's
    assert AuditEvent.objects.filter(action="insights.weekly_report_changed").exists()
    staff = client_for(team.staff)
    assert staff.get(url(team)).status_code == 200  # everyone reads it
    assert staff.post(url(team), {"recipients": []}).status_code == 403
    assert WeeklyReport.objects.get(pk=choice.pk).enabled


def test_bad_choices_are_refused_with_a_reason_and_change_nothing(team, client_for):
    owner = client_for(team.owner)
    nobody = owner.post(url(team), {"enabled": "on"})
    assert nobody.status_code == 400 and "Choose at least one person" in nobody.content.decode()
    outsider = owner.post(url(team), {"enabled": "on", "recipients": [team.outsider.pk]})
    assert outsider.status_code == 400
    huge = owner.post(url(team), {"enabled": "on", "recipients": ["99999999999999999999999"]})
    assert huge.status_code == 400
    assert not WeeklyReport.objects.filter(workspace=team.workspace, enabled=True).exists()


@pytest.fixture
def week(team):
    """A post on Tuesday 1 December 2026 with two replies; the report is due on Monday 7 December."""
    team.workspace.timezone = "Europe/London"
    team.workspace.save()
    cafe = connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    choice = WeeklyReport.objects.create(workspace=team.workspace, enabled=True, week=datetime(2026, 11, 30).date())
    choice.recipients.set([team.owner, team.viewer])
    return cafe, choice


def at(*parts):
    return datetime(*parts, tzinfo=LONDON)


def test_monday_sends_last_weeks_report_once_however_many_workers_look(team, week):
    cafe, choice = week
    from firsthand.publishing.models import Delivery

    delivery = publish(team.membership("owner"), cafe, "Mince pies are back", hours_ago=1)
    Delivery.objects.filter(pk=delivery.pk).update(published_at=at(2026, 12, 1, 10, 0))
    reply_to(delivery, "ann", "Yes please")
    file_replies()
    assert weekly.send_due(at(2026, 12, 6, 23, 0)) == 0  # Sunday night: that week is not over
    monday = at(2026, 12, 7, 8, 0)
    assert weekly.send_due(monday) == 2
    assert weekly.send_due(monday) == 0 and weekly.send_due(monday + timedelta(days=3)) == 0  # one a week
    assert sorted(m.to[0] for m in mail.outbox) == sorted([team.owner.email, team.viewer.email])
    message = mail.outbox[0]
    assert "30 Nov 2026 - 6 Dec 2026" in message.subject
    assert "Posts published: 1, replies in the inbox: 1" in message.body
    name, content, kind = message.attachments[0]
    assert kind == "application/pdf" and "Mince pies are back" in PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert WeeklyReport.objects.get(pk=choice.pk).sent_at is not None


def test_a_limited_member_gets_only_the_accounts_they_may_see(team, week):
    cafe, choice = week
    from firsthand.publishing.models import Delivery

    bakery = connect_sandbox_account(team.workspace, "corner-bakery", by=team.owner)
    team_operations.limit_accounts(team.membership("owner"), team.membership("staff"), [bakery])
    choice.recipients.set([team.staff, team.owner])
    delivery = publish(team.membership("owner"), cafe, "Only for the cafe", hours_ago=1)
    Delivery.objects.filter(pk=delivery.pk).update(published_at=at(2026, 12, 1, 10, 0))
    assert weekly.send_due(at(2026, 12, 7, 8, 0)) == 2
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Posts published: 1" in bodies[team.owner.email]
    assert "Posts published: 0" in bodies[team.staff.email] and "Only for the cafe" not in bodies[team.staff.email]


def test_a_mail_server_failure_is_shown_and_tried_again_an_hour_later(team, client_for, week, monkeypatch):
    cafe, choice = week

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp.example:587 refused the connection")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    monday = at(2026, 12, 7, 8, 0)
    assert weekly.send_due(monday) == 0
    choice.refresh_from_db()
    assert "refused the connection" in choice.error and choice.week == datetime(2026, 11, 30).date()
    assert "could not be sent" in client_for(team.viewer).get(url(team)).content.decode()
    monkeypatch.undo()
    assert weekly.send_due(monday + timedelta(minutes=30)) == 0  # waits the hour
    assert weekly.send_due(monday + timedelta(minutes=61)) == 2
    choice.refresh_from_db()
    assert choice.error == "" and choice.week == monday.date()
