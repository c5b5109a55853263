#!/usr/bin/env python
"""Train every firsthand judgement from ../shared/data and write the model files beside this package.

    python -m firsthand.judge.training.train [--data ../shared/data] [--out firsthand/judge/models]
                                             [--light-only] [--only complaint,question,...]

What each head reads is in judge/heads.py; "light" heads leave the sentence encoder out (the inbox's
fast path), "accurate" heads add it. The encoder itself is made by training/encoder.py and the
fine-tuned offensive transformer by training/transformer.py (both need PyTorch; this needs neither).

    offensive            OLID training tweets; measured on TweetEval's validation split
    sentiment            SemEval-2013…2016 gold sets and the Sanders brand tweets; measured on TweetEval's
                         sentiment validation and test splits (SemEval-2017), which none of it holds; customers'
                         class shares estimated from the airline tweets' texts (training/prior.py), stored as
                         the head's prior shift, and every figure again with it ("customers")
    complaint            the airline complaints; threshold and calibration chosen on predictions for each
                         airline from a head trained on the six others (leave one airline out), which are
                         also the cross-domain figures; Sanders brand tweets measure false alarms elsewhere
    question             tweet acts: questions and requests (what a customer waits to have answered) against
                         statements, expressions, suggestions, threats; threshold from five-fold predictions
    follower             the hand-labelled Instagram followers; five-fold predictions choose the threshold

Figures go to models/metrics.json (the README's model cards quote them). The same data gives the same files.
"""

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, matthews_corrcoef, precision_score, recall_score
from sklearn.model_selection import StratifiedKFold

from firsthand.judge.heads import Features, Head
from firsthand.judge.linear import MODELS, LinearModel
from firsthand.judge.training import prior

ROOT = Path(__file__).resolve().parents[3]
SENTIMENT = ["negative", "neutral", "positive"]
# Tweet acts that ask for an answer: QUE questions, REQ requests ("please send me…", "can you fix…").
ASKS = {"QUE", "REQ"}
LIGHT_SENTIMENT = ("ngrams", "valence")
LIGHT_COMPLAINT = ("ngrams", "valence", "complaint", "question", "complaint_score")
LIGHT_QUESTION = ("ngrams", "question", "question_score")
HEADS = ("offensive", "follower", "sentiment", "complaint", "question")
HEADS += ("sentiment_accurate", "complaint_accurate", "question_accurate")


def read(folder: Path, split: str):
    texts = (folder / f"{split}_text.txt").read_text(encoding="utf-8").splitlines()
    labels = [int(line) for line in (folder / f"{split}_labels.txt").read_text().split()]
    assert len(texts) == len(labels), f"{folder}/{split}: {len(texts)} texts, {len(labels)} labels"
    return texts, np.array(labels)


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def fit(X, y, C: float, tol: float = 1e-6):
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, solver="lbfgs", tol=tol)
    return model.fit(X, y)


def logit(model, X) -> np.ndarray:
    return np.asarray(X @ model.coef_.T).ravel() + model.intercept_[0]


def calibrate(logits: np.ndarray, y: np.ndarray, equal_prior: bool = False) -> tuple[tuple[float, float], float, dict]:
    """Platt scaling and the macro-F1-best threshold, both from predictions on data the head did not see.
    With equal_prior, both classes weigh the same in both (the share of the positive class in that data
    says nothing about the share where the judge is used)."""
    weight = None
    if equal_prior:
        weight = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))
    platt = LogisticRegression(C=1e4, max_iter=1000).fit(logits.reshape(-1, 1), y, sample_weight=weight)
    a, b = float(platt.coef_[0, 0]), float(platt.intercept_[0])
    p = 1 / (1 + np.exp(-(a * logits + b)))
    scored = [
        (f1_score(y, p >= t, average="macro", sample_weight=weight), -abs(t - 0.5), t)
        for t in np.arange(0.2, 0.81, 0.01)
    ]
    f1, _, threshold = max(scored)
    threshold = round(float(threshold), 2)
    predicted = p >= threshold
    return (a, b), threshold, binary_figures(y, predicted)


def binary_figures(y, predicted) -> dict:
    return {
        "macro_f1": round(float(f1_score(y, predicted, average="macro")), 4),
        "recall": round(float(recall_score(y, predicted)), 4),
        "precision": round(float(precision_score(y, predicted, zero_division=0)), 4),
        "items": int(len(y)),
    }


