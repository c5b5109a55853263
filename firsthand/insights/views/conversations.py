"""Insights → Conversations: each figure with its chart, its table, its CSV and a link to its messages."""

import csv
from functools import cached_property, lru_cache
from urllib.parse import quote_plus, urlencode

from django.http import StreamingHttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from firsthand.inbox.clocks import waited
from firsthand.inbox.window import KIND_NAMES, KINDS
from firsthand.insights import charts, filters
from firsthand.insights import conversations as figures
from firsthand.insights.kept import kept
from firsthand.insights.responses import response_times
from firsthand.insights.topics import topics
from firsthand.insights.views.common import render_tab
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability
from firsthand.team.views.workspaces import _Echo, safe_cell

TABLES = [
    "days",
    "weeks",
    "complaint-topics",
    "question-topics",
    "response-person",
    "response-account",
    "response-network",
    "hours",
    "waiting",
    "speakers",
]


@lru_cache(maxsize=4096)
def encoded(key: str, value: str) -> str:
    return f"{quote_plus(key)}={quote_plus(value)}"


class Figures:
    """The page's figures, each worked out when first asked for (a CSV export asks for one table only, and
    an empty period skips the rest) and kept until what it counts changes (insights.kept); the links are
    made on every view."""

    def __init__(self, membership, period, inbox: str):
        self.membership, self.period, self.inbox = membership, period, inbox
        self.base = period.query()

    def kept(self, name: str, compute):
        return kept(name, self.membership, self.period, lambda: compute(self.membership, self.period))

    def link(self, kind="", day=None, **more):
        """The inbox filtered to exactly what a figure counts. A 90-day page makes about 2,000 of these: each
        parameter is encoded once (`encoded`), the same text urlencode gives (450 links: 10.5 ms with
        urlencode, 1.8 ms so, on the loaded 2-core machine)."""
        window = self.period.window(kind, day)
        params = self.base | {"since": f"{window.since}", "until": f"{window.until}"} | more
        if kind:
            params["kind"] = kind
        return f"{self.inbox}?" + "&".join([encoded(key, value) for key, value in params.items()])

    @cached_property
    def days(self):
        days = self.kept("days", figures.per_day)
        for day in days:
            day["links"] = {kind: self.link(kind, day["day"]) for kind in KINDS}
            day["link"] = self.link(day=day["day"])
        return days

    @cached_property
    def weeks(self):
        return figures.weekly(self.days)

    @cached_property
    def topic_lists(self):
        return {
            kind: [t | {"link": self.link(kind, q=t["phrase"])} for t in topics(self.membership, self.period, kind)]
            for kind in ("complaint", "question")
        }

    @cached_property
    def responses(self):
        responses = self.kept("responses", response_times)
        # An account's or a network's row leads to its conversations of the period, a person's to the
        # conversations they answered in it (the inbox's `by`).
        ids = {a.handle: a.pk for a in filters.accounts_for(self.membership)}
        for row in responses["tables"]["person"]:
            row["link"] = self.link(by=str(row["by"])) if row["by"] else ""
        for row in responses["tables"]["account"]:
            row["link"] = self.link(account=str(ids[row["key"]])) if row["key"] in ids else ""
        for row in responses["tables"]["network"]:
            row["link"] = self.link(network=row["key"])
        return responses

    @cached_property
    def grid(self):
        return self.kept("hours", figures.hours)

    def cell_link(self, weekday: int, hour: int) -> str:
        """The messages of one heatmap cell: written on that local weekday (0 is Monday) and hour."""
        return self.link(weekday=str(weekday + 1), hour=str(hour))

    @cached_property
    def waiting(self):
        now = timezone.now()
        waiting = figures.waiting_longest(self.membership, self.period)
        for conversation in waiting:
            conversation.waited = waited(conversation.awaiting_since, now)
        return waiting

    @cached_property
    def speakers(self):
        speakers = self.kept("speakers", figures.who_speaks)
        for row in speakers["by_person"]:
            by, account = row["author_id"], row["conversation__account_id"]
            row["link"] = self.link(by=str(by), account=str(account)) if by else ""
        return speakers


@workspace_view(Capability.VIEW)
def conversations(request, membership):
    period = filters.parse(membership, request.GET)
    inbox = reverse("inbox:inbox", kwargs={"slug": membership.workspace.slug})
    if request.GET.get("format") == "csv":
        return export(request.GET.get("table", ""), membership, Figures(membership, period, inbox))
    own = urlencode(period.own_query())
    # Everything counted is one snapshot, kept as a whole (insights.kept: while a fresh one is worked out in
    # the background, the last one is shown for up to INSIGHTS_STALE_SECONDS, with the time it was counted).
    counted = kept(
        "page", membership, period, lambda: snapshot(membership, period, inbox, own), own, get_language(), stale_ok=True
    )
    found = Figures(membership, period, inbox)
    context = counted | {
        "period": period,
        "own_query": own,
        "accounts": filters.accounts_for(membership),
        "networks": sorted(set(filters.accounts_for(membership).values_list("network", flat=True))),
        "waiting": found.waiting,  # now, never kept: it is where the next answer goes
        "counts_error": figures.counts_error(membership),
        "workspace": membership.workspace,
    }
    return render_tab(request, "conversations", "insights/conversations.html", context)


