"""Best time to post: per account, the weekly hours worth a queue slot, from the business's own history.

Two things are read, over the last HISTORY_DAYS, on the workspace's clock:
- how the account's own posts did by the local weekday and hour they went out: the customers' replies the
  inbox filed under each post, plus the network's likes, reposts and link clicks (PostFigures);
- when customers write to the account at all (every customer message, by local weekday and hour), from
  the worker's hourly counts (rollups.HourlyCount) up to their mark, and the few newer ones counted live.

A cell (weekday × hour) scores 0.6 × how its posts did (the average response per post, against the best
cell's) + 0.4 × how much customers write then (against the busiest cell). How posts did weighs more: it
is what a slot is for; customers writing breaks ties and points at hours the business has not tried.
A cell's posts count only from MIN_CELL_POSTS posts on: one lucky post is not a pattern.

Nothing is guessed from too little: under MIN_POSTS published posts in the window the account gets no
suggestion, only how many posts it has and how many are needed.

Cost: the account's published posts are read once (a few hundred rows at most, each with two subqueries
on indexed keys); customers' messages are summed by the database from the hourly counts (168 rows back),
so a million messages cost what a thousand do. No loop in Python over messages.
"""

import zoneinfo
from dataclasses import dataclass, field
from datetime import time, timedelta
from urllib.parse import urlencode

from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay
from django.urls import reverse
from django.utils import timezone

from firsthand.inbox.models import Interaction
from firsthand.insights.conversations import WEEKDAYS
from firsthand.insights.posts.figures import inbox_replies
from firsthand.insights.posts.models import PostFigures
from firsthand.insights.rollups.models import HourlyCount, RollupMark
from firsthand.publishing.models import Delivery, QueueSlot
from firsthand.publishing.states import State

HISTORY_DAYS = 90
MIN_POSTS = 8  # published posts in the window before any suggestion
MIN_CELL_POSTS = 2  # posts in one weekday-hour before its posts count
SUGGESTED = 5
POSTS_WEIGHT, CUSTOMERS_WEIGHT = 0.6, 0.4
DAY_NAMES = ["Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"]


@dataclass
class Cell:
    weekday: int  # Monday is 0, as QueueSlot.weekday
    hour: int
    posts: int = 0
    replies: int = 0
    likes: int = 0
    reposts: int = 0
    clicks: int = 0
    messages: int = 0  # customers' messages written in this hour of the week
    score: float = 0.0

    @property
    def response(self) -> int:
        return self.replies + self.likes + self.reposts + self.clicks

    def average(self, name: str) -> float:
        return getattr(self, name) / self.posts if self.posts else 0.0

    @property
    def label(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.hour:02d}:00"

    @property
    def at(self) -> time:
        return time(self.hour)


@dataclass
class Suggestion:
    cell: Cell
    in_queue: bool
    posts_line: str  # "9 posts published Tue 10:00–10:59 got 3.2 replies, 11 likes and 2.1 clicks on average"
    posts_link: str  # Insights → Posts, exactly those posts
    customers_line: str  # "Customers wrote 42 messages on Tuesdays 10:00–10:59 (the 2nd busiest hour)"
    customers_link: str  # the inbox, exactly those messages' conversations


@dataclass
class Advice:
    account: object
    posts: int  # published in the window
    messages: int
    since: object  # first local day of the window
    until: object
    enough: bool
    shortfall: str = ""  # "Not enough history yet: 3 posts in the last 90 days, need 8."
    suggestions: list[Suggestion] = field(default_factory=list)
    busiest: str = ""  # "Customers write most Tue 9–11, Fri 12–13"


def window(today=None):
    """The last HISTORY_DAYS local days, today included, as local dates and UTC bounds."""
    from firsthand.inbox.window import day_start

    until = today or timezone.localdate()
    since = until - timedelta(days=HISTORY_DAYS - 1)
    return since, until, day_start(since), day_start(until + timedelta(days=1))