def binary_head(name, features, y, parts, C, folds, out: Path, classes, extra_checks=None) -> dict:
    """Trains on everything; calibration, threshold and the figures come from out-of-fold predictions."""
    X = features.matrix(parts)
    held = np.zeros(len(y))
    for train, test in folds:
        held[test] = logit(fit(X[train], y[train], C), X[test])
    platt, threshold, figures = calibrate(held, y)
    model = fit(X, y, C)
    Head.save(out / f"{name}.npz", classes, model.coef_, model.intercept_, parts, platt, threshold)
    result = {"parts": list(parts), "threshold": threshold, "platt": [round(x, 4) for x in platt]}
    result["held_out"] = figures
    if extra_checks:
        result.update(extra_checks(model, platt, threshold))
    return result


def probability(model, platt, X):
    return 1 / (1 + np.exp(-(platt[0] * logit(model, X) + platt[1])))


def train_offensive(data: Path, out: Path) -> dict:
    folder = data / "tweeteval-offensive"
    texts, labels = read(folder, "train")
    model = fit(Features(texts).matrix(("ngrams",)), labels, C=4.0)
    LinearModel.save(out / "offensive.npz", ["ok", "offensive"], model.coef_, model.intercept_)
    val_texts, val_labels = read(folder, "val")
    predicted = model.predict(Features(val_texts).matrix(("ngrams",)))
    return {
        "macro_f1": round(float(f1_score(val_labels, predicted, average="macro")), 4),
        "macro_recall": round(float(recall_score(val_labels, predicted, average="macro")), 4),
        "held_out": len(val_labels),
        "trained_on": len(labels),
    }


def train_sentiment(data: Path, out: Path, accurate: bool) -> dict:
    semeval = rows(data / "semeval2017-sentiment" / "tweets.csv")
    sanders = rows(data / "sanders-brand-sentiment" / "tweets.csv")
    texts = [row["text"] for row in semeval + sanders]
    labels = np.array([SENTIMENT.index(row["label"]) for row in semeval + sanders])
    parts = (*LIGHT_SENTIMENT, "encoder") if accurate else LIGHT_SENTIMENT
    X = Features(texts).matrix(parts)
    # 50,000 tweets: a looser tolerance takes a minute instead of four and moves no held-out label in 500.
    model = fit(X, labels, C=1.0, tol=1e-4)
    name = "sentiment_accurate" if accurate else "sentiment"
    Head.save(out / f"{name}.npz", SENTIMENT, model.coef_, model.intercept_, parts)
    head = Head.load(str(out / name))  # the figures are the stored head's (float16 weights), as the app reads it
    held, airline, airline_features = sentiment_sets(data, labels[len(semeval) :])
    customers = customer_prior(head, held, airline, airline_features)
    shift = customers["prior_shift"]
    Head.save(out / f"{name}.npz", SENTIMENT, model.coef_, model.intercept_, parts, prior_shift=shift)
    head = Head.load(str(out / name))
    figures = {"parts": list(parts), "trained_on": len(labels)}
    return figures | sentiment_figures(head, held, airline, airline_features, customers)


def sentiment_sets(data: Path, sanders_labels: np.ndarray):
    """TweetEval's held-out splits and the Sanders brand tweets (labelled), and the airline tweets."""
    held = {}
    for split in ("val", "test"):
        held_texts, held_labels = read(data / "tweeteval-sentiment", split)
        held[f"tweeteval_{split}"] = (Features(held_texts), held_labels)
    sanders = rows(data / "sanders-brand-sentiment" / "tweets.csv")
    held["sanders"] = (Features([row["text"] for row in sanders]), sanders_labels)
    airline = rows(data / "airline-complaints" / "tweets.csv")
    return held, airline, Features([row["text"] for row in airline])


def sentiment_figures(head, held: dict, airline: list[dict], airline_features, customers: dict) -> dict:
    """Every figure as trained and again as customers' messages are read (the prior shift, "customers")."""
    figures, shifted = {}, {}
    for key, (features, truth) in held.items():
        for customers_on, into in ((False, figures), (True, shifted)):
            predicted = np.array(head.labels(features, customers=customers_on)[0])
            # Sanders is in the training data: its figure says how the shift reads brand tweets, not how well.
            into[key if key != "sanders" else "sanders_in_domain"] = {
                "accuracy": round(float(accuracy_score(truth, predicted)), 4),
                "macro_f1": round(float(f1_score(truth, predicted, average="macro")), 4),
                "items": len(truth),
            }
    # Out of domain for the training data: customers writing to airlines. A complaint should read negative.
    complaint = np.array([row["label"] == "complaint" for row in airline])
    for customers_on, into in ((False, figures), (True, shifted)):
        predicted = np.array(head.labels(airline_features, customers=customers_on)[0])
        into["airline_complaints_read_negative"] = round(float(np.mean(predicted[complaint] == 0)), 4)
        into["airline_others_read"] = read_as(predicted[~complaint])
    figures["customers"] = customers | shifted
    return figures


