"""Feeds in: a workspace subscribes to RSS/Atom feeds, and each new entry becomes a post once.

A new entry becomes a draft, or goes into each account's queue through the same operations as the
composer, as the person who added the feed: the guard's checks, approvals, per-account access and the
crisis switch hold as for anything they write. What the check stops, or a queue without times, leaves a
draft and says why on the Feeds page; nothing is lost and nothing is posted twice (entries are kept by
key, and a post is made in the same transaction that marks its entry).

The worker checks due feeds every tick (a few rows on an index); each feed is claimed by moving its next
check forward with a conditional UPDATE, so several workers never read one feed at once.
"""

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.guard.verdict import AskFirst, Refused
from firsthand.publishing import operations
from firsthand.publishing.feeds import reading
from firsthand.publishing.feeds.models import Feed, FeedEntry
from firsthand.team import scope
from firsthand.team.access import require
from firsthand.team.models import Membership
from firsthand.team.permissions import Capability

logger = logging.getLogger("firsthand.publishing.feeds")

CHECK_EVERY = timedelta(minutes=15)
LONGEST_WAIT = timedelta(hours=12)  # after failures, the wait doubles up to this
NEW_AT_ONCE = 5  # a feed that suddenly shows fifty new entries (a moved blog) posts the newest five
PLACEHOLDERS = ("{title}", "{link}", "{excerpt}")


class FeedProblem(Exception):
    """A feed that cannot be added or changed as asked; the message says why."""


def add_feed(membership, *, url: str, accounts, mode: str, template: str) -> Feed:
    require(membership, Capability.SETTINGS)
    url, template = url.strip(), template.replace("\x00", "").strip()
    accounts = list(accounts)
    if not accounts:
        raise FeedProblem("Choose at least one account the feed's posts go to.")
    if any(account.workspace_id != membership.workspace.pk for account in accounts):
        raise FeedProblem("One of those accounts isn't this workspace's.")
    if mode not in Feed.Mode.values:
        raise FeedProblem("Choose whether new entries become drafts or go into the queue.")
    if not any(placeholder in template for placeholder in PLACEHOLDERS):
        raise FeedProblem("The template needs {title}, {link} or {excerpt}, or every post would say the same.")
    if Feed.objects.filter(workspace=membership.workspace, url=url).exists():
        raise FeedProblem("This workspace already follows that feed.")
    found = reading.fetch(url)  # FeedError says why it is not a feed we can read
    try:
        with transaction.atomic():
            feed = Feed.objects.create(
                workspace=membership.workspace,
                url=url,
                title=found.title or url,
                mode=mode,
                template=template,
                created_by=membership.user,
                last_checked_at=timezone.now(),
                next_check_at=timezone.now() + CHECK_EVERY,
                etag=found.etag,
                modified=found.modified,
            )
            feed.accounts.set(accounts)
            FeedEntry.objects.bulk_create(
                [
                    entry_row(feed, entry, skipped=True, outcome="Already in the feed when it was added.")
                    for entry in found.entries
                ]
            )
    except IntegrityError:
        raise FeedProblem("This workspace already follows that feed.") from None
    record(
        "publishing.feed_added",
        f"{membership.user} added the feed “{feed}”, posting {feed.get_mode_display().split(' (')[0].lower()}",
        actor=membership.user,
        workspace=membership.workspace,
        feed_id=feed.pk,
        url=url,
    )
    return feed


def remove_feed(membership, feed: Feed) -> None:
    require(membership, Capability.SETTINGS)
    feed.delete()
    record(
        "publishing.feed_removed",
        f"{membership.user} stopped following the feed “{feed}”",
        actor=membership.user,
        workspace=membership.workspace,
    )


def entry_row(feed, entry, *, skipped=False, outcome="") -> FeedEntry:
    return FeedEntry(
        feed=feed,
        key=entry.key,
        title=entry.title,
        link=entry.link,
        excerpt=entry.excerpt,
        published_at=entry.published_at,
        skipped=skipped,
        outcome=outcome,
    )


def author_of(feed: Feed) -> Membership | None:
    """The member the feed posts as, while they are still on the team and may write posts."""
    membership = (
        Membership.objects.filter(workspace=feed.workspace, user=feed.created_by)
        .select_related("workspace", "user")
        .first()
    )
    return membership if membership and membership.can(Capability.DRAFT) else None


