"""The Posts figures: per published post (one Delivery: one post on one account) its replies, likes,
reposts, quotes and clicks, the best and the worst, and when replies to the business's posts come.

Replies are counted from the inbox where it can (customers' messages in conversations filed under the
post): exact, and each count leads to those very messages. The network's own reply count (PostFigures)
is shown beside it; it may include replies the inbox never read (before the account was connected,
hidden, or the account's own thread parts). Likes, reposts, quotes and clicks are the network's only.

Clicks on the business's own short links (publishing/shortlinks/) are firsthand's own count, shown beside
the network's where a post's links went out short: every click since it was published, bots' previews not.

A post belongs to the period it was published in; its figures are its totals to date, so a post is
counted once whatever the period, and summing rows counts nothing twice.
"""

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay
from django.utils import timezone

from firsthand.inbox.models import Interaction
from firsthand.insights.conversations import WEEKDAYS, after_mark, counted_up_to, narrowed, rolled
from firsthand.insights.posts.models import PostFigures
from firsthand.publishing.models import Delivery, ShortLink, ShortLinkDay
from firsthand.publishing.states import State

ORDERS = {
    "replies": "-inbox_replies",
    "likes": "-likes",
    "reposts": "-reposts",
    "clicks": "-own_clicks",
    "newest": "-published_at",
}
SHOWN = 50  # rows on the page, in the order chosen; "Show all" shows up to SHOWN_ALL, the CSV has them all
SHOWN_ALL = 1000
# What a row shows and the CSV writes: a post's other fields (its follow-ups, media, approvals) are not read.
ROW_FIELDS = ("pk", "post_id", "account_id", "variant_text", "state", "published_at", "remote_url", "post__text",
              "account__handle", "account__network")  # fmt: skip


def published(membership, period, moment=None):
    """The period's published posts on the accounts asked for and within the member's reach; with
    `moment` (ISO weekday, hour), only those that went out in that local hour of the week (where a best
    time's "9 posts published Tuesdays 10:00–10:59" leads)."""
    start, end = period.bounds()
    rows = Delivery.objects.filter(
        post__workspace=membership.workspace,
        state=State.PUBLISHED,
        published_at__gte=start,
        published_at__lt=end,
    )
    if moment:
        zone = timezone.get_current_timezone()
        rows = rows.annotate(
            published_weekday=ExtractIsoWeekDay("published_at", tzinfo=zone),
            published_hour=ExtractHour("published_at", tzinfo=zone),
        ).filter(published_weekday=moment[0], published_hour=moment[1])
    return narrowed(membership, period, rows, "account")


