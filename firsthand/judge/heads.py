"""The features a judgement reads, and the learned head that reads them.

Every text judgement is a linear model (a "head") over some of these parts, always in this order:

    ngrams     hashed word 1–2-grams and character 2–5-grams (text.featurize): the words themselves
    valence    the VADER lexicon's warmth and coldness (valence.py): tone, in words no training set holds
    complaint  which of rules.COMPLAINT_CUES matched: "never arrived", "charged twice", "still no"
    question   which of rules.QUESTION_CUES matched: a question mark, "do you…", "any idea"
    complaint_score, question_score
               the cues' own written weights added up (rules.score): one number a head learns to trust
               from the cues that do occur in its training data, so a cue its data never holds ("mouldy"
               in tweets to airlines, "is the sourdough vegan" in tweets about news) still counts
    encoder    the MiniLM sentence embedding (encoder.py): meaning, so a complaint about a cake is
               recognised by a head trained on complaints about flights

The light configuration (every incoming message, thousands a second) leaves the encoder out; the
accurate one (the pre-publish check, answers, the background relabelling of the inbox) adds it. The
cue parts are why a head trained on one industry still finds "charged twice" at a bank: the cues are
written for every business, the head only learns how much each one is worth.

A binary head also carries a Platt calibration and a threshold, both chosen on data it did not train
on (training/train.py), so its score reads as a probability and its label as that model card says.

A sentiment head also carries a prior shift: log(customers' class shares / the training's), estimated from
customers' texts without their labels (training/prior.py). It is added to the scores only when the reader asks
for customers (`customers=True`): the inbox and `judge("sentiment", ...)` read customers' messages, the practice
coach reads the team's answers and gets the head as trained.
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.sparse import csr_matrix, hstack

from firsthand.judge import rules
from firsthand.judge.linear import MODELS, STOPWORDS, LinearModel
from firsthand.judge.text import FEATURES_PER_PART, featurize, word_features
from firsthand.judge.valence import valence_features

PARTS = ("ngrams", "valence", "complaint", "question", "complaint_score", "question_score", "encoder")
CUES = {"complaint": rules.COMPLAINT_CUES, "question": rules.QUESTION_CUES}
SCORES = {"complaint_score": "complaint", "question_score": "question"}
ENCODER_SCALE = 2.0  # the embedding is unit length; doubled, a head weighs it about as much as the n-grams
VALENCE_WIDTH = 4


def width(part: str) -> int:
    if part == "ngrams":
        return 2 * FEATURES_PER_PART
    if part == "valence":
        return VALENCE_WIDTH
    if part in CUES:
        return len(CUES[part])
    if part in SCORES:
        return 1
    if part == "encoder":
        from firsthand.judge.encoder import DIMENSIONS

        return DIMENSIONS
    raise ValueError(f"unknown feature part {part!r}")


class Features:
    """The parts of a batch of texts, each made at most once however many heads read it."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.made: dict = {}
        self.clean: list[str] | None = None

    def part(self, name: str):
        if name not in self.made:
            self.made[name] = self.make(name)
        return self.made[name]

    def make(self, name: str):
        if name == "ngrams":
            features, self.clean = featurize(self.texts)
            return features
        if name == "valence":
            return csr_matrix(valence_features(self.texts))
        if name in CUES:
            found = [CUES[name].found(text) for text in self.texts]
            return csr_matrix(np.array(found, dtype=np.float32).reshape(len(self.texts), -1))
        if name in SCORES:
            cues = CUES[SCORES[name]]
            written = np.array([c.weight for c in cues], dtype=np.float32)
            return csr_matrix((self.part(SCORES[name]).toarray() @ written).reshape(-1, 1))
        if name == "encoder":
            from firsthand.judge.encoder import loaded

            return csr_matrix(loaded().embed(self.texts) * ENCODER_SCALE)
        raise ValueError(f"unknown feature part {name!r}")

    def matrix(self, parts) -> csr_matrix:
        return hstack([self.part(name) for name in parts], format="csr")

    def cleaned(self) -> list[str]:
        self.part("ngrams")
        return self.clean


