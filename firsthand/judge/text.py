"""Turning a short social post into features: the same code at training and at run time.

Hashed word 1–2-grams and character 2–5-grams (within word boundaries), so no vocabulary file is
needed and unseen words still land somewhere. Before hashing, disguised swear words are unmasked
(f*ck, sh1t, a$$), so a model trained on plain spelling still sees them.
"""

import re
from functools import lru_cache

import regex
from scipy.sparse import hstack
from sklearn.feature_extraction.text import HashingVectorizer

FEATURES_PER_PART = 2**18
WORD = r"(?u)\b\w+\b|[!?]"

# Letters that numbers and symbols stand in for, inside a word.
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
LEETY_WORD = regex.compile(r"(?<!\S)(?=\S*\p{L})(?=\S*[0-9@$!])[\p{L}0-9@$!]{3,}(?!\S)")
# A masked word: letters, then *, # or % (or one or two dots or dashes), then letters: f*ck, f**king, sh#t.
MASKED = regex.compile(r"\b(\p{L}{1,3})([*#%]+|[.\-_]{1,2})(\p{L}{1,6})\b")
# The words people mask; a masked token becomes the shortest of these that fits its visible letters.
MASKABLE = sorted(
    "fuck fucking fucked fucker fuckin shit shitty bitch bitches cunt dick ass asshole pussy wanker bastard cock "
    "damn crap slut whore twat prick piss bollocks".split(),
    key=len,
)
SQUEEZE = re.compile(r"(.)\1{2,}")  # soooo → soo
URLS = re.compile(r"https?://\S+")
MENTIONS = re.compile(r"@\w+")


def unmask(match: regex.Match) -> str:
    before, after = match.group(1).lower(), match.group(3).lower()
    for word in MASKABLE:
        if word.startswith(before) and word.endswith(after) and len(word) > len(before) + len(after):
            return word
    # Stars hide letters; dots and dashes are usually just punctuation (e-mail, co-op), so they stay.
    return before + after if match.group(2)[0] in "*#%" else match.group(0)


def normalise(text: str) -> str:
    text = URLS.sub(" URL ", text or "")
    text = MENTIONS.sub(" @user ", text)
    text = MASKED.sub(unmask, text)
    text = LEETY_WORD.sub(lambda m: m.group(0).translate(LEET), text)
    return SQUEEZE.sub(r"\1\1", text.lower())


@lru_cache(maxsize=1)
def vectorizers():
    common = {"n_features": FEATURES_PER_PART, "alternate_sign": False, "norm": "l2", "lowercase": False}
    words = HashingVectorizer(ngram_range=(1, 2), token_pattern=WORD, **common)
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), **common)
    return words, chars


def featurize(texts: list[str]):
    words, chars = vectorizers()
    clean = [normalise(text) for text in texts]
    return hstack([words.transform(clean), chars.transform(clean)]).tocsr(), clean


def word_features(words: list[str]):
    """The hashed index of each single word, to say which words drove a judgement."""
    vectorizer, _ = vectorizers()
    return vectorizer.transform(words).tocsr()