def post_cells(account, start, end) -> tuple[dict, int]:
    """The account's posts published in [start, end) by local (weekday, hour), with their summed response."""
    zone = timezone.get_current_timezone()
    figures = PostFigures.objects.filter(delivery=OuterRef("pk"))
    rows = (
        Delivery.objects.filter(account=account, state=State.PUBLISHED, published_at__gte=start, published_at__lt=end)
        .annotate(
            replies_in=inbox_replies(),
            **{
                name: Coalesce(Subquery(figures.values(name)[:1], output_field=IntegerField()), 0)
                for name in ("likes", "reposts", "clicks")
            },
        )
        .values_list("published_at", "replies_in", "likes", "reposts", "clicks")
    )
    cells, count = {}, 0
    for published_at, replies, likes, reposts, clicks in rows:
        local = published_at.astimezone(zone)
        cell = cells.setdefault((local.weekday(), local.hour), Cell(local.weekday(), local.hour))
        cell.posts += 1
        cell.replies += replies
        cell.likes += likes
        cell.reposts += reposts
        cell.clicks += clicks
        count += 1
    return cells, count


def message_grid(account, since, until, start, end) -> list[list[int]]:
    """Customers' messages to the account by local weekday (Monday first) and hour: the hourly counts up to
    their mark, the messages past it counted live (as insights.conversations.hours does for the page)."""
    zone = timezone.get_current_timezone()
    grid = [[0] * 24 for _ in WEEKDAYS]
    mark = next(
        iter(
            RollupMark.objects.filter(workspace_id=account.workspace_id, zone=zone.key).values_list(
                "last_pk", flat=True
            )
        ),
        0,
    )
    if mark:
        counted = (
            HourlyCount.objects.filter(account=account, day__gte=since, day__lte=until)
            .annotate(weekday=ExtractIsoWeekDay("day"))
            .values("weekday", "hour")
            .annotate(n=Sum("total"))
        )
        for row in counted:
            grid[row["weekday"] - 1][row["hour"]] += row["n"]
    live = Interaction.objects.filter(
        conversation__account=account,
        direction=Interaction.Direction.IN,
        created_at__gte=start,
        created_at__lt=end,
        pk__gt=mark,
    )
    rows = (
        live.annotate(weekday=ExtractIsoWeekDay("created_at", tzinfo=zone), hour=ExtractHour("created_at", tzinfo=zone))
        .values("weekday", "hour")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        grid[row["weekday"] - 1][row["hour"]] += row["n"]
    return grid


def score(cells: dict, grid: list[list[int]]) -> list[Cell]:
    """Every weekday-hour with posts or messages, scored, the best first (ties: the earlier in the week)."""
    busiest = max(max(row) for row in grid)
    for weekday, row in enumerate(grid):
        for hour, n in enumerate(row):
            if n:
                cells.setdefault((weekday, hour), Cell(weekday, hour)).messages = n
    counted = [cell for cell in cells.values() if cell.posts >= MIN_CELL_POSTS]
    best_average = max((cell.average("response") for cell in counted), default=0)
    for cell in cells.values():
        posts = cell.average("response") / best_average if best_average and cell.posts >= MIN_CELL_POSTS else 0
        customers = cell.messages / busiest if busiest else 0
        cell.score = POSTS_WEIGHT * posts + CUSTOMERS_WEIGHT * customers
    return sorted((cell for cell in cells.values() if cell.score > 0), key=lambda c: (-c.score, c.weekday, c.hour))


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def busiest_hours(grid: list[list[int]], count: int = 3) -> str:
    """The busiest stretches of the week, each a run of neighbouring busy hours: "Tue 9–11, Fri 12–13"."""
    ranked = sorted(
        ((n, weekday, hour) for weekday, row in enumerate(grid) for hour, n in enumerate(row) if n),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    taken, parts = set(), []
    for n, weekday, hour in ranked:
        if (weekday, hour) in taken or len(parts) >= count:
            continue
        first = last = hour
        # Widen to the neighbours holding at least half as many: the stretch people mean by "mornings".
        while first > 0 and grid[weekday][first - 1] * 2 >= n and (weekday, first - 1) not in taken:
            first -= 1
        while last < 23 and grid[weekday][last + 1] * 2 >= n and (weekday, last + 1) not in taken:
            last += 1
        taken |= {(weekday, h) for h in range(first, last + 1)}
        parts.append(f"{WEEKDAYS[weekday]} {first}–{last + 1}")
    return ", ".join(parts)


def advise(membership, account, today=None) -> Advice:
    """The suggested weekly slots for one account, with the figures behind each and where they lead, on
    the workspace's clock whichever door asks. `today` (a local date) pins the window in tests."""
    with timezone.override(zoneinfo.ZoneInfo(membership.workspace.timezone)):
        return advised(membership, account, today)


def advised(membership, account, today) -> Advice:
    since, until, start, end = window(today)
    cells, posts = post_cells(account, start, end)
    grid = message_grid(account, since, until, start, end)
    messages = sum(map(sum, grid))
    advice = Advice(account=account, posts=posts, messages=messages, since=since, until=until, enough=False)
    advice.busiest = busiest_hours(grid)
    if posts < MIN_POSTS:
        advice.shortfall = (
            f"Not enough history yet: {posts} post{'s' if posts != 1 else ''} published in the last "
            f"{HISTORY_DAYS} days, need {MIN_POSTS}."
        )
        return advice
    advice.enough = True
    ranked = score(cells, grid)
    queued = set(QueueSlot.objects.filter(account=account).values_list("weekday", "at"))
    ranks = {
        key: n + 1
        for n, key in enumerate(
            sorted(
                ((w, h) for w in range(7) for h in range(24) if grid[w][h]),
                key=lambda k: (-grid[k[0]][k[1]], k),
            )
        )
    }
    slug = membership.workspace.slug
    posts_page = reverse("insights:posts", kwargs={"slug": slug})
    inbox = reverse("inbox:inbox", kwargs={"slug": slug})
    dates = {"since": since.isoformat(), "until": until.isoformat()}
    for cell in ranked[:SUGGESTED]:
        key = (cell.weekday, cell.hour)
        span = f"{DAY_NAMES[cell.weekday]} {cell.hour:02d}:00–{cell.hour:02d}:59"
        if cell.posts >= MIN_CELL_POSTS:
            averages = [f"{number(cell.average('replies'))} replies"]
            for name, word in (("likes", "likes"), ("reposts", "reposts"), ("clicks", "link clicks")):
                if getattr(cell, name):
                    averages.append(f"{number(cell.average(name))} {word}")
            posts_line = (
                f"{cell.posts} posts published {span} got "
                f"{', '.join(averages[:-1]) + ' and ' + averages[-1] if len(averages) > 1 else averages[0]}"
                " on average."
            )
        elif cell.posts:
            posts_line = f"1 post published {span} so far: too few to judge."
        else:
            posts_line = f"No posts published {span} yet."
        if cell.messages:
            customers_line = (
                f"Customers wrote {cell.messages} message{'s' if cell.messages != 1 else ''} {span} "
                f"(the {ordinal(ranks[key])} busiest of the week's hours)."
            )
        else:
            customers_line = f"No customer wrote {span}."
        query = urlencode({**dates, "account": account.pk, "weekday": cell.weekday + 1, "hour": cell.hour})
        advice.suggestions.append(
            Suggestion(
                cell=cell,
                in_queue=(cell.weekday, cell.at) in queued,
                posts_line=posts_line,
                posts_link=f"{posts_page}?{query}" if cell.posts else "",
                customers_line=customers_line,
                customers_link=f"{inbox}?status=all&{query}" if cell.messages else "",
            )
        )
    return advice
