"""Insights → Posts: each published post's figures, the best and the worst, and when replies come."""

import csv
from urllib.parse import urlencode

from django.http import StreamingHttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

from firsthand.inbox.window import WEEKDAY_NAMES, a_number
from firsthand.insights import charts, filters
from firsthand.insights.conversations import WEEKDAYS
from firsthand.insights.kept import kept
from firsthand.insights.posts import engine, figures
from firsthand.insights.views.common import render_tab
from firsthand.networks import registry
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability
from firsthand.team.views.workspaces import _Echo, safe_cell

TABLES = ["posts", "hours"]
SORTS = [("replies", "Replies"), ("likes", "Likes"), ("reposts", "Reposts"), ("newest", "Newest")]
CLICKS_SORT = ("clicks", "Clicks")  # offered once any post's links went out short


class Found:
    """The page's figures for a member and a period, with where each leads in the inbox.

    Kept until a message arrives or a post's figures change (insights.kept): only what the page shows (the
    first `shown` rows, the best and worst, the totals), so a view reads a few dozen rows from the cache,
    not every post of the period. The CSV reads every row afresh (`every_row`)."""

    def __init__(self, membership, period, order: str, moment=None):
        self.membership, self.period, self.order, self.moment = membership, period, order, moment
        self.inbox = reverse("inbox:inbox", kwargs={"slug": membership.workspace.slug})

    def summary(self, shown: int) -> tuple:
        """(how many posts, totals, the first `shown` rows, the best, the worst), the three lists drawn once
        when worked out rather than on every view."""

        def compute():
            rows = self.every_row()
            best, worst = figures.best_and_worst(rows)
            return len(rows), figures.totals(rows), self.drawn(rows[:shown]), self.drawn(best), self.drawn(worst)

        more = (self.order, self.moment, shown, figures.version(self.membership))
        return kept("post-rows", self.membership, self.period, compute, *more)

    def drawn(self, rows: list) -> str:
        if not rows:
            return ""  # the page asks "any best posts?" of this
        workspace = self.membership.workspace
        # Each row's two links, made from one reversed address rather than two reversals a row.
        post_link = reverse("publishing:post", kwargs={"slug": workspace.slug, "post_id": 0})[: -len("0/")]
        for row in rows:
            row.replies_link = f"{self.inbox}?{urlencode({'status': 'all', 'post': row.pk})}"
            # The own clicks lead to the post, where each of its short links is listed with its count.
            row.clicks_link = f"{post_link}{row.post_id}/#links-{row.pk}"
        # A SafeString, and one again when it comes back from the cache (pickled with its class).
        return render_to_string("insights/_post_rows.html", {"rows": rows, "workspace": workspace})

    def every_row(self) -> list:
        rows = list(figures.rows(self.membership, self.period, self.order, self.moment))
        for row in rows:
            row.engagement = figures.engagement(row)
        return rows

    def hours(self):
        return kept(
            "reply-hours", self.membership, self.period, lambda: figures.reply_hours(self.membership, self.period)
        )


def availability(accounts, reasons: dict) -> list[dict]:
    """Per network the team posts on: what its API gives, or why there are no figures (its own words)."""
    notes, seen = [], set()
    for account in accounts:
        refusal = reasons.get(account.pk, "")
        key = (account.network, refusal)
        if key in seen:
            continue
        seen.add(key)
        label = registry.NETWORK_LABELS.get(account.network, account.network)
        if account.network not in registry.POST_METRICS:
            notes.append({"network": label, "text": registry.NO_POST_METRICS.get(account.network, ""), "bad": True})
        elif refusal:
            notes.append({"network": label, "text": f"{account.handle}: {refusal}", "bad": True})
    return notes


