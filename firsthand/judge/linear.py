"""A linear model over hashed features, stored as its non-zero weights in a small compressed file."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from firsthand.judge.text import featurize, word_features

MODELS = Path(__file__).parent / "models"
# Words too common to explain anything, however much weight the model happens to give them.
STOPWORDS = frozenset(
    "url auser a an the and or but if of to in on at for with from by as is are was were be been am i me my we us our "
    "you your he him his she her it its they them their this that these those there here so too very just not no do "
    "does did have has had will would can could should all any some what which who when where why how like get got "
    "up out about into than then".split()
)


@dataclass
class LinearModel:
    classes: list[str]
    weights: np.ndarray  # (features, classes), float32; one column when there are two classes
    bias: np.ndarray

    @classmethod
    def load(cls, name: str) -> "LinearModel":
        with np.load(MODELS / f"{name}.npz") as data:
            n_features = int(data["n_features"])
            columns = data["bias"].shape[0]
            weights = np.zeros((n_features, columns), dtype=np.float32)
            weights[data["rows"], data["cols"]] = data["values"].astype(np.float32)
            return cls(classes=[str(c) for c in data["classes"]], weights=weights, bias=data["bias"].astype(np.float32))

    @staticmethod
    def save(path: Path, classes, coef: np.ndarray, intercept: np.ndarray, **extra) -> None:
        """coef: (columns, features) as scikit-learn gives it; extra: more arrays kept in the file (judge/heads.py)."""
        weights = np.asarray(coef, dtype=np.float32).T
        rows, cols = np.nonzero(np.abs(weights) > 1e-6)
        np.savez_compressed(
            path,
            classes=np.array(classes),
            n_features=np.array(weights.shape[0]),
            rows=rows.astype(np.int32),
            cols=cols.astype(np.int16),
            values=weights[rows, cols].astype(np.float16),
            bias=np.asarray(intercept, dtype=np.float32),
            **extra,
        )

    def probabilities(self, texts: list[str]) -> tuple[np.ndarray, list[str]]:
        features, clean = featurize(texts)
        return self.probabilities_of(features), clean

    def probabilities_of(self, features) -> np.ndarray:
        """From features already made by text.featurize (the inbox makes them once for several models)."""
        scores = np.asarray(features @ self.weights) + self.bias
        if scores.shape[1] == 1:  # two classes: one logistic column for the second
            positive = 1 / (1 + np.exp(-scores[:, 0]))
            return np.stack([1 - positive, positive], axis=1)
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def drivers(self, clean_text: str, class_index: int, limit: int = 3) -> list[str]:
        """The words of the text that pushed it most towards a class."""
        words = sorted({word.strip(".,;:!?\"'()") for word in clean_text.split()} - {""})
        words = [word for word in words if any(ch.isalpha() for ch in word) and word not in STOPWORDS][:60]
        if not words:
            return []
        binary = self.weights.shape[1] == 1
        column = 0 if binary else class_index
        sign = (1.0 if class_index == 1 else -1.0) if binary else 1.0
        pulls = self.weights[word_features(words), column] * sign
        pull = sorted(zip(pulls.tolist(), words, strict=True), reverse=True)
        # Only words that pushed on their own: a word barely involved ("empty", "wonder" beside "pathetic")
        # is never named, so a reason can be trusted to point at what decided.
        strongest = pull[0][0]
        return [word for value, word in pull[:limit] if value > 0.8 and value >= strongest / 3]