def customer_prior(head, held: dict, airline: list[dict], airline_features) -> dict:
    """Customers' class shares, estimated from the airline tweets' texts (their labels only report figures), and
    a leave-one-airline-out check: the shares estimated on six airlines, the seventh's tweets read under them."""
    train_prior = np.full(len(SENTIMENT), 1 / len(SENTIMENT))  # class_weight="balanced": each class weighs a third
    labelled = {key: (head.probabilities(features), truth) for key, (features, truth) in held.items()}
    strength, distances = prior.choose_strength(labelled, train_prior)
    p = head.probabilities(airline_features)
    estimated = prior.estimate(p, train_prior, strength)
    val_p, val_y = labelled["tweeteval_val"]
    result = {
        "data": "the airline tweets' texts (3,360; half of them complaints), without their labels",
        "train_prior": dict(zip(SENTIMENT, train_prior.round(4).tolist(), strict=True)),
        "estimated_prior": dict(zip(SENTIMENT, estimated.round(4).tolist(), strict=True)),
        "plain_em_prior": dict(zip(SENTIMENT, prior.estimate(p, train_prior).round(4).tolist(), strict=True)),
        "prior_shift": prior.shift(estimated, train_prior).round(4).tolist(),
        "dirichlet_strength": strength,
        "strength_chosen_on": "mean L1 distance to the true shares of tweeteval_val, tweeteval_test, sanders",
        "strength_distances": distances,
        "calibration_error_tweeteval_val": round(prior.calibration_error(val_p, val_y, train_prior), 4),
    }
    airlines = np.array([row["airline"] for row in airline])
    complaint = np.array([row["label"] == "complaint" for row in airline])
    scores = np.log(p)
    as_trained = head.read_as_trained(airline_features)  # as the app reads them (heads.Head.scores)
    by_airline = {}
    for name in sorted(set(airlines)):
        mine = airlines == name
        others_prior = prior.estimate(p[~mine], train_prior, strength)
        moved = scores[mine] + prior.shift(others_prior, train_prior) * ~as_trained[mine, None]
        predicted = moved.argmax(axis=1)
        by_airline[name] = {
            "estimated_on_the_others": dict(zip(SENTIMENT, others_prior.round(4).tolist(), strict=True)),
            "complaints_read_negative": round(float(np.mean(predicted[complaint[mine]] == 0)), 4),
            "others_read": read_as(predicted[~complaint[mine]]),
            "items": int(mine.sum()),
        }
    result["leave_one_airline_out"] = by_airline
    return result


def read_as(predicted: np.ndarray) -> dict:
    return {label: round(float(np.mean(predicted == n)), 4) for n, label in enumerate(SENTIMENT)}


def train_complaint(data: Path, out: Path, accurate: bool) -> dict:
    airline = rows(data / "airline-complaints" / "tweets.csv")
    texts = [row["text"] for row in airline]
    y = np.array([row["label"] == "complaint" for row in airline], dtype=int)
    airlines = np.array([row["airline"] for row in airline])
    folds = [(np.flatnonzero(airlines != name), np.flatnonzero(airlines == name)) for name in sorted(set(airlines))]
    parts = (*LIGHT_COMPLAINT, "encoder") if accurate else LIGHT_COMPLAINT
    features = Features(texts)
    sanders = rows(data / "sanders-brand-sentiment" / "tweets.csv")
    sanders_features = Features([row["text"] for row in sanders])
    sanders_labels = np.array([row["label"] for row in sanders])

    def elsewhere(model, platt, threshold):
        # Tweets about Apple, Google, Microsoft and Twitter: the positive and neutral ones are no complaints;
        # the negative ones often are ("my iPhone keeps crashing"), so their share is shown, not scored.
        flagged = probability(model, platt, sanders_features.matrix(parts)) >= threshold
        return {
            "sanders_false_alarms_positive_or_neutral": round(float(flagged[sanders_labels != "negative"].mean()), 4),
            "sanders_negative_flagged": round(float(flagged[sanders_labels == "negative"].mean()), 4),
        }

    name = "complaint_accurate" if accurate else "complaint"
    result = binary_head(name, features, y, parts, 1.0, folds, out, ["other", "complaint"], elsewhere)
    result["held_out"]["data"] = "each airline judged by a head trained on the other six"
    result["trained_on"] = len(y)
    return result


