from functools import lru_cache, partial

import numpy as np

from firsthand.judge import rules, transformer
from firsthand.judge.follower import judge_profiles
from firsthand.judge.heads import Features, head
from firsthand.judge.linear import LinearModel
from firsthand.judge.text import readable

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


def judge(kind: str, items: list, model_choice: str | None = None, *, customers: bool = True) -> list[dict]:
    """One result per item, in order. model_choice: "light" or "transformer" (the accurate configuration);
    by default FIRSTHAND_JUDGE_MODEL, else transformer (see judge/transformer.py). customers: the texts are
    customers writing to the business (the inbox, the CLI), so sentiment reads them under customers' class
    shares, mostly negative (see sentiment()); False for anything else, such as the team's own answers."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    if kind == "follower":
        return judge_profiles(items)
    texts, results = [], [None] * len(items)
    for n, item in enumerate(items):
        try:
            texts.append((n, text_of(item)))
        except ValueError as error:
            results[n] = {"error": str(error)}
    accurate = transformer.chosen_model(model_choice) == "transformer"
    judging = partial(JUDGES[kind], accurate=accurate)
    if kind == "sentiment":
        judging = partial(judging, customers=customers)
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


def offensive(texts: list[str], accurate: bool = False) -> list[dict]:
    offensive_model = model("offensive")
    probabilities, clean = offensive_model.probabilities(texts)
    p_offensive = probabilities[:, 1]
    if accurate:  # the transformer decides; the n-gram model names the words (the transformer cannot, cheaply)
        p_offensive = transformer.loaded().scores(texts)
    results = []
    for text, cleaned, p in zip(texts, clean, p_offensive, strict=True):
        label = "offensive" if p >= 0.5 else "ok"
        reasons = []
        if label == "offensive":  # an "ok" needs no words to defend it
            reasons = [f"“{word}”" for word in offensive_model.drivers(cleaned, 1)]
            if cleaned != normalise_plain(text):
                reasons.append("disguised spelling")
            if accurate and not reasons:
                reasons.append("the tone of the whole text")
        results.append(
            {"label": label, "score": round(float(p if label == "offensive" else 1 - p), 4), "reasons": reasons}
        )
    return results


def normalise_plain(text: str) -> str:
    """The text normalised without unmasking, to tell whether unmasking changed anything."""
    from firsthand.judge.text import MENTION, MENTIONS, SQUEEZE, URLS

    text = URLS.sub(" URL ", readable(text))
    return SQUEEZE.sub(r"\1\1", MENTIONS.sub(MENTION, text).lower())


def for_customers() -> bool:
    """Whether customers' messages are read under customers' class shares: FIRSTHAND_SENTIMENT_PRIOR, "customers"
    (the default) or "trained" (the heads as trained: for a business whose inbox is mostly thanks)."""
    import os

    setting = (os.environ.get("FIRSTHAND_SENTIMENT_PRIOR") or "customers").strip().lower()
    if setting not in ("customers", "trained"):
        raise ValueError(f"FIRSTHAND_SENTIMENT_PRIOR must be customers or trained, not {setting!r}")
    return setting == "customers"


def head_of(kind: str, accurate: bool):
    return head(f"{kind}_accurate" if accurate else kind)


def triage(texts: list[str], accurate: bool = False) -> list[dict[str, str]]:
    """The four text labels of each text, as judge() gives them, without reasons: what the inbox files
    every incoming message by. Every part of the features is made once for all the heads (one
    featurisation, one lexicon reading, one pass of each cue set; with accurate, one encoder run), which
    makes it several times faster than four judge() calls. The light heads keep filing at thousands of
    messages a second; the accurate ones relabel in the background (inbox/relabel.py)."""
    texts = [readable(text)[:MAX_TEXT] for text in texts]
    if not texts:
        return []
    features = Features(texts)
    if accurate:
        offensive_p = transformer.loaded().scores(texts)
    else:
        offensive_p = model("offensive").probabilities_of(features.part("ngrams"))[:, 1]
    labelled = {}
    # Every text the inbox files is a customer's: sentiment reads it under customers' class shares (the other
    # heads carry no shift).
    customers = for_customers()
    for kind in ("sentiment", "complaint", "question"):
        chosen = head_of(kind, accurate)
        labelled[kind] = [chosen.classes[n] for n in chosen.labels(features, customers=customers)[0]]
    for n, (written, asks_nothing) in enumerate(zip(written_question(features), rhetorical(features), strict=True)):
        if asks_nothing:
            labelled["question"][n] = "other"
        elif written >= 0.5:
            labelled["question"][n] = "question"
    return [
        {
            "offensive": "offensive" if p >= 0.5 else "ok",
            "sentiment": labelled["sentiment"][n],
            "complaint": labelled["complaint"][n],
            "question": labelled["question"][n],
        }
        for n, p in enumerate(offensive_p)
    ]


def sentiment(texts: list[str], accurate: bool = False, customers: bool = True) -> list[dict]:
    """With customers (the default), the head's scores carry its prior shift: customers who write to a business
    mostly write because something went wrong, which the head, trained on tweets about anything with the classes
    weighed equally, would otherwise read as neutral (training/prior.py; the README's model card).
    FIRSTHAND_SENTIMENT_PRIOR=trained turns it off everywhere (for_customers)."""
    chosen = head_of("sentiment", accurate)
    features = Features(texts)
    best, probabilities = chosen.labels(features, customers=customers and for_customers())
    clean = features.cleaned()
    results = []
    for row, (n, p) in enumerate(zip(best, probabilities, strict=True)):
        label = chosen.classes[n]
        reasons = []
        if label != "neutral":  # neutral is the absence of a pull: no words to name
            reasons = chosen.word_reasons(clean[row], n) + chosen.tone_reason(features, row, n)
        results.append({"label": label, "score": round(float(p[n]), 4), "reasons": reasons})
    return results


def written_question(features: Features) -> list[float]:
    """The written question cues' own verdict (rules.py). The question head learned from tweets about the
    news, which ask with a question mark; customers on a phone write "do you have gluten free bread" and
    "is the cafe dog friendly". Either saying question makes it one: the cues are written for that."""
    matched = features.part("question").toarray().astype(bool)
    return [rules.score_of(list(row), rules.QUESTION_CUES, rules.QUESTION_BIAS)[0] for row in matched]


def rhetorical(features: Features) -> np.ndarray:
    """Whether a written rhetorical cue matched ("why would you do that?", "how lovely is this"): no answer is
    waited for, whatever the head learned of question marks."""
    return features.part("question").toarray()[:, rules.RHETORICAL].astype(bool)


def binary(kind: str, texts: list[str], accurate: bool) -> list[dict]:
    chosen = head_of(kind, accurate)
    features = Features(texts)
    decided, probabilities = chosen.labels(features)
    probabilities = probabilities[:, 1]
    if kind == "question":
        written = np.array(written_question(features))
        decided = [1 if w >= 0.5 else n for n, w in zip(decided, written, strict=True)]
        probabilities = np.where(written >= 0.5, np.maximum(probabilities, written), probabilities)
        asks_nothing = rhetorical(features)
        decided = [0 if no else n for n, no in zip(decided, asks_nothing, strict=True)]
        probabilities = np.where(asks_nothing, np.minimum(probabilities, written), probabilities)
    clean = features.cleaned()
    results = []
    for row, (n, p) in enumerate(zip(decided, probabilities, strict=True)):
        reasons = []
        if n == 1:  # "other" is the absence of evidence: nothing to name
            reasons = chosen.cue_reasons(features, row, 1, kind) + chosen.tone_reason(features, row, 1)
            reasons += chosen.word_reasons(clean[row], 1, limit=2)
            if kind == "question":
                found = features.part("question")[row].toarray().ravel().astype(bool)
                written_reasons = rules.score_of(list(found), rules.QUESTION_CUES, rules.QUESTION_BIAS)[1]
                reasons = list(dict.fromkeys(written_reasons + reasons))
            if not reasons:  # the sentence encoder decided: no single word or cue did
                reasons = [f"reads as a {kind} as a whole"]
        results.append({"label": chosen.classes[n], "score": round(float(p if n else 1 - p), 4), "reasons": reasons})
    return results


JUDGES = {
    "offensive": offensive,
    "sentiment": sentiment,
    "complaint": partial(binary, "complaint"),
    "question": partial(binary, "question"),
}
