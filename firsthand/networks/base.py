"""The one small interface every network implements, and the one error type it raises.

A connector call either returns or raises NetworkError, which says whether
trying again later can help (transient, with the network's reset time when
it gave one) or not (permanent), whether the account's credentials are the
cause, and whether the network may have acted although the call failed.
"""

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Protocol

logger = logging.getLogger("firsthand.networks")


class NetworkError(Exception):
    def __init__(
        self,
        message: str,
        *,
        transient: bool,
        retry_at: datetime | None = None,
        auth: bool = False,
        outcome_unknown: bool = False,
    ):
        super().__init__(message)
        self.message = message
        self.transient = transient
        self.retry_at = retry_at  # when the network said it will accept calls again
        self.auth = auth  # the credentials were refused: the account needs reconnecting
        self.outcome_unknown = outcome_unknown  # e.g. a timeout after sending: the post may exist

    def __str__(self):
        return self.message


@dataclass(frozen=True)
class Media:
    path: str  # a file in the media storage
    mime_type: str
    alt_text: str = ""
    width: int = 0
    height: int = 0


@dataclass(frozen=True)
class OutgoingPost:
    text: str
    idempotency_key: str  # the same key on every attempt of the same post
    media: tuple[Media, ...] = ()
    reply_to: str | None = None  # the remote id of the post this answers
    # Used where the network has them (Mastodon); others ignore them.
    content_warning: str = ""
    audience: str = "public"  # public, unlisted or followers


@dataclass(frozen=True)
class PublishedPost:
    remote_id: str
    url: str
    published_at: datetime | None = None


@dataclass(frozen=True)
class RemotePost:
    remote_id: str
    url: str
    text: str
    exists: bool  # False once deleted on the network
    like_count: int = 0
    reply_count: int = 0


@dataclass(frozen=True)
class PostMetrics:
    """What the network counts on one of the account's own posts. None where its API does not give that
    figure (shown as a dash, never as 0): quotes are kept apart from reposts so nothing is counted twice."""

    replies: int | None = None
    likes: int | None = None
    reposts: int | None = None  # reposts, boosts, retweets, shares
    quotes: int | None = None
    clicks: int | None = None  # link clicks


@dataclass(frozen=True)
class Interaction:
    remote_id: str
    kind: str  # mention, reply, comment, quote, like, follow, message
    author_handle: str
    author_name: str
    text: str
    created_at: datetime
    in_reply_to: str | None = None  # remote id of our post this reacts to
    raw: dict = field(default_factory=dict)
    # For direct messages: the network's id of the private conversation, where answers go.
    thread: str | None = None


@dataclass(frozen=True)
class Unreadable:
    """One item of a page that its reader could not turn into an Interaction (a shape the network's API
    does not document, or a reader's bug). The inbox stores it raw with the reason, filing sets it aside
    for the owners to see, and every other item of the page is stored and the cursor moves all the same.
    `reader` ("module:name") and `args` are kept when the item is plain JSON, so a retry after a fix
    reads it again with the mended reader (firsthand.inbox.filing.retry_set_aside)."""

    remote_id: str
    raw: object
    reason: str
    reader: str = ""
    args: tuple = ()
    # Sorts before every real item; never used as the item's time.
    created_at: datetime = datetime.min.replace(tzinfo=timezone.utc)


def read_each(read, raws, *args) -> list:
    """read(raw, *args) → Interaction for each raw item of a page: what fails for one item becomes an
    Unreadable with its reason, and the others are read all the same. Every connector reads its pages
    through this (or read_one), so one odd item never holds up the page it came in."""
    return [read_one(read, raw, *args) for raw in raws]


def read_one(read, raw, *args):
    try:
        return checked(read(raw, *args))
    except Exception as problem:  # whatever the shape, this item only
        logger.warning("a %s item could not be read", getattr(read, "__qualname__", read), exc_info=problem)
        try:
            plain = as_plain(raw)
            again = isinstance(raw, dict) and plain == raw and is_json(args)
            remote_id = unread_id(raw, plain)
        except Exception:  # an object that will not even say what it holds: its type is kept
            plain, again = f"({type(raw).__name__})", False
            remote_id = unread_id(None, [plain, str(problem)])
        return Unreadable(
            remote_id=remote_id,
            raw=plain,
            reason=f"firsthand could not read this item from the network ({type(problem).__name__}: "
            f"{str(problem)[:200]})",
            reader=f"{read.__module__}:{read.__qualname__}" if again and hasattr(read, "__qualname__") else "",
            args=args if again else (),
        )


