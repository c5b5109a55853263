#!/usr/bin/env python
"""Train firsthand's text models from TweetEval (../shared/data) and write them next to this script's package.

    python -m firsthand.judge.training.train [--data ../shared/data]

offensive: OLID / OffensEval-2019 training tweets; held out: the TweetEval validation split.
sentiment: TweetEval's sentiment "test" split for training (it is the largest given here); held out: its
validation split. Results are written to models/metrics.json. The same data gives the same files.
"""

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, recall_score

from firsthand.judge.linear import MODELS, LinearModel
from firsthand.judge.text import featurize

ROOT = Path(__file__).resolve().parents[3]


def read(folder: Path, split: str):
    texts = (folder / f"{split}_text.txt").read_text(encoding="utf-8").splitlines()
    labels = [int(line) for line in (folder / f"{split}_labels.txt").read_text().split()]
    assert len(texts) == len(labels), f"{folder}/{split}: {len(texts)} texts, {len(labels)} labels"
    return texts, np.array(labels)


def train(texts, labels, C: float):
    features, _ = featurize(texts)
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, solver="lbfgs", tol=1e-6)
    return model.fit(features, labels)


def train_blend(texts, labels):
    """Learn how to weigh the n-gram model against the VADER lexicon, on a fifth the n-gram model did not see."""
    from firsthand.judge.valence import valence_features

    order = np.random.RandomState(0).permutation(len(texts))
    cut = int(len(texts) * 0.8)
    first, second = order[:cut], order[cut:]
    ngrams = train([texts[i] for i in first], labels[first], C=1.0)
    held = [texts[i] for i in second]
    features = np.hstack([np.log(ngrams.predict_proba(featurize(held)[0]) + 1e-6), valence_features(held)])
    return LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000).fit(features, labels[second])


def evaluate(model, texts, labels) -> dict:
    predicted = model.predict(featurize(texts)[0])
    return {
        "macro_f1": round(float(f1_score(labels, predicted, average="macro")), 4),
        "macro_recall": round(float(recall_score(labels, predicted, average="macro")), 4),
        "held_out": len(labels),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=MODELS)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    metrics_path = args.out / "metrics.json"
    # Kept: what other training scripts wrote there (the transformer's figures).
    metrics = json.loads(metrics_path.read_text()) if metrics_path.exists() else {}

    folder = args.data / "tweeteval-offensive"
    texts, labels = read(folder, "train")
    model = train(texts, labels, C=4.0)
    LinearModel.save(args.out / "offensive.npz", ["ok", "offensive"], model.coef_, model.intercept_)
    metrics["offensive"] = evaluate(model, *read(folder, "val")) | {"trained_on": len(labels)}

    folder = args.data / "tweeteval-sentiment"
    texts, labels = read(folder, "test")
    blend = train_blend(texts, labels)
    model = train(texts, labels, C=1.0)
    LinearModel.save(args.out / "sentiment.npz", ["negative", "neutral", "positive"], model.coef_, model.intercept_)
    np.savez(args.out / "sentiment_blend.npz", weights=blend.coef_.T.astype(np.float32), bias=blend.intercept_)
    from firsthand.judge.judges import model as load
    from firsthand.judge.judges import sentiment_probabilities

    load.cache_clear()
    val_texts, val_labels = read(folder, "val")
    predicted = sentiment_probabilities(val_texts).argmax(axis=1)
    metrics["sentiment"] = {
        "macro_f1": round(float(f1_score(val_labels, predicted, average="macro")), 4),
        "macro_recall": round(float(recall_score(val_labels, predicted, average="macro")), 4),
        "held_out": len(val_labels),
        "trained_on": len(labels),
    }

    metrics_path.write_text(json.dumps(metrics, indent=2) + "\n")
    print(json.dumps(metrics))


if __name__ == "__main__":
    main()
