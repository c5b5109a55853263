"""Turning a short social post into features: the same code at training and at run time.

Hashed word 1–2-grams and character 2–5-grams (within word boundaries), so no vocabulary file is
needed and unseen words still land somewhere. Before hashing, disguised swear words are unmasked
(f*ck, sh1t, a$$), so a model trained on plain spelling still sees them.
"""

import re

import numpy as np
from scipy.sparse import csr_matrix, hstack

BITS = 18
FEATURES_PER_PART = 2**BITS
WORD = re.compile(r"(\b\w+\b|[!?])")
# A polynomial hash over code points, modulo 2**64 (numpy's unsigned overflow); BASE is odd, so invertible.
BASE = np.uint64(1_000_003)
BASE_INVERSE = np.uint64(pow(1_000_003, -1, 2**64))
MIX = np.uint64(0x9E3779B97F4A7C15)
PAIR = np.uint64(0xC2B2AE3D27D4EB4F)
SALT = np.uint64(0x165667B19E3779F9)

# Letters that numbers and symbols stand in for, inside a word.
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
LETTER = r"[^\W\d_]"  # \p{L} in the standard library's re, which is about twice as fast as regex here
# A "!" counts only inside a word (b!tch): at its end it is an exclamation ("sort it!" is no "iti").
LEETY_WORD = re.compile(
    rf"(?<!\S)(?=\S*{LETTER})(?=\S*[0-9@$!])(?:{LETTER}|[0-9@$!]){{2,}}(?:{LETTER}|[0-9@$])(?=[!?.,]*(?!\S))"
)
# A masked word: letters, then *, # or % (or one or two dots or dashes), then letters: f*ck, f**king, sh#t.
MASKED = re.compile(rf"\b({LETTER}{{1,3}})([*#%]+|[.\-_]{{1,2}})({LETTER}{{1,6}})\b")
# The words people mask; a masked token becomes the shortest of these that fits its visible letters.
MASKABLE = sorted(
    "fuck fucking fucked fucker fuckin shit shitty bitch bitches cunt dick ass asshole pussy wanker bastard cock "
    "damn crap slut whore twat prick piss bollocks".split(),
    key=len,
)
SQUEEZE = re.compile(r"(.)\1{2,}")  # soooo → soo
URLS = re.compile(r"https?://\S+")
MENTIONS = re.compile(r"@\w+")
# Every @mention reads as one token. The models were trained on "auser": the leet unmasking below
# always turned the inserted "@user" into it, so it is written so at once (and the letters-for-symbols
# pass has one word fewer to look at per mention).
MENTION = " auser "


# Characters no model reads and some code cannot carry: C0/C1 controls (a NUL would split a document in
# hashed_features' joined batch; tab and newline are kept as spaces are) and lone surrogates, which
# cannot be encoded at all (a JSON "\\ud800" escape makes one). Each becomes a space.
UNREADABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def readable(text) -> str:
    """The text with what cannot be read replaced by spaces; anything that is not a string reads as ""."""
    if not isinstance(text, str):
        return ""
    return UNREADABLE.sub(" ", text) if UNREADABLE.search(text) else text


def unmask(match: re.Match) -> str:
    before, after = match.group(1).lower(), match.group(3).lower()
    for word in MASKABLE:
        if word.startswith(before) and word.endswith(after) and len(word) > len(before) + len(after):
            return word
    # Stars hide letters; dots and dashes are usually just punctuation (e-mail, co-op), so they stay.
    return before + after if match.group(2)[0] in "*#%" else match.group(0)


def normalise(text: str) -> str:
    text = URLS.sub(" URL ", readable(text))
    text = MENTIONS.sub(MENTION, text)
    text = MASKED.sub(unmask, text)
    text = LEETY_WORD.sub(lambda m: m.group(0).translate(LEET), text)
    return SQUEEZE.sub(r"\1\1", text.lower())


def normalise_all(texts: list[str]) -> list[str]:
    """normalise() of each text, done on the batch as one string: one pass of each pattern, not one per text."""
    if not texts:
        return []
    return normalise("\n".join(readable(text).replace("\n", " ") for text in texts)).split("\n")


def featurize(texts: list[str]):
    """(features, normalised texts): counts of hashed word 1–2-grams and character 2–5-grams, each part l2-normed."""
    clean = normalise_all(texts)
    return hashed_features(clean), clean


