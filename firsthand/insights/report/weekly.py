"""The weekly email: on Monday (the workspace's time zone), last week's report to the people chosen.

Run by every worker's loop; a week is claimed by moving WeeklyReport.week with a conditional UPDATE, so
however many workers run, one sends it. Each person gets the report as they may see it (a member limited
to some accounts gets only theirs), the PDF attached and the main figures in the body. A failed send is
kept on the row in words for the Insights settings page, and tried again an hour later.
"""

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.mail import EmailMessage
from django.db.models import Q
from django.utils import timezone

from firsthand.insights.filters import Period
from firsthand.insights.report import pdf
from firsthand.insights.report.figures import Report, gather
from firsthand.insights.report.models import WeeklyReport
from firsthand.team.models import Membership

logger = logging.getLogger("firsthand.insights")
RETRY = timedelta(hours=1)


def this_monday(workspace, now) -> date:
    local = now.astimezone(ZoneInfo(workspace.timezone or "UTC")).date()
    return local - timedelta(days=local.weekday())


def body(report: Report) -> str:
    messages, posts = report.messages, report.posts
    lines = [f"{report.workspace}, {report.scope}", ""]
    lines.append(f"Customer messages: {messages.get('total', 0)} (" + ", ".join(
        f"{n} {name.lower()}" for name, n in report.kinds) + ")")  # fmt: skip
    if report.answered:
        lines.append(f"Conversations answered: {report.answered['answered']} of {report.answered['conversations']}")
    lines.append(f"Posts published: {posts['posts']}, replies in the inbox: {posts['inbox_replies']}")
    if posts.get("likes") is not None:
        lines.append(f"Likes: {posts['likes']}, reposts: {posts['reposts'] or 0}")
    if report.best:
        lines.append(f"Most answered and liked: “{report.best[0].text()[:80]}”")
    if report.suggested:
        lines.append("Suggested queue slots: " + ", ".join(f"{h:02d}:00" for h in report.suggested))
    lines += ["", "The full report, with its charts, is attached. Change who gets it in Insights → Settings."]
    return "\n".join(lines)


def send_one(choice: WeeklyReport, monday: date) -> int:
    """Mail last week's report to each chosen member still in the workspace; the number of emails sent."""
    workspace = choice.workspace
    members = Membership.objects.filter(workspace=workspace, user__in=choice.recipients.all()).select_related("user")
    period = Period(monday - timedelta(days=7), monday - timedelta(days=1))
    sent = 0
    with timezone.override(ZoneInfo(workspace.timezone or "UTC")):
        for membership in members:
            report = gather(membership, period)
            message = EmailMessage(
                subject=f"{workspace.name}: last week on social media ({report.scope})",
                body=body(report),
                to=[membership.user.email],
            )
            message.attach(f"{workspace.slug}-report-{period.since}.pdf", pdf.render(report), "application/pdf")
            sent += message.send()
    return sent


def send_due(now: datetime | None = None) -> int:
    """Send every enabled workspace's report of last week that no worker has sent yet."""
    now = now or timezone.now()
    sent = 0
    ready = Q(retry_after=None) | Q(retry_after__lte=now)
    for choice in WeeklyReport.objects.filter(ready, enabled=True).select_related("workspace"):
        monday = this_monday(choice.workspace, now)
        claimed = WeeklyReport.objects.filter(Q(week=None) | Q(week__lt=monday), pk=choice.pk, week=choice.week)
        if not claimed.update(week=monday):
            continue  # this week's is sent, or another worker has it
        try:
            sent += send_one(choice, monday)
        except Exception as problem:
            # The mail server refused or was away: say so on the settings page, and try again in an hour.
            logger.exception("the weekly report of workspace %s could not be sent", choice.workspace_id)
            reason = f"Not sent at {now:%Y-%m-%d %H:%M} UTC: {type(problem).__name__}: {problem}"
            WeeklyReport.objects.filter(pk=choice.pk).update(
                week=choice.week, error=reason[:500], retry_after=now + RETRY
            )
            continue
        WeeklyReport.objects.filter(pk=choice.pk).update(sent_at=now, error="", retry_after=None)
    return sent


_next_look = 0.0


def run_once() -> int:
    """The worker's step: a look once a minute is plenty for a weekly email."""
    import time

    global _next_look
    if time.monotonic() < _next_look:
        return 0
    _next_look = time.monotonic() + 60
    return send_due()