@dataclass
class Head:
    name: str
    model: LinearModel
    parts: tuple[str, ...]
    platt: tuple[float, float] | None  # binary heads: P = sigmoid(a * logit + b)
    threshold: float | None
    prior_shift: np.ndarray | None = None  # multi-class heads: added to the scores for customers' messages

    @classmethod
    def load(cls, name: str) -> "Head":
        path = MODELS / f"{name}.npz"
        with np.load(path) as data:
            parts = tuple(str(p) for p in data["parts"]) if "parts" in data else ("ngrams",)
            platt = tuple(float(x) for x in data["platt"]) if "platt" in data else None
            threshold = float(data["threshold"]) if "threshold" in data else None
            # Files written before the shift existed have none: they read as trained, for customers too.
            shift = data["prior_shift"].astype(np.float32) if "prior_shift" in data else None
        return cls(name, LinearModel.load(name), parts, platt, threshold, shift)

    @staticmethod
    def save(path, classes, coef, intercept, parts, platt=None, threshold=None, prior_shift=None) -> None:
        extra = {"parts": np.array(parts)}
        if prior_shift is not None:
            extra["prior_shift"] = np.asarray(prior_shift, dtype=np.float64)
        if platt is not None:
            extra["platt"] = np.array(platt, dtype=np.float64)
        if threshold is not None:
            extra["threshold"] = np.array(threshold, dtype=np.float64)
        LinearModel.save(path, classes, coef, intercept, **extra)

    @property
    def classes(self) -> list[str]:
        return self.model.classes

    def offsets(self) -> dict[str, int]:
        offsets, at = {}, 0
        for part in self.parts:
            offsets[part] = at
            at += width(part)
        return offsets

    def scores(self, features: Features, customers: bool = False) -> np.ndarray:
        scores = np.asarray(features.matrix(self.parts) @ self.model.weights) + self.model.bias
        if customers and self.prior_shift is not None:
            scores[~self.read_as_trained(features)] += self.prior_shift
        return scores

    def read_as_trained(self, features: Features) -> np.ndarray:
        """The texts the prior shift leaves alone: it decides what the words leave open, not against them. A text
        with nothing to read (empty) would take the prior itself, negative; one whose only lexicon words are warm
        ("thanks", "😍", "❤️") sits near the light head's boundary and flipped to negative. Read as trained, the
        light head's airline complaints read negative fell from 94.5 % to 90.6 % and its Sanders accuracy rose
        from 72.4 % to 75.8 % (models/metrics.json has the figures with this rule)."""
        if "valence" not in self.parts:
            return np.zeros(len(features.texts), dtype=bool)
        warmth = features.part("valence").toarray()  # warm, cold, balance, log(1 + words)
        return (warmth[:, 3] == 0) | ((warmth[:, 0] > 0) & (warmth[:, 1] == 0))

    def probabilities(self, features: Features, customers: bool = False) -> np.ndarray:
        """(texts, classes). A binary head's second column is its calibrated probability. With customers, a head
        that carries a prior shift answers under the class shares of customers writing to a business."""
        scores = self.scores(features, customers)
        if scores.shape[1] == 1:
            a, b = self.platt or (1.0, 0.0)
            positive = 1 / (1 + np.exp(-(a * scores[:, 0] + b)))
            return np.stack([1 - positive, positive], axis=1)
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def labels(self, features: Features, customers: bool = False) -> tuple[list[int], np.ndarray]:
        """The chosen class per text (a binary head at its threshold) and the probabilities."""
        p = self.probabilities(features, customers)
        if p.shape[1] == 2:
            return [int(x) for x in p[:, 1] >= (self.threshold if self.threshold is not None else 0.5)], p
        return [int(x) for x in p.argmax(axis=1)], p

    def pulls(self, part: str, class_index: int) -> np.ndarray:
        """The weight of every feature of one part towards a class (binary: towards the second)."""
        start = self.offsets()[part]
        binary = self.model.weights.shape[1] == 1
        column = self.model.weights[start : start + width(part), 0 if binary else class_index]
        return column * ((1.0 if class_index == 1 else -1.0) if binary else 1.0)

    def word_reasons(self, clean_text: str, class_index: int, limit: int = 3, least: float = 0.8) -> list[str]:
        """The words of a text that pushed it towards a class, strongest first: only words whose own weight
        pushes that way by at least `least` and a third of the strongest, so a word barely involved is never named."""
        if "ngrams" not in self.parts:
            return []
        words = sorted({word.strip(".,;:!?\"'()") for word in clean_text.split()} - {""})
        words = [word for word in words if any(ch.isalpha() for ch in word) and word not in STOPWORDS][:60]
        if not words:
            return []
        pulls = self.pulls("ngrams", class_index)[word_features(words)]
        ranked = sorted(zip(pulls.tolist(), words, strict=True), reverse=True)
        strongest = ranked[0][0]
        return [f"“{word}”" for value, word in ranked[:limit] if value >= least and value >= strongest / 3]

    def cue_reasons(self, features: Features, row: int, class_index: int, own: str) -> list[str]:
        """The readable cues of the judgement `own` that matched this text and that the head learned to count
        towards the class (a complaint is never explained by a question's cue, whatever its weight)."""
        reasons = []
        for part, cues in CUES.items():
            if part not in self.parts or part != own:
                continue
            matched = features.part(part)[row].toarray().ravel()
            pulls = self.pulls(part, class_index).copy()
            score = f"{part}_score"
            if score in self.parts:  # each cue also pulls through the sum of the written weights
                pulls += self.pulls(score, class_index)[0] * np.array([c.weight for c in cues], dtype=np.float32)
            for cue, hit, pull in zip(cues, matched, pulls, strict=True):
                if hit and pull > 0.15 and cue.reason not in reasons:
                    reasons.append(cue.reason)
        return reasons

    def tone_reason(self, features: Features, row: int, class_index: int) -> list[str]:
        """ "negative tone" or "warm tone" when the lexicon's reading pushed the text towards the class."""
        if "valence" not in self.parts:
            return []
        positive, negative = features.part("valence")[row].toarray().ravel()[:2]
        pulls = self.pulls("valence", class_index)
        if negative * pulls[1] > 0.5 and negative > positive:
            return ["negative tone"]
        if positive * pulls[0] > 0.5 and positive > negative:
            return ["warm tone"]
        return []


@lru_cache(maxsize=None)
def head(name: str) -> Head:
    return Head.load(name)