def inbox_replies():
    """Customers' messages filed under the post, as a subquery: a join would multiply the figures' row."""
    counted = (
        Interaction.objects.filter(conversation__post=OuterRef("pk"), direction=Interaction.Direction.IN)
        .order_by()
        .values("conversation__post")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def own_clicks():
    """Clicks on the delivery's own short links, all days together, as a subquery (like inbox_replies)."""
    counted = (
        ShortLinkDay.objects.filter(link__delivery=OuterRef("pk"))
        .order_by()
        .values("link__delivery")
        .annotate(n=Sum("clicks"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def rows(membership, period, order: str = "replies", moment=None):
    figures = PostFigures.objects.filter(delivery=OuterRef("pk"))
    found = (
        published(membership, period, moment)
        .select_related("account", "post")
        .only(*ROW_FIELDS)
        .annotate(
            inbox_replies=inbox_replies(),
            own_clicks=own_clicks(),
            # Only a post that has short links has a count of its own (its links may all have stayed as written).
            has_short_links=Exists(ShortLink.objects.filter(delivery=OuterRef("pk"))),
            **{
                name: Subquery(figures.values(name)[:1])
                for name in ("replies", "likes", "reposts", "quotes", "clicks", "fetched_at")
            },
            figures_error=Subquery(figures.values("error")[:1]),  # Delivery has an `error` of its own
        )
    )
    if order == "newest":
        return found.order_by("-published_at", "-pk")
    # Posts without figures yet sort last, then the newest first.
    field = ORDERS.get(order, ORDERS["replies"]).lstrip("-")
    return found.order_by(Coalesce(field, Value(-1)).desc(), "-published_at", "-pk")


def version(membership) -> tuple:
    """What the rows are counted from besides the messages (insights.kept's version has those): a post
    published or taken down, the networks' figures read again or refused, a click on a short link."""
    workspace = membership.workspace
    posts = Delivery.objects.filter(post__workspace=workspace, state=State.PUBLISHED).aggregate(
        n=Count("pk"), published=Max("published_at"), changed=Max("updated_at")
    )
    read = PostFigures.objects.filter(delivery__post__workspace=workspace).aggregate(
        read=Max("fetched_at"), refused=Max("error_at")
    )
    clicks = ShortLinkDay.objects.filter(link__delivery__post__workspace=workspace).aggregate(
        n=Count("pk"), clicks=Sum("clicks")
    )
    return tuple(f"{value}" for value in (*posts.values(), *read.values(), *clicks.values()))


def engagement(row) -> int | None:
    """Replies (the inbox's), likes, reposts and quotes together; None before the network's first figures."""
    if row.fetched_at is None:
        return None
    return row.inbox_replies + sum(getattr(row, name) or 0 for name in ("likes", "reposts", "quotes"))


def best_and_worst(all_rows: list, count: int = 3) -> tuple[list, list]:
    """The posts most and least answered and liked; a post is never both (fewer than 2 × count: split)."""
    measured = sorted(
        (row for row in all_rows if engagement(row) is not None),
        key=lambda row: (-engagement(row), -row.published_at.timestamp()),
    )
    if len(measured) < 2:
        return measured, []
    half = min(count, len(measured) // 2)
    return measured[:half], list(reversed(measured[-half:]))


def totals(all_rows: list) -> dict:
    result = {"posts": len(all_rows), "inbox_replies": sum(row.inbox_replies for row in all_rows)}
    for name in ("replies", "likes", "reposts", "quotes", "clicks"):
        values = [getattr(row, name) for row in all_rows if getattr(row, name) is not None]
        result[name] = sum(values) if values else None
    shortened = [row for row in all_rows if row.has_short_links]
    result["own_clicks"] = sum(row.own_clicks for row in shortened) if shortened else None
    result["shortened"] = len(shortened)
    result["measured"] = sum(1 for row in all_rows if row.fetched_at is not None)
    return result


def reply_hours(membership, period) -> list[list[int]]:
    """Replies to the business's own posts by local weekday (rows, Monday first) and hour they were written:
    the worker's hourly counts up to their mark, the replies after it counted live (as conversations.hours)."""
    zone = timezone.get_current_timezone()
    grid = [[0] * 24 for _ in WEEKDAYS]
    mark = counted_up_to(membership)
    if mark:
        for row in rolled(membership, period).values("day", "hour").annotate(n=Sum("replies")):
            grid[row["day"].weekday()][row["hour"]] += row["n"] or 0
    counted = (
        after_mark(membership, period, mark)
        .filter(conversation__post__isnull=False)
        .annotate(weekday=ExtractIsoWeekDay("created_at", tzinfo=zone), hour=ExtractHour("created_at", tzinfo=zone))
        .values("weekday", "hour")
        .annotate(n=Count("pk"))
    )
    for row in counted:
        grid[row["weekday"] - 1][row["hour"]] += row["n"]
    return grid


def by_hour(grid: list[list[int]]) -> list[int]:
    return [sum(row[hour] for row in grid) for hour in range(24)]


def suggested_hours(grid: list[list[int]], count: int = 3) -> list[int]:
    """The hours of the day that brought the most replies, busiest first; none when too few replies to say."""
    counts = by_hour(grid)
    if sum(counts) < 5:
        return []
    ranked = sorted((hour for hour in range(24) if counts[hour]), key=lambda hour: (-counts[hour], hour))
    return ranked[:count]