def check(feed: Feed) -> int:
    """Read the feed and turn its new entries into posts; how many posts were made. Failures are kept on
    the feed (shown on the page) and make the next check wait longer."""
    membership = author_of(feed)
    if membership is None:
        return stop(
            feed, "The person who added this feed is no longer on the team (or may not write posts); add it again."
        )
    try:
        found = reading.fetch(feed.url, feed.etag, feed.modified)
    except reading.FeedError as problem:
        return failed(feed, str(problem))
    made = 0
    if not found.unchanged:
        known = set(
            FeedEntry.objects.filter(feed=feed, key__in=[e.key for e in found.entries]).values_list("key", flat=True)
        )
        new = [entry for entry in found.entries if entry.key not in known]
        for entry in new[NEW_AT_ONCE:]:
            FeedEntry.objects.get_or_create(
                feed=feed, key=entry.key, defaults={"title": entry.title, "link": entry.link, "skipped": True,
                "outcome": f"More than {NEW_AT_ONCE} new entries at once: only the newest {NEW_AT_ONCE} became posts."},
            )  # fmt: skip
        for entry in reversed(new[:NEW_AT_ONCE]):  # oldest first, so the queue keeps the blog's order
            made += post_entry(feed, membership, entry)
    Feed.objects.filter(pk=feed.pk).update(
        last_checked_at=timezone.now(),
        last_error="",
        failures=0,
        etag=found.etag,
        modified=found.modified,
        title=found.title or feed.title,
    )
    return made


def post_entry(feed: Feed, membership, entry) -> int:
    accounts = list(scope.within(membership, feed.accounts.connected(), "pk"))
    fields = {"title": entry.title, "link": entry.link, "excerpt": entry.excerpt, "published_at": entry.published_at}
    with transaction.atomic():
        row, created = FeedEntry.objects.get_or_create(feed=feed, key=entry.key, defaults=fields)
        if not created:
            return 0  # another worker, or an earlier check, made this one
        if not accounts:
            row.outcome = "None of the feed's accounts is connected now: nothing was posted."
            row.skipped = True
            row.save(update_fields=["outcome", "skipped"])
            return 0
        try:
            with transaction.atomic():
                post = operations.save_post(membership, accounts=accounts, text=reading.render(feed.template, entry))
        except operations.PublishingError as problem:  # kept with its reason, never tried again and again
            row.outcome, row.skipped = f"Not posted: {problem}"[:500], True
            row.save(update_fields=["outcome", "skipped"])
            return 0
        row.post = post
        row.outcome = "Saved as a draft."
        row.save(update_fields=["post", "outcome"])
    if feed.mode == Feed.Mode.QUEUE:
        try:
            row.outcome = "Added to the queue: " + operations.add_to_queue(membership, post)
        except (Refused, AskFirst, operations.PublishingError) as problem:
            row.outcome = f"Kept as a draft: {problem}"
        FeedEntry.objects.filter(pk=row.pk).update(outcome=row.outcome[:500])
    return 1


def failed(feed: Feed, reason: str) -> int:
    failures = feed.failures + 1
    wait = min(CHECK_EVERY * 2 ** min(failures, 10), LONGEST_WAIT)
    Feed.objects.filter(pk=feed.pk).update(
        failures=failures, last_error=reason[:500], last_checked_at=timezone.now(), next_check_at=timezone.now() + wait
    )
    return 0


def stop(feed: Feed, reason: str) -> int:
    Feed.objects.filter(pk=feed.pk).update(enabled=False, last_error=reason[:500], last_checked_at=timezone.now())
    return 0


def check_now(membership, feed: Feed) -> int:
    require(membership, Capability.SETTINGS)
    return check(feed)


def run_once(limit: int = 5) -> int:
    """Check the feeds that are due; the worker calls this every couple of seconds."""
    now = timezone.now()
    due = list(Feed.objects.filter(enabled=True, next_check_at__lte=now).order_by("next_check_at")[:limit])
    made = 0
    for feed in due:
        claimed = Feed.objects.filter(pk=feed.pk, next_check_at=feed.next_check_at).update(
            next_check_at=now + CHECK_EVERY
        )
        if not claimed:
            continue  # Nothing updated: another worker got there first.
        try:
            made += check(feed)
        except Exception as problem:  # one feed's fault never holds the others
            logger.exception("feed %s could not be checked", feed.pk)
            failed(feed, f"Something went wrong reading this feed ({type(problem).__name__}); it will be tried again.")
    return made


def page_url(feed: Feed) -> str:
    return reverse("publishing:feeds", kwargs={"slug": feed.workspace.slug}) + f"#feed-{feed.pk}"