TEXT_FIELDS = ("remote_id", "kind", "author_handle", "author_name", "text")


def checked(item) -> Interaction:
    """An Interaction whose fields are what the inbox stores (a reader that let a number or a list through
    fails here, for this item, not later for the whole page)."""
    if not isinstance(item, Interaction):
        raise TypeError(f"the reader gave {type(item).__name__}, not an Interaction")
    for name in TEXT_FIELDS:
        if not isinstance(getattr(item, name), str):
            raise TypeError(f"{name} is {type(getattr(item, name)).__name__}, not text")
    if not item.remote_id:
        raise ValueError("the item has no id")
    if not isinstance(item.created_at, datetime) or item.created_at.tzinfo is None:
        raise TypeError("created_at is not a time with its zone")
    for name in ("in_reply_to", "thread"):
        if getattr(item, name) is not None and not isinstance(getattr(item, name), str):
            raise TypeError(f"{name} is {type(getattr(item, name)).__name__}, not text")
    return item


def as_plain(raw):
    """The raw item as JSON can hold it: a client library's object as its data (tweepy's .data, atproto's
    model_dump()), anything else as the inbox stores it."""
    from firsthand.inbox.ingest import storable

    if hasattr(raw, "model_dump"):
        try:
            raw = raw.model_dump(mode="json")
        except Exception:  # an odd model is kept as its text
            raw = str(raw)
    elif isinstance(getattr(raw, "data", None), dict):
        raw = raw.data
    return storable(raw)


def is_json(value) -> bool:
    try:
        return json.loads(json.dumps(value)) == list(value)
    except (TypeError, ValueError):
        return False


