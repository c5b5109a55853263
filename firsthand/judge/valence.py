"""How warm or cold the words of a text are, from the VADER lexicon, read fast enough for every incoming message.

VADER's own polarity_scores() weighs boosters, capitals and "but" clauses word by word in Python and
took about 0.3 ms a text: more than everything else the inbox does per message together. This reads
the same lexicon (the `vaderSentiment` package's word and emoji lists, nothing downloaded) with only
the two rules that carry most of its signal, negation and emoji, and leaves the weighing to the small
blend model trained on top (training/train.py), which learns how much these features are worth.
"""

import math
import string
from functools import lru_cache

import numpy as np

NEGATION_REACH = 3  # VADER looks this many words back for "not", "never", "don't"...
PUNCTUATION = string.punctuation + "“”‘’…"


@lru_cache(maxsize=1)
def tables():
    from vaderSentiment.vaderSentiment import N_SCALAR, NEGATE, SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    words = dict(analyzer.lexicon)
    # An emoji counts as the words VADER describes it with ("smiling face with heart-eyes"); longer
    # sequences (flags, skin tones) are read by their first symbol, which carries the meaning.
    emoji = {}
    for symbol, description in analyzer.emojis.items():
        value = sum(words.get(word, 0.0) for word in description.lower().split())
        if value and symbol[0] not in emoji:
            emoji[symbol[0]] = value
    return words, emoji, frozenset(NEGATE), N_SCALAR


NEGATES = object()  # what a negating word reads as
CACHE_LIMIT = 200_000
_read_tokens: dict = {}


def token_value(token: str):
    """What one lowercased token reads as: NEGATES, or its valence (0.0 for most). Kept per distinct
    token, as the same few thousand words make up most messages."""
    words, _, negations, _ = tables()
    word = token.strip(PUNCTUATION)
    value = NEGATES if word in negations or word.endswith("n't") else words.get(token, words.get(word, 0.0))
    if len(_read_tokens) >= CACHE_LIMIT:
        _read_tokens.clear()
    _read_tokens[token] = value
    return value


def valence(text: str) -> tuple[float, float, int]:
    """(sum of positive valences, sum of negative valences as a positive number, words read)."""
    _, emoji, _, negation_scale = tables()
    positive = negative = 0.0
    recent_negation = -NEGATION_REACH - 1
    tokens = text.lower().split()
    known = _read_tokens.get
    for n, token in enumerate(tokens):
        value = known(token)
        if value is None:
            value = token_value(token)
        if value is NEGATES:
            recent_negation = n
            continue
        if not value:
            continue
        if n - recent_negation <= NEGATION_REACH:
            value *= negation_scale
        if value > 0:
            positive += value
        else:
            negative -= value
    for symbol in emoji.keys() & set(text):
        value = emoji[symbol] * text.count(symbol)
        positive, negative = (positive + value, negative) if value > 0 else (positive, negative - value)
    return positive, negative, len(tokens)


def valence_features(texts: list[str]) -> np.ndarray:
    """Per text: positive, negative, their balance squashed to [-1, 1] as VADER's compound is, and words read."""
    rows = []
    for text in texts:
        positive, negative, count = valence(text or "")
        balance = positive - negative
        rows.append((positive, negative, balance / math.sqrt(balance * balance + 15), math.log1p(count)))
    return np.array(rows, dtype=np.float32).reshape(-1, 4)
