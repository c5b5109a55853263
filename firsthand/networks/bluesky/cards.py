"""Link cards: Bluesky shows a link as a card only when the post carries one (app.bsky.embed.external).

Like the Bluesky app, firsthand reads the page's title and description when the post is sent. A card is
a courtesy: when the page cannot be read, the post goes out without one rather than not at all.
https://docs.bsky.app/docs/advanced-guides/posts#website-card-embeds
"""

import html
import logging
import re
from html.parser import HTMLParser

from atproto import models
from atproto_client.utils import facet_detection

from firsthand.networks import safe_http

logger = logging.getLogger("firsthand.networks.bluesky")

MAX_PAGE_BYTES = 512 * 1024
TIMEOUT_SECONDS = 5


class Metadata(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: dict[str, str] = {}
        self._in_title = False
        self.title = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta":
            name = (attributes.get("property") or attributes.get("name") or "").lower()
            if name in ("og:title", "og:description", "description") and attributes.get("content"):
                self.found.setdefault(name, attributes["content"])
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def first_link(text: str) -> str | None:
    for facet in facet_detection.detect_facets(text):
        for feature in facet.features:
            if getattr(feature, "uri", None):
                return feature.uri
    return None


def read_page(url: str) -> tuple[str, str]:
    """The page's title and description, read through the guard: the URL is whatever staff wrote, so it
    must not reach this machine's own or its neighbours' pages (and put their titles in a public post)."""
    response, body = safe_http.get(
        url, max_bytes=MAX_PAGE_BYTES, headers={"User-Agent": "firsthand (link card)"}, timeout=TIMEOUT_SECONDS
    )
    if response.status_code >= 400:
        raise safe_http.Unreachable()
    kind = response.headers.get("content-type", "")
    if "html" not in kind:
        return "", ""
    parser = Metadata()
    # requests would read a page without a charset as Latin-1 (HTTP/1.1's old default); the web's is UTF-8.
    parser.feed(body.decode(response.encoding if "charset" in kind.lower() else "utf-8", errors="replace"))
    title = parser.found.get("og:title") or parser.title
    description = parser.found.get("og:description") or parser.found.get("description", "")
    return clean(title)[:300], clean(description)[:1000]


def clean(value: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(value)).strip()


def link_card(client, text: str):
    url = first_link(text)
    if not url or not url.startswith(("http://", "https://")):
        return None
    try:
        title, description = read_page(url)
    except (safe_http.Unreachable, LookupError) as error:  # LookupError: a page naming an unknown encoding
        logger.info("no link card for %s: %s", url, error)
        return None
    return models.AppBskyEmbedExternal.Main(
        external=models.AppBskyEmbedExternal.External(uri=url, title=title or url, description=description)
    )
