"""The share of negative, neutral and positive among customers writing to a business, from their texts alone.

The sentiment heads learn from tweets about anything (SemEval), with the classes weighed equally
(class_weight="balanced"), so their probabilities answer as if a third of all texts were negative. Customers who
write to a business mostly write because something went wrong: on customer tweets to brands the head leaned
neutral and scored below always answering "negative". Saerens, Latinne & Decaestecker (2002) re-estimate the class
prior of new, unlabelled data by EM over the head's own probabilities; adding log(new prior / training prior) to
the head's scores then gives the probabilities under that prior (heads.Head.prior_shift).

Plain EM trusts the probabilities completely, and a change of domain is more than a change of prior: on the
airline tweets it drove the neutral share to 0 % (85 % negative, 15 % positive), on the Sanders brand tweets to
84 % neutral against a true 66 %. So the estimate is the maximum a posteriori one under a Dirichlet prior of
`strength` × texts pseudo-counts spread as the training prior, and the strength is the one that best recovers
the known class shares of the labelled sets we have (TweetEval's validation and test splits, Sanders), none of them
customers' messages: chosen without looking at any label of the texts the estimate is made for.
"""

import numpy as np

STRENGTHS = (0.0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3)


def estimate(p: np.ndarray, train_prior: np.ndarray, strength: float = 0.0, steps: int = 2000) -> np.ndarray:
    """The class prior of the texts whose probabilities (texts, classes) under train_prior are p."""
    prior, pseudo = train_prior.astype(np.float64), strength * len(p) * len(train_prior) * train_prior
    for _ in range(steps):
        weighted = p * (prior / train_prior)
        weighted /= weighted.sum(axis=1, keepdims=True)
        new = (weighted.sum(axis=0) + pseudo) / (len(p) + pseudo.sum())
        if np.abs(new - prior).max() < 1e-9:
            return new
        prior = new
    return prior


def shift(prior: np.ndarray, train_prior: np.ndarray) -> np.ndarray:
    return np.log(prior / train_prior)


def shares(labels: np.ndarray, classes: int) -> np.ndarray:
    return np.bincount(labels, minlength=classes) / len(labels)


def choose_strength(labelled: dict[str, tuple[np.ndarray, np.ndarray]], train_prior: np.ndarray) -> tuple[float, dict]:
    """The strength whose estimates are closest (mean L1 distance) to the true shares of the labelled sets, and
    each strength's distances, for the record."""
    distances = {}
    for strength in STRENGTHS:
        distances[strength] = {
            name: round(float(np.abs(estimate(p, train_prior, strength) - shares(y, len(train_prior))).sum()), 4)
            for name, (p, y) in labelled.items()
        }
    best = min(STRENGTHS, key=lambda s: (np.mean(list(distances[s].values())), s))
    return best, {str(s): d for s, d in distances.items()}


def calibration_error(p: np.ndarray, y: np.ndarray, train_prior: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error of the most likely class, after moving p to the true prior of y: whether the
    probabilities are good enough for EM, which takes them at their word."""
    true = shares(y, p.shape[1])
    moved = p * (true / train_prior)
    moved /= moved.sum(axis=1, keepdims=True)
    confidence, correct = moved.max(axis=1), moved.argmax(axis=1) == y
    edges = np.linspace(1 / p.shape[1], 1, bins + 1)
    which = np.clip(np.digitize(confidence, edges) - 1, 0, bins - 1)
    return float(
        sum(
            (which == b).mean() * abs(confidence[which == b].mean() - correct[which == b].mean())
            for b in range(bins)
            if (which == b).any()
        )
    )