def snapshot(membership, period, inbox: str, own: str) -> dict:
    """The page's counted figures and their charts and tables, drawn. Drawing them was most of a view whose
    figures were kept (90 days at a million messages: 194 ms a view, 80 ms with the HTML kept too, in one
    process on the loaded 2-core machine), so the HTML is part of what is kept."""
    found = Figures(membership, period, inbox)
    days, link = found.days, found.link
    total = figures.totals(days)
    some = bool(total["total"])
    context = {
        "as_of": timezone.now(),
        "period": period,
        "own_query": own,
        "days": days,
        "total": total,
        "kinds": [(k, KIND_NAMES[k]) for k in KINDS],
        "weeks": found.weeks if some else [],
        "complaint_topics": found.topic_lists["complaint"] if some else [],
        "question_topics": found.topic_lists["question"] if some else [],
        "responses": found.responses if some else {},
        "hours": list(zip(figures.WEEKDAYS, found.grid, strict=True)) if some else [],
        "hour_cells": [
            (name, [(n, found.cell_link(weekday, hour)) for hour, n in enumerate(row)])
            for weekday, (name, row) in enumerate(zip(figures.WEEKDAYS, found.grid, strict=True))
        ]
        if some
        else [],
        "speakers": found.speakers,
        "hour_range": [f"{h:02d}" for h in range(24)],
        "response_groups": [("person", "person"), ("account", "account"), ("network", "network")],
        "presets": [("7", "7 days"), ("30", "30 days"), ("90", "90 days")],
        "workspace": membership.workspace,
    }
    charts_of = {
        "all_link": link(),
        "kind_links": {k: link(k) for k in KINDS},
        "bars": charts.stacked_bars(days, KINDS, KIND_NAMES, lambda kind, day: link(kind, day)),
        "legend": charts.legend(KINDS, KIND_NAMES),
        "trend": charts.trend(found.weeks) if some else "",
        "heatmap": charts.heatmap(found.grid, figures.WEEKDAYS, found.cell_link) if some else "",
    }
    # render_to_string's SafeString comes back from the cache as one (pickled with its class).
    context["figures_html"] = render_to_string("insights/_conversation_figures.html", context | charts_of)
    context["speakers_html"] = render_to_string("insights/_speakers.html", context)
    del context["period"], context["own_query"], context["workspace"]  # the view's own, always current
    return context


def export(table: str, membership, found: Figures):
    """One table as CSV, streamed; a cell starting with = + - @ gets a quote so a spreadsheet shows it as text."""
    if table not in TABLES:
        table = "days"
    days, weeks = (found.days, found.weeks) if table in ("days", "weeks") else ([], [])
    if table == "days":
        header = ["day", "messages", *KINDS, "negative", "complaint share %"]
        rows = ([d["day"], d["total"], *(d[k] for k in KINDS), d["negative"], d["complaint_share"]] for d in days)
    elif table == "weeks":
        header = ["week from", "to", "messages", "complaints", "negative", "complaint share %", "negative share %"]
        rows = (
            [
                w["first"],
                w["last"],
                w["total"],
                w["complaint"],
                w["negative"],
                w["complaint_share"],
                w["negative_share"],
            ]
            for w in weeks
        )
    elif table.endswith("-topics"):
        header = ["phrase", "messages", "example", "another example"]
        items = found.topic_lists[table.removesuffix("-topics")]
        rows = ([t["phrase"], t["count"], *(t["examples"] + ["", ""])[:2]] for t in items)
    elif table.startswith("response-"):
        group = table.removeprefix("response-")
        header = [group] + [
            f"{clock} {what}"
            for clock in ("first", "next")
            for what in ("answers", "median min", "p90 min", "within target %")
        ]
        rows = (
            [r["key"]] + [r[f"{c}_{w}"] for c in ("first", "next") for w in ("count", "median", "p90", "within")]
            for r in found.responses["tables"][group]
        )
    elif table == "hours":
        header = ["weekday", *(f"{h:02d}" for h in range(24))]
        rows = ([name, *row] for name, row in zip(figures.WEEKDAYS, found.grid, strict=True))
    elif table == "waiting":
        header = ["person", "account", "waiting since (UTC)"]
        rows = ([c.person, c.account.handle, c.awaiting_since.isoformat()] for c in found.waiting)
    else:
        header = ["person", "account", "answers"]
        rows = (
            [r["author__name"] or "someone who has left", r["conversation__account__handle"], r["answers"]]
            for r in found.speakers["by_person"]
        )
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([safe_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{membership.workspace.slug}-{table}.csv"'
    return response