def unread_id(raw, plain) -> str:
    """The network's id for the item where one can be found, so a re-read page keeps it once; else a
    digest of what it holds."""
    found = raw.get("id") if isinstance(raw, dict) else getattr(raw, "uri", None) or getattr(raw, "id", None)
    if isinstance(found, str | int) and not isinstance(found, bool) and str(found).strip():
        return f"unread:{str(found)[:200]}"
    digest = hashlib.sha256(json.dumps(plain, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f"unread:{digest}"


# --- what a page loop reads of its items before their reader does -------------------------------------------
# A page loop filters items (the account's own answers, kinds it does not read) and moves its cursor by their
# ids and times. It reads those fields with these, never with item["key"]: an item of an odd shape then goes
# on to its reader (read_each/read_one), which sets it aside with its reason, instead of failing the page.


def dig(raw, *path):
    """The value at `path` through nested objects, or None where a step is not an object or lacks the key."""
    for key in path:
        if not isinstance(raw, dict):
            return None
        raw = raw.get(key)
    return raw


def number(value) -> int | None:
    """An id that counts up (Mastodon's, X's), or None when it is not a whole number."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    try:
        return int(value)
    except ValueError:
        return None


# A time this far ahead of ours is no network's clock running fast: as a cursor it would hide everything
# that comes until then.
AHEAD = timedelta(days=1)


def cursor_time(value) -> str | None:
    """A time as the network wrote it (ISO 8601), fit to compare with a cursor and to become one; None for
    anything else (not text, no date, a date that does not exist, far in the future)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:  # a site's local time (WordPress's `date`): near enough for this check
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return value if moment <= datetime.now(timezone.utc) + AHEAD else None
    except OverflowError:  # at the calendar's very edge, in UTC
        return None


@dataclass(frozen=True)
class InteractionPage:
    items: list[Interaction]
    cursor: str  # pass back to get what came after
    # What the network does not let the inbox read for this account (X's free access and messages, say),
    # in words for the team; empty when it reads everything.
    limitation: str = ""


@dataclass(frozen=True)
class FollowerPage:
    """Profiles in firsthand's network-neutral follower form (what `firsthand judge follower` reads)."""

    profiles: list[dict]
    cursor: str  # empty when there are no more


@dataclass(frozen=True)
class NetworkLimits:
    """What the composer checks before anything is sent."""

    label: str
    max_length: int
    counting: str  # the name of a counting rule in publishing.counting
    requires_media: bool = False
    max_images: int = 4
    image_types: tuple[str, ...] = ("image/jpeg", "image/png", "image/gif", "image/webp")
    max_image_bytes: int = 5 * 1024 * 1024
    supports_threads: bool = True
    can_look_up_by_key: bool = True  # whether a lost answer can be reconciled
    publishes: bool = True  # False where the API only answers (YouTube: no community posts through the API)
    # Blogs: the first line is the post's title (networks/blog.py), at most max_title characters (0: no limit).
    titled: bool = False
    max_title: int = 0
    comment_max_length: int = 0  # a first comment's limit where it differs from a post's (0: the same)


class Stream(Protocol):
    """A live connection that tells, as it happens, that the account has something new to read.

    It only rings: the inbox then reads through list_interactions() from its cursor, so an event the
    stream loses (a gap while reconnecting) is read all the same, and nothing is stored twice.
    """

    def run(self, ring) -> None:
        """Call ring() for each new interaction until the connection ends; NetworkError says why it ended."""

    def close(self) -> None:
        """End run() from another thread."""


class Connector(Protocol):
    network: str
    limits: NetworkLimits

    def publish(self, account, post: OutgoingPost) -> PublishedPost: ...

    def find_published(self, account, idempotency_key: str) -> PublishedPost | None:
        """The post made with this key, if the network has it: asked before any retry."""

    def delete(self, account, remote_id: str) -> None: ...

    def fetch_post(self, account, remote_id: str) -> RemotePost: ...

    def list_interactions(self, account, cursor: str = "") -> InteractionPage: ...

    # Optional: stream(account) -> Stream, on networks that push new interactions over a connection
    # the account opens (Mastodon's streaming API). Without it the inbox polls.

    def replies_need_watching(self, account) -> bool:
        """True where the network tells of comments on the account's posts only when asked post by post
        (Facebook Pages, Instagram, YouTube): the inbox then asks list_replies() for every post published
        in the last FIRSTHAND_WATCH_HOURS. False where list_interactions() already brings them."""

    def list_replies(self, account, remote_id: str, cursor: str = "") -> InteractionPage:
        """Replies and comments on one of the account's posts, after the cursor (in_reply_to set to it)."""

    def send_message(self, account, thread: str, text: str) -> PublishedPost:
        """Answer in a private conversation; never a public post."""

    # Optional in practice: list_followers(account, cursor) -> FollowerPage, one page of the account's
    # followers after the cursor (empty cursor: the first page; an empty cursor back: no more), for the
    # follower audit. Only networks in registry.FOLLOWER_LISTS are asked; the others' API does not give
    # the list (registry.NO_FOLLOWER_LIST says why). A refusal (X's free tier) is a permanent NetworkError
    # in the network's words; a rate limit a transient one with retry_at.
    def list_followers(self, account, cursor: str = "") -> FollowerPage: ...

    # Optional: post_metrics(account, remote_ids) -> {remote_id: PostMetrics}, for Insights → Posts, on
    # networks in registry.POST_METRICS. A post the network no longer has is left out of the answer.
    # Always call it through post_metrics() below, which says why in the network's stead where it cannot.

    def like(self, account, remote_id: str) -> None:
        """Like (favourite) someone's post or message as the account: a quick thank-you."""

    def refresh_credentials(self, account) -> dict | None:
        """New credentials to store, or None when nothing needed refreshing."""


def post_metrics(connector, account, remote_ids: list[str]) -> dict[str, PostMetrics]:
    """The connector's post_metrics(); where it has none, a permanent NetworkError saying why, in words
    for the team (registry.NO_POST_METRICS), so the Posts tab shows the reason instead of zeros."""
    from firsthand.networks import registry

    if not hasattr(connector, "post_metrics"):
        reason = registry.NO_POST_METRICS.get(
            connector.network,
            f"{registry.NETWORK_LABELS.get(connector.network, connector.network)}'s API "
            "does not give figures for posts in firsthand yet.",
        )
        raise NetworkError(reason, transient=False)
    return connector.post_metrics(account, list(remote_ids))
