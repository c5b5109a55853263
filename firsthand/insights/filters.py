"""The filter bar of Insights: a period, an account, a network, read by one parser that never raises.

Days are the workspace's (views run inside its time zone, team.access.workspace_view), inclusive at
both ends, so "last 7 days" is today and the six days before it, and a bar's link to the inbox names
the same days the bar counted.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from firsthand.inbox.window import Window, a_date, day_start
from firsthand.networks.models import ConnectedAccount
from firsthand.team import scope
from firsthand.web.params import an_id

PRESETS = {"7": 7, "30": 30, "90": 90}
EARLIEST = 2000  # no message is older; it also keeps year 1 and 9999 from overflowing on the way to UTC
LONGEST = 366  # a year of days at most: the per-day chart and its table stay readable


@dataclass
class Period:
    since: date
    until: date
    account: ConnectedAccount | None = None
    network: str = ""
    preset: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def days(self) -> list[date]:
        return [self.since + timedelta(days=n) for n in range((self.until - self.since).days + 1)]

    def bounds(self):
        return day_start(self.since), day_start(self.until + timedelta(days=1))

    def query(self) -> dict:
        """This period as filters the inbox understands (inbox.window and pages.filtered)."""
        params = {"status": "all", "since": self.since.isoformat(), "until": self.until.isoformat()}
        if self.account:
            params["account"] = str(self.account.pk)
        if self.network:
            params["network"] = self.network
        return params

    def own_query(self) -> dict:
        """This period as Insights' own filters, for the tabs and the CSV links."""
        params = {"period": self.preset} if self.preset else {"since": f"{self.since}", "until": f"{self.until}"}
        if self.account:
            params["account"] = str(self.account.pk)
        if self.network:
            params["network"] = self.network
        return params

    def window(self, kind: str = "", day: date | None = None) -> Window:
        return Window(day or self.since, day or self.until, kind)


def accounts_for(membership):
    return scope.within(membership, ConnectedAccount.objects.filter(workspace=membership.workspace), "pk").order_by(
        "handle"
    )


def parse(membership, params) -> Period:
    """The period asked for, or the last 30 days with a sentence saying what could not be read."""
    today = timezone.localdate()
    errors = []
    preset = params.get("period", "")
    since, until = params.get("since", ""), params.get("until", "")
    if since or until:
        last = a_date(until or today.isoformat())
        # Only an end date: the 30 days up to it, as the default period is.
        first = a_date(since) if since else (last - timedelta(days=29) if last else None)
        if first is None or last is None:
            errors.append("Dates are written as year-month-day, for example 2026-03-29. Showing the last 30 days.")
            preset = "30"
        elif first.year < EARLIEST or last > today + timedelta(days=LONGEST):
            errors.append(f"Dates run from {EARLIEST} to a year from today. Showing the last 30 days.")
            preset = "30"
        elif first > last:
            errors.append("The period starts after it ends. Showing the last 30 days.")
            preset = "30"
        elif (last - first).days >= LONGEST:
            errors.append(f"A period is at most {LONGEST} days. Showing the last {LONGEST} days up to {last}.")
            first = last - timedelta(days=LONGEST - 1)
            period = Period(first, last)
        else:
            period = Period(first, last)
            preset = ""
    elif preset not in PRESETS:
        if preset:
            errors.append("Choose the last 7, 30 or 90 days, or two dates. Showing the last 30 days.")
        preset = "30"
    if preset:
        period = Period(today - timedelta(days=PRESETS[preset] - 1), today, preset=preset)
    raw_account = params.get("account", "")
    if raw_account:
        account = accounts_for(membership).filter(pk=an_id(raw_account)).first() if an_id(raw_account) else None
        if account is None:
            errors.append("That account isn't one you can see here. Showing every account.")
        period.account = account
    network = params.get("network", "")
    if network:
        known = set(accounts_for(membership).values_list("network", flat=True))
        if network in known:
            period.network = network
        else:
            errors.append("None of your accounts is on that network. Showing every network.")
    period.errors = errors
    return period
