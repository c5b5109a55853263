"""How long a text is, by each network's own rule.

References (each network's documented rule):
- X: twitter-text v3 configuration (config/v3.json in twitter/twitter-text): text is NFC-normalised; each
  code point weighs 2 except U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F and U+2032–U+2037 which weigh 1;
  every emoji (a whole sequence, ZWJ and modifiers included) weighs 2; every URL weighs 23; the limit is 280.
- Bluesky: app.bsky.feed.post `text` allows 300 graphemes (and 3,000 UTF-8 bytes).
- Mastodon: StatusLengthValidator counts grapheme clusters, every URL as 23 and a remote mention
  @user@domain as @user; the default limit is 500.
- LinkedIn 3,000, Facebook 63,206, Instagram 2,200 and Threads 500 characters, counted as graphemes.
"""

import unicodedata
from dataclasses import dataclass

import emoji
import regex

URL = regex.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]}]", regex.IGNORECASE)
REMOTE_MENTION = regex.compile(r"(?<![\w@])(@[\w.]+)@[\w.-]+\.\w+")
GRAPHEME = regex.compile(r"\X")
URL_WEIGHT = 23

# twitter-text v3: code point ranges that weigh 1 (everything else weighs 2).
X_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))


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


def graphemes(text: str) -> int:
    return len(GRAPHEME.findall(text))


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _x_code_point_weight(char: str) -> int:
    code = ord(char)
    return 1 if any(start <= code <= end for start, end in X_LIGHT_RANGES) else 2


def x_weighted(text: str) -> int:
    text = unicodedata.normalize("NFC", text)
    total, position = 0, 0
    spans = sorted(
        [(m.start(), m.end(), URL_WEIGHT) for m in URL.finditer(text)]
        + [(e["match_start"], e["match_end"], 2) for e in emoji.emoji_list(text)]
    )
    for start, end, weight in spans:
        if start < position:  # an emoji inside a URL belongs to the URL
            continue
        total += sum(_x_code_point_weight(c) for c in text[position:start]) + weight
        position = end
    return total + sum(_x_code_point_weight(c) for c in text[position:])


BLUESKY_MAX_BYTES = 3000


def bluesky(text: str) -> int:
    """Graphemes, except that a text past the 3,000-byte cap counts as past the 300 limit too.

    Scripts of several bytes per character (CJK, emoji) can reach the byte cap first; reporting it as
    the length lets every rule answer with one number.
    """
    length = graphemes(text)
    if utf8_bytes(text) > BLUESKY_MAX_BYTES:
        return max(length, 301)
    return length


def mastodon(text: str) -> int:
    countable = URL.sub("x" * URL_WEIGHT, text)
    countable = REMOTE_MENTION.sub(r"\1", countable)
    return graphemes(countable)


RULES = {
    "x_weighted": x_weighted,
    "graphemes": graphemes,
    "mastodon": mastodon,
    "bluesky": bluesky,
}


def count(text: str, rule: str, limit: int) -> Count:
    return Count(length=RULES[rule](text), limit=limit)


def fit(text: str, rule: str, limit: int) -> tuple[str, str]:
    """Split `text` into what fits the limit and what would be cut, at a grapheme boundary."""
    measure = RULES[rule]
    if measure(text) <= limit:
        return text, ""
    clusters = GRAPHEME.findall(text)
    low, high = 0, len(clusters)  # the longest prefix that fits has `low` clusters
    while low < high:
        middle = (low + high + 1) // 2
        if measure("".join(clusters[:middle])) <= limit:
            low = middle
        else:
            high = middle - 1
    return "".join(clusters[:low]), "".join(clusters[low:])