@workspace_view(Capability.VIEW)
def posts(request, membership):
    period = filters.parse(membership, request.GET)
    order = request.GET.get("sort", "replies")
    order = order if order in figures.ORDERS else "replies"
    moment = published_moment(request.GET)
    found = Found(membership, period, order, moment)
    if request.GET.get("format") == "csv":
        return export(request.GET.get("table", ""), membership, found)
    shown = figures.SHOWN_ALL if request.GET.get("rows") == "all" else figures.SHOWN
    count, total, rows, best, worst = found.summary(shown)
    accounts = list(filters.accounts_for(membership))
    if period.account:
        accounts = [period.account]
    elif period.network:
        accounts = [a for a in accounts if a.network == period.network]
    grid = found.hours() if count else []
    suggested = figures.suggested_hours(grid) if grid else []
    own = urlencode(period.own_query())
    context = {
        "period": period,
        "own_query": own,
        "accounts": filters.accounts_for(membership),
        "networks": sorted(set(filters.accounts_for(membership).values_list("network", flat=True))),
        "presets": [("7", "7 days"), ("30", "30 days"), ("90", "90 days")],
        "rows": rows,
        "more_rows": max(count - shown, 0),
        "all_shown": shown == figures.SHOWN_ALL,
        "total": total,
        "best": best,
        "worst": worst,
        "sort": order,
        "sorts": [*SORTS[:3], CLICKS_SORT, *SORTS[3:]] if total["shortened"] or order == "clicks" else SORTS,
        "notes": availability(accounts, engine.refused([a.pk for a in accounts])),
        "heatmap": charts.heatmap(grid, WEEKDAYS) if grid and any(map(any, grid)) else "",
        "hour_chart": charts.hour_bars(figures.by_hour(grid), suggested, "replies") if grid else "",
        "hour_totals": figures.by_hour(grid) if grid else [],
        "hours": list(zip(WEEKDAYS, grid, strict=True)) if grid else [],
        "hour_range": [f"{h:02d}" for h in range(24)],
        "suggested": [f"{h:02d}:00" for h in sorted(suggested)],  # as a day runs, to copy into queue times
        "queue_link": reverse("publishing:queue_times", kwargs={"slug": membership.workspace.slug}),
        "moment": describe_moment(moment),
    }
    if moment:
        context["own_query"] = urlencode({**period.own_query(), "weekday": moment[0], "hour": moment[1]})
        context["without_moment"] = own
    return render_tab(request, "posts", "insights/posts.html", context)


def published_moment(params) -> tuple[int, int] | None:
    """`weekday` (ISO, Monday is 1) and `hour` together: the posts that went out in that local hour of the
    week. One without the other, or anything unreadable, filters nothing."""
    weekday, hour = a_number(params.get("weekday", ""), 1, 7), a_number(params.get("hour", ""), 0, 23)
    return (weekday, hour) if weekday is not None and hour is not None else None


def describe_moment(moment) -> str:
    if not moment:
        return ""
    return f"Published on {WEEKDAY_NAMES[moment[0] - 1]}, {moment[1]:02d}:00–{moment[1]:02d}:59"


def export(table: str, membership, found: Found):
    """One table as CSV; a cell starting with = + - @ gets a quote so a spreadsheet shows it as text."""
    if table not in TABLES:
        table = "posts"
    if table == "posts":
        header = ["published (UTC)", "account", "network", "text", "url", "replies in the inbox", "replies (network)",
                  "likes", "reposts", "quotes", "clicks", "clicks on own short links", "figures read (UTC)",
                  "why not"]  # fmt: skip
        rows = (
            [
                r.published_at.isoformat(),
                r.account.handle,
                r.account.network,
                r.text(),
                r.remote_url,
                r.inbox_replies,
                r.replies,
                r.likes,
                r.reposts,
                r.quotes,
                r.clicks,
                r.own_clicks if r.has_short_links else None,
                r.fetched_at.isoformat() if r.fetched_at else "",
                r.figures_error,
            ]  # fmt: skip
            for r in found.every_row()
        )
    else:
        header = ["weekday", *(f"{h:02d}" for h in range(24))]
        rows = ([name, *row] for name, row in zip(WEEKDAYS, found.hours(), strict=True))
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(["" if cell is None else safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{membership.workspace.slug}-posts-{table}.csv"'
    return response
