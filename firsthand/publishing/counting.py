"""How long a text is, by each network's own rule.

References (each network's documented rule):
- X: twitter-text 3 (config/v3.json in twitter/twitter-text), through `twitter-text-parser`, a port that passes
  twitter-text's own conformance suite (validate.yml's v3 and directional sections, extract.yml's URLs): text is
  NFC-normalised; code points in U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F and U+2032–U+2037 weigh 1, every
  other one 2; an emoji sequence weighs 2; every URL twitter-text finds weighs 23, scheme-less domains with a
  valid TLD included; the limit is 280. A URL ends where twitter-text ends it: before CJK text, before trailing
  punctuation, with balanced parentheses kept.
- Bluesky: app.bsky.feed.post `text` allows 300 graphemes (and 3,000 UTF-8 bytes).
- Mastodon: app/validators/status_length_validator.rb counts the content warning and the text together, in
  grapheme clusters; a URL with a scheme (twitter-text's extraction without scheme-less domains) counts 23,
  a remote mention @user@domain counts as @user unless its domain is longer than a domain can be
  (app/lib/extractor.rb, MAX_DOMAIN_LENGTH 253); the default limit is 500.
- LinkedIn 3,000, Facebook 63,206, Instagram 2,200 and Threads 500 characters, counted as graphemes.

A content warning is sent only to Mastodon (its `spoiler_text`), so only Mastodon's rule counts it.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import regex
from twitter_text import extract_urls_with_indices, parse_tweet
from twitter_text.config import config as twitter_config

GRAPHEME = regex.compile(r"\X")
URL_WEIGHT = 23

# Mastodon's Account::MENTION_RE (app/models/account.rb): a username, then optionally @ and a domain.
MASTODON_MENTION = regex.compile(
    r"(?<![=/\w])@((?:[a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@[\w.-]+\w+)?)", regex.IGNORECASE
)
MASTODON_MAX_DOMAIN_LENGTH = 253
# twitter-text's end_mention_match: a mention followed by these is not a mention (an e-mail address, a URL).
MENTION_END = regex.compile(
    "(?:[@\uff20]|[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b"
    "\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff]|://)"
)


@dataclass(frozen=True)
class Count:
    length: int
    limit: int

    @property
    def remaining(self) -> int:
        return self.limit - self.length

    @property
    def fits(self) -> bool:
        return self.length <= self.limit


@dataclass(frozen=True)
class Link:
    url: str
    start: int  # code point offsets into the text
    end: int

    @property
    def host(self) -> str:
        """The domain, without www.; a bare domain ("example.com/menu") has one too."""
        url = self.url if "://" in self.url else "//" + self.url
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:  # a bracketed host that is not an IPv6 address
            return ""
        return host.removeprefix("www.")


def links(text: str, without_scheme: bool = True) -> list[Link]:
    """The links in `text` as twitter-text finds them; `without_scheme=False` leaves out bare domains."""
    return [
        Link(url=found["url"], start=found["indices"][0], end=found["indices"][1])
        for found in extract_urls_with_indices(text, extract_urls_without_protocol=without_scheme)
    ]


def graphemes(text: str, content_warning: str = "") -> int:
    return len(GRAPHEME.findall(text))


def utf8_bytes(text: str) -> int:
    # surrogatepass: a lone surrogate (pasted half of an emoji) counts 3 bytes, as atproto counts it, not a crash.
    return len(text.encode("utf-8", "surrogatepass"))


def _x_options(limit: int) -> dict:
    return {**twitter_config["defaults"], "max_weighted_tweet_length": limit}


def x_weighted(text: str, content_warning: str = "") -> int:
    return parse_tweet(text).weightedLength


def _x_fit(text: str, limit: int) -> tuple[str, str]:
    """twitter-text's own cut point (validRangeEnd, in UTF-16 code units), moved back to a whole grapheme."""
    parsed = parse_tweet(text, _x_options(limit))
    if parsed.weightedLength <= limit:
        return text, ""
    units_kept = parsed.validRangeEnd + 1
    kept, units = "", 0
    for cluster in GRAPHEME.findall(text):
        units += len(cluster.encode("utf-16-le")) // 2
        if units > units_kept:
            break
        kept += cluster
    return kept, text[len(kept) :]


BLUESKY_MAX_BYTES = 3000


def bluesky(text: str, content_warning: str = "") -> int:
    """Graphemes, except that a text past the 3,000-byte cap counts as past the 300 limit too.

    Scripts of several bytes per character (CJK, emoji) can reach the byte cap first; reporting it as
    the length lets every rule answer with one number.
    """
    length = graphemes(text)
    if utf8_bytes(text) > BLUESKY_MAX_BYTES:
        return max(length, 301)
    return length


def _mastodon_mentions(text: str) -> list[tuple[int, int, str]]:
    if "@" not in text:
        return []
    found = []
    for match in MASTODON_MENTION.finditer(text):
        if MENTION_END.match(text, match.end()):
            continue
        name, _, domain = match.group(1).partition("@")
        if len(domain) > MASTODON_MAX_DOMAIN_LENGTH:
            continue
        found.append((match.start(), match.end(), "@" + name))
    return found


def mastodon_countable(text: str) -> str:
    """The text as Mastodon counts it: each URL as 23 placeholders, each remote mention as its local part."""
    entities = [(link.start, link.end, "x" * URL_WEIGHT) for link in links(text, without_scheme=False)]
    entities += _mastodon_mentions(text)
    entities.sort()
    result, position = [], 0
    for start, end, replacement in entities:
        if start < position:  # overlapping entities: the earlier one wins, as in twitter-text
            continue
        result += [text[position:start], replacement]
        position = end
    result.append(text[position:])
    return "".join(result)


def mastodon(text: str, content_warning: str = "") -> int:
    return graphemes(content_warning + mastodon_countable(text))


RULES = {
    "x_weighted": x_weighted,
    "graphemes": graphemes,
    "mastodon": mastodon,
    "bluesky": bluesky,
}


def count(text: str, rule: str, limit: int, content_warning: str = "") -> Count:
    if rule == "x_weighted":
        return Count(length=parse_tweet(text, _x_options(limit)).weightedLength, limit=limit)
    return Count(length=RULES[rule](text, content_warning), limit=limit)


def fit(text: str, rule: str, limit: int, content_warning: str = "") -> tuple[str, str]:
    """Split `text` into what fits the limit and what would be cut, at a grapheme boundary."""
    if rule == "x_weighted":
        return _x_fit(text, limit)
    measure = RULES[rule]
    if measure(text, content_warning) <= limit:
        return text, ""
    clusters = GRAPHEME.findall(text)
    low, high = 0, len(clusters)  # the longest prefix that fits has `low` clusters
    while low < high:
        middle = (low + high + 1) // 2
        if measure("".join(clusters[:middle]), content_warning) <= limit:
            low = middle
        else:
            high = middle - 1
    return "".join(clusters[:low]), "".join(clusters[low:])
