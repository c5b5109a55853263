"""Reading a feed: fetched through the one guarded HTTP client, parsed by feedparser, cut down to what a post uses.

A feed is somebody else's file: it may be a web page, a gigabyte, a redirect to this machine's own
addresses, or repeat one entry under new dates. The fetch refuses private addresses and reads at most
MAX_BYTES; parsing keeps http(s) links only, plain-text excerpts, and a key per entry (its id, else its
link) so an entry seen again is known.
"""

import hashlib
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser

from firsthand.networks import safe_http

MAX_BYTES = 2 * 1024 * 1024
TIMEOUT_SECONDS = 20
EXCERPT_CHARS = 200


class FeedError(Exception):
    """The feed could not be read; the message says why in words a person can act on."""


@dataclass(frozen=True)
class Entry:
    key: str
    title: str
    link: str
    excerpt: str
    published_at: datetime | None


@dataclass(frozen=True)
class Reading:
    title: str
    entries: list[Entry]  # newest first
    etag: str = ""
    modified: str = ""
    unchanged: bool = False


def fetch(url: str, etag: str = "", modified: str = "") -> Reading:
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    try:
        response, body = safe_http.get(url, max_bytes=MAX_BYTES + 1, headers=headers, timeout=TIMEOUT_SECONDS)
    except safe_http.Unreachable:
        raise FeedError(
            "Could not reach that address. Check it opens in a browser; addresses on this server's own "
            "network are not fetched."
        ) from None
    response.close()
    if response.status_code == 304:
        return Reading(title="", entries=[], etag=etag, modified=modified, unchanged=True)
    if response.status_code >= 400:
        raise FeedError(f"The site answered {response.status_code} ({response.reason or 'an error'}) for that address.")
    if len(body) > MAX_BYTES:
        raise FeedError(
            f"That feed is larger than {MAX_BYTES // (1024 * 1024)} MB; firsthand reads feeds up to that size."
        )
    reading = parse(body)
    return Reading(
        title=reading.title,
        entries=reading.entries,
        etag=response.headers.get("ETag", "")[:200],
        modified=response.headers.get("Last-Modified", "")[:100],
    )


def parse(body: bytes) -> Reading:
    parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=False)
    if not parsed.get("version"):
        # feedparser reads almost anything; without a version it found no RSS or Atom in it.
        raise FeedError(
            "That address doesn't answer with an RSS or Atom feed (it looks like a web page or another file). "
            "Look for a link named RSS, Atom or Feed on the site and use that address."
        )
    entries, seen = [], set()
    for item in parsed.entries:
        entry = entry_from(item)
        if entry is None or entry.key in seen:
            continue
        seen.add(entry.key)
        entries.append(entry)
    entries.sort(key=lambda e: e.published_at or datetime.min.replace(tzinfo=UTC), reverse=True)
    return Reading(title=clean(parsed.feed.get("title", ""))[:200], entries=entries)


def entry_from(item) -> Entry | None:
    link = item.get("link", "") or ""
    if not re.match(r"^https?://", link, re.IGNORECASE) or len(link) > 2000:
        link = ""
    title = clean(item.get("title", ""))[:300]
    identity = item.get("id") or link or (title + str(item.get("published", "")))
    if not identity or not (title or link):
        return None  # nothing a post could say
    published = item.get("published_parsed") or item.get("updated_parsed")
    when = datetime(*published[:6], tzinfo=UTC) if published else None
    return Entry(
        key=hashlib.sha256(identity.encode("utf-8", "replace")).hexdigest(),
        title=title,
        link=link,
        excerpt=excerpt(item.get("summary", "")),
        published_at=when,
    )


def clean(text: str) -> str:
    """Plain text of a bit of feed HTML: tags out, entities decoded, whitespace collapsed, NUL gone."""
    text = re.sub(r"<[^>]*>", " ", text or "")
    text = html.unescape(text).replace("\x00", "")
    return re.sub(r"\s+", " ", text).strip()


def excerpt(summary: str) -> str:
    text = clean(summary)
    if len(text) <= EXCERPT_CHARS:
        return text
    cut = text[:EXCERPT_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"


def render(template: str, entry) -> str:
    """The post for an entry: {title}, {link} and {excerpt} filled in (and nothing else read from it)."""
    return (
        template.replace("{title}", entry.title).replace("{link}", entry.link).replace("{excerpt}", entry.excerpt)
    ).strip()