def train_question(data: Path, out: Path, accurate: bool) -> dict:
    acts = rows(data / "tweet-acts" / "tweets.csv")
    texts = [row["text"] for row in acts]
    y = np.array([row["act"] in ASKS for row in acts], dtype=int)
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(texts, y))
    parts = (*LIGHT_QUESTION, "encoder") if accurate else LIGHT_QUESTION
    name = "question_accurate" if accurate else "question"
    result = binary_head(name, Features(texts), y, parts, 1.0, folds, out, ["other", "question"])
    result["held_out"]["data"] = "tweet acts, five-fold"
    result["trained_on"] = len(y)
    return result


def train_follower(data: Path, out: Path) -> dict:
    from firsthand.judge.follower import FEATURES, save, signals

    profiles = rows(data / "instagram-fake-followers" / "profiles.csv")
    X = np.array([signals(instagram_profile(row)) for row in profiles])
    means = X.mean(axis=0)
    X = X - means  # judge_profile reads each signal as its distance from these
    y = np.array([row["label"] == "fake" for row in profiles], dtype=int)
    folds = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    held = np.zeros(len(y))
    for train, test in folds:
        held[test] = logit(fit(X[train], y[train], 1.0), X[test])
    # Instagram influencers' followers are a tenth bought; the followers of an account that bought some
    # can be mostly bought. So fake and real weigh the same when the threshold is chosen.
    platt, threshold, figures = calibrate(held, y, equal_prior=True)
    model = fit(X, y, 1.0)
    save(out / "follower.json", model.coef_[0], float(model.intercept_[0]), platt, threshold, means)
    predicted = 1 / (1 + np.exp(-(platt[0] * held + platt[1]))) >= threshold
    figures["mcc"] = round(float(matthews_corrcoef(y, predicted)), 4)
    figures["data"] = "hand-labelled Instagram followers, five-fold"
    # The one-line rule the old judge was measured against: follows over twenty times as many as follow it.
    ratio = np.array([float(r["following_count"]) > 20 * max(float(r["followers_count"]), 1) for r in profiles])
    return {
        "features": list(FEATURES),
        "threshold": threshold,
        "held_out": figures,
        "follow_ratio_rule_mcc": round(float(matthews_corrcoef(y, ratio)), 4),
        "trained_on": len(y),
    }


def instagram_profile(row: dict) -> dict:
    return {
        "followers_count": int(row["followers_count"]),
        "following_count": int(row["following_count"]),
        "posts_count": int(row["posts_count"]),
        "has_default_avatar": row["has_profile_picture"] != "True",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=MODELS)
    parser.add_argument("--light-only", action="store_true", help="skip the heads that read the sentence encoder")
    parser.add_argument(
        "--only",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        default=list(HEADS),
        help=f"train these heads only, comma-separated (of {', '.join(HEADS)}); metrics.json keeps the others' figures",
    )
    args = parser.parse_args()
    unknown = sorted(set(args.only) - set(HEADS))
    if unknown:
        parser.error(f"no head called {', '.join(unknown)}; the heads are {', '.join(HEADS)}")
    from firsthand.judge import encoder

    encoder.THREADS = 2
    args.out.mkdir(parents=True, exist_ok=True)
    metrics_path = args.out / "metrics.json"
    # Kept: what other training scripts wrote there (the transformer's figures).
    metrics = json.loads(metrics_path.read_text()) if metrics_path.exists() else {}
    metrics.pop("sentiment_blend", None)

    def timed(name, train, *extra):
        if name not in args.only:
            return
        started = time.monotonic()
        metrics[name] = train(args.data, args.out, *extra)
        print(f"{name}: {time.monotonic() - started:.0f} s {json.dumps(metrics[name])}", file=sys.stderr, flush=True)

    timed("offensive", train_offensive)
    timed("follower", train_follower)
    for accurate in (False, True) if not args.light_only else (False,):
        suffix = "_accurate" if accurate else ""
        timed("sentiment" + suffix, train_sentiment, accurate)
        timed("complaint" + suffix, train_complaint, accurate)
        timed("question" + suffix, train_question, accurate)
    metrics_path.write_text(json.dumps(metrics, indent=2) + "\n")
    print(json.dumps(metrics))


if __name__ == "__main__":
    main()