def hashed_features(clean: list[str]):
    # The whole batch is one array of code points, documents apart by a NUL, so every n-gram of every
    # document is hashed by a few numpy operations instead of a Python loop per n-gram (about 20 times
    # faster than scikit-learn's HashingVectorizer, which the inbox felt on every incoming message).
    documents = [" " + " ".join(text.split()) + " " for text in clean]
    joined = "\0".join(documents)
    spans = Spans(joined)
    chars = char_ngrams(spans)
    words = word_ngrams(spans, joined)
    shape = (len(clean), FEATURES_PER_PART)
    parts = [unit_rows(csr_matrix((np.ones(len(i), np.float32), (d, i)), shape=shape)) for d, i in (words, chars)]
    return hstack(parts, format="csr")


def unit_rows(matrix: csr_matrix) -> csr_matrix:
    """Each row scaled to length 1 (an empty row stays empty)."""
    lengths = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    lengths[lengths == 0] = 1
    matrix.data /= np.repeat(lengths, np.diff(matrix.indptr)).astype(np.float32)
    return matrix


class Spans:
    """Hashes of any stretch of a string in O(1) each, from prefix sums of a polynomial hash modulo 2**64."""

    def __init__(self, text: str):
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64) + np.uint64(1)
        self.length = len(codes)
        self.space = np.concatenate([[0], np.cumsum(codes == ord(" ") + 1)])
        self.nul = np.concatenate([[0], np.cumsum(codes == 1)])
        with np.errstate(over="ignore"):
            self.power = np.empty(self.length + 1, dtype=np.uint64)
            self.inverse = np.empty(self.length + 1, dtype=np.uint64)
            self.power[0] = self.inverse[0] = 1
            if self.length:
                self.power[1:] = np.cumprod(np.full(self.length, BASE, dtype=np.uint64))
                self.inverse[1:] = np.cumprod(np.full(self.length, BASE_INVERSE, dtype=np.uint64))
            self.prefix = np.zeros(self.length + 1, dtype=np.uint64)
            np.cumsum(codes * self.power[:-1], out=self.prefix[1:])

    def hash(self, begin: np.ndarray, end: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return (self.prefix[end] - self.prefix[begin]) * self.inverse[begin]


def bucket(hashes: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # multiply-shift: the top bits of a multiplied hash are well mixed
        return ((hashes * MIX) >> np.uint64(64 - BITS)).astype(np.int64)


def char_ngrams(spans: Spans):
    """Character 2–5-grams inside words, with the spaces around each word (" cat" "cat "), like char_wb."""
    documents, indices = [], []
    for n in range(2, 6):
        begin = np.arange(max(spans.length - n + 1, 0))
        end = begin + n
        inside = (spans.space[end - 1] - spans.space[begin + 1] == 0) & (spans.nul[end] - spans.nul[begin] == 0)
        begin, end = begin[inside], end[inside]
        with np.errstate(over="ignore"):
            indices.append(bucket(spans.hash(begin, end) + np.uint64(n) * SALT))
        documents.append(spans.nul[begin])  # NULs before a position = the document it is in
    return np.concatenate(documents), np.concatenate(indices)


def word_ngrams(spans: Spans, joined: str):
    """Words (and ! ?) and pairs of neighbouring words within one document."""
    # split() with a group alternates gap, word, gap, ..., gap: the lengths give every word's span at C speed.
    edges = np.cumsum([0, *map(len, WORD.split(joined))])
    begin, end = edges[1:-1:2], edges[2:-1:2]
    hashes = spans.hash(begin, end)
    documents = spans.nul[begin]
    pair = documents[1:] == documents[:-1]
    with np.errstate(over="ignore"):
        pairs = hashes[:-1][pair] * PAIR + hashes[1:][pair] + SALT
    return np.concatenate([documents, documents[1:][pair]]), bucket(np.concatenate([hashes, pairs]))


def word_features(words: list[str]) -> list[int]:
    """The hashed index of each single word in the word part, to say which words drove a judgement."""
    spans = Spans("".join(words))
    ends = np.cumsum([len(word) for word in words])
    return bucket(spans.hash(ends - [len(word) for word in words], ends)).tolist()
