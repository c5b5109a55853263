from functools import lru_cache, partial

import numpy as np

from firsthand.judge import rules, transformer
from firsthand.judge.follower import judge_profile
from firsthand.judge.linear import MODELS, LinearModel
from firsthand.judge.text import featurize, readable
from firsthand.judge.valence import valence_features

TEXT_KINDS = ("offensive", "sentiment", "complaint", "question")
KINDS = (*TEXT_KINDS, "follower")
MAX_TEXT = 10_000


@lru_cache(maxsize=None)
def model(name: str) -> LinearModel:
    return LinearModel.load(name)


def text_of(item) -> str:
    text = item.get("text") if isinstance(item, dict) else item
    if not isinstance(text, str):
        raise ValueError('needs a "text" string')
    return readable(text)[:MAX_TEXT]


def judge(kind: str, items: list, model_choice: str | None = None) -> list[dict]:
    """One result per item, in order. model_choice (offensive only): "light" or "transformer"; by default
    FIRSTHAND_OFFENSIVE_MODEL, else light (see judge/transformer.py)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    if kind == "follower":
        return [guarded(judge_profile, item) for item in items]
    texts, results = [], [None] * len(items)
    for n, item in enumerate(items):
        try:
            texts.append((n, text_of(item)))
        except ValueError as error:
            results[n] = {"error": str(error)}
    judging = partial(offensive, model_choice=model_choice) if kind == "offensive" else JUDGES[kind]
    judged = judging([text for _, text in texts]) if texts else []
    for (n, _), result in zip(texts, judged, strict=True):
        results[n] = result
    return results


def guarded(function, item):
    if not isinstance(item, dict):
        return {"error": "needs an object"}
    try:
        return function(item)
    except ValueError as error:
        return {"error": str(error)}


def offensive(texts: list[str], model_choice: str | None = None) -> list[dict]:
    offensive_model = model("offensive")
    probabilities, clean = offensive_model.probabilities(texts)
    p_offensive = probabilities[:, 1]
    heavy = transformer.chosen_model(model_choice) == "transformer"
    if heavy:  # the transformer decides; the n-gram model names the words (the transformer cannot, cheaply)
        p_offensive = transformer.loaded().scores(texts)
    results = []
    for text, cleaned, p in zip(texts, clean, p_offensive, strict=True):
        label = "offensive" if p >= 0.5 else "ok"
        reasons = [f"“{word}”" for word in offensive_model.drivers(cleaned, 1 if label == "offensive" else 0)]
        if label == "offensive" and cleaned != normalise_plain(text):
            reasons.append("disguised spelling")
        if heavy and label == "offensive" and not reasons:
            reasons.append("the tone of the whole text")
        results.append(
            {"label": label, "score": round(float(p if label == "offensive" else 1 - p), 4), "reasons": reasons}
        )
    return results


def normalise_plain(text: str) -> str:
    """The text normalised without unmasking, to tell whether unmasking changed anything."""
    from firsthand.judge.text import MENTION, MENTIONS, SQUEEZE, URLS

    text = URLS.sub(" URL ", text or "")
    return SQUEEZE.sub(r"\1\1", MENTIONS.sub(MENTION, text).lower())


@lru_cache(maxsize=1)
def blend():
    with np.load(MODELS / "sentiment_blend.npz") as data:
        return data["weights"], data["bias"]


def triage(texts: list[str]) -> list[dict[str, str]]:
    """The four text labels of each text, as judge() gives them, without reasons: what the inbox files
    every incoming message by. The text is featurised once for both n-gram models, the lexicon read
    once for sentiment and complaint, which makes it several times faster than four judge() calls."""
    texts = [readable(text)[:MAX_TEXT] for text in texts]
    if not texts:
        return []
    features, _ = featurize(texts)
    offensive_p = model("offensive").probabilities_of(features)[:, 1]
    sentiment_model = model("sentiment")
    feelings = sentiment_probabilities(texts, sentiment_model.probabilities_of(features))
    return [
        {
            "offensive": "offensive" if p_offensive >= 0.5 else "ok",
            "sentiment": sentiment_model.classes[int(feeling.argmax())],
            "complaint": "complaint" if complaint_score(text, float(feeling[0]))[0] >= 0.5 else "other",
            "question": "question"
            if rules.score(text, rules.QUESTION_CUES, rules.QUESTION_BIAS)[0] >= 0.5
            else "other",
        }
        for text, p_offensive, feeling in zip(texts, offensive_p, feelings, strict=True)
    ]


def sentiment_probabilities(texts: list[str], ngram_probabilities=None) -> np.ndarray:
    """The n-gram model's view and the VADER lexicon's (judge/valence.py), weighed by a small model trained for it."""
    if ngram_probabilities is None:
        ngram_probabilities, _ = model("sentiment").probabilities(texts)
    weights, bias = blend()
    scores = np.hstack([np.log(ngram_probabilities + 1e-6), valence_features(texts)]) @ weights + bias
    scores -= scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return exp / exp.sum(axis=1, keepdims=True)


def sentiment(texts: list[str]) -> list[dict]:
    sentiment_model = model("sentiment")
    ngram, clean = sentiment_model.probabilities(texts)
    probabilities = sentiment_probabilities(texts, ngram)
    results = []
    for cleaned, row in zip(clean, probabilities, strict=True):
        best = int(row.argmax())
        reasons = [f"“{word}”" for word in sentiment_model.drivers(cleaned, best)] if best != 1 else []
        results.append(
            {"label": sentiment_model.classes[best], "score": round(float(row[best]), 4), "reasons": reasons}
        )
    return results


def complaint(texts: list[str]) -> list[dict]:
    negative = sentiment_probabilities(texts)
    results = []
    for text, p_negative in zip(texts, negative[:, 0], strict=True):
        p, reasons = complaint_score(text, float(p_negative))
        label = "complaint" if p >= 0.5 else "other"
        results.append(
            {
                "label": label,
                "score": round(p if label == "complaint" else 1 - p, 4),
                "reasons": reasons if label == "complaint" else [],
            }
        )
    return results


def complaint_score(text: str, p_negative: float) -> tuple[float, list[str]]:
    # A complaint says an expectation was breached; a negative tone is supporting evidence only.
    p, reasons = rules.score(text, rules.COMPLAINT_CUES, rules.COMPLAINT_BIAS + 1.5 * (p_negative - 0.35))
    if p_negative > 0.6 and reasons:
        reasons.append("negative tone")
    return p, reasons


def question(texts: list[str]) -> list[dict]:
    results = []
    for text in texts:
        p, reasons = rules.score(text, rules.QUESTION_CUES, rules.QUESTION_BIAS)
        label = "question" if p >= 0.5 else "other"
        results.append(
            {
                "label": label,
                "score": round(p if label == "question" else 1 - p, 4),
                "reasons": reasons if label == "question" else [],
            }
        )
    return results


JUDGES = {"offensive": offensive, "sentiment": sentiment, "complaint": complaint, "question": question}
