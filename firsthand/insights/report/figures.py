"""A period's figures for the report (PDF and weekly email): Overview, Conversations and Posts, worked out
once with the same queries as the tabs, so the report and the pages never disagree."""

from dataclasses import dataclass, field

from firsthand.inbox.window import KIND_NAMES, KINDS
from firsthand.insights import conversations
from firsthand.insights.posts import figures as post_figures
from firsthand.insights.responses import response_times


@dataclass
class Report:
    workspace: str
    period: object
    days: list = field(default_factory=list)
    messages: dict = field(default_factory=dict)
    kinds: list = field(default_factory=list)  # (name, count)
    answered: dict = field(default_factory=dict)
    speakers: dict = field(default_factory=dict)
    posts: dict = field(default_factory=dict)
    best: list = field(default_factory=list)
    worst: list = field(default_factory=list)
    top: list = field(default_factory=list)
    hours: list = field(default_factory=list)  # replies to the posts per hour of the day
    suggested: list = field(default_factory=list)

    @property
    def scope(self) -> str:
        parts = [f"{self.period.since:%-d %b %Y} - {self.period.until:%-d %b %Y}"]
        if self.period.account:
            parts.append(self.period.account.handle)
        if self.period.network:
            parts.append(f"on {self.period.network}")
        return ", ".join(parts)


def gather(membership, period) -> Report:
    report = Report(workspace=membership.workspace.name, period=period)
    report.days = conversations.per_day(membership, period)
    report.messages = conversations.totals(report.days)
    report.kinds = [(KIND_NAMES[kind], report.messages[kind]) for kind in KINDS]
    if report.messages["total"]:
        responses = response_times(membership, period)
        report.answered = {
            "conversations": responses["conversations"],
            "answered": responses["answered"],
            "share": responses["answered_share"],
            # Per network: the median of medians would be no one's wait, so each network keeps its own.
            "networks": [
                (row["key"], row["first_count"], row["first_median"], row["first_within"])
                for row in responses["tables"]["network"]
            ],
        }
    report.speakers = conversations.who_speaks(membership, period)
    rows = list(post_figures.rows(membership, period))
    for row in rows:
        row.engagement = post_figures.engagement(row)
    report.posts = post_figures.totals(rows)
    report.best, report.worst = post_figures.best_and_worst(rows)
    report.top = rows[:10]
    grid = post_figures.reply_hours(membership, period) if rows else [[0] * 24]
    report.hours = post_figures.by_hour(grid)
    report.suggested = sorted(post_figures.suggested_hours(grid))
    return report
