"""Whose voice a text is in: the author's own (from their personal posts) or the brand's (from its posts).

A profile is the share of each three-letter sequence in a set of texts; two profiles are compared by
cosine similarity. Letter sequences catch habits that survive any topic: "lol", "sooo", ":)", "!!!",
lower-case starts, the brand's "we" and full stops.
"""

import math
from collections import Counter

MIN_TEXTS = 5


def profile(texts: list[str]) -> Counter:
    grams = Counter()
    for text in texts:
        padded = f" {' '.join(text.lower().split())} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    dot = sum(count * b[gram] for gram, count in a.items() if gram in b)
    return dot / (math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values())))


def sounds_like_author(text: str, personal: list[str], brand: list[str], margin: float = 0.08) -> bool:
    """True when the text is clearly closer to the author's personal posts than to the brand's."""
    if len(personal) < MIN_TEXTS or len(brand) < MIN_TEXTS or len(text) < 20:
        return False
    mine = profile([text])
    return similarity(mine, profile(personal)) - similarity(mine, profile(brand)) > margin
