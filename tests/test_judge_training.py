"""The training script reproduces the committed model files from ../shared/data.

Every head but the two sentiment heads is retrained here and compared with the committed files. The sentiment
heads learn from 50,000 tweets and took ten of this file's fourteen minutes in CI; retraining them is left to the
script (`python -m firsthand.judge.training.train --only sentiment,sentiment_accurate`), and the test below checks
its result instead: the committed files score on TweetEval's held-out tweets exactly what the script recorded.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import need
from firsthand.judge.linear import LinearModel

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
COMMITTED = ROOT / "firsthand" / "judge" / "models"
# Retrained in CI: everything but the sentiment heads (see the docstring).
HEADS = ("offensive", "complaint", "question", "complaint_accurate", "question_accurate")


@pytest.mark.process
def test_training_reproduces_the_committed_models(tmp_path):
    need((DATA / "tweeteval-offensive").is_dir(), f"the training data in {DATA}")
    # One BLAS thread: the solver's sums then come out in the same order every run.
    single = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    subprocess.run(
        [sys.executable, "-m", "firsthand.judge.training.train", "--data", str(DATA), "--out", str(tmp_path)]
        + ["--only", ",".join(HEADS + ("follower",))],
        check=True,
        capture_output=True,
        timeout=1800,
        env={**os.environ, **single},
    )
    # The solver's sums round differently on processors with other vector units: the same code and data on
    # another CI machine moved a few hundred of the 870,000 weights by up to 0.008. So the weights are
    # compared closely but not exactly, and the judgements they make must agree.
    for name in HEADS:
        # load() takes a name under the models folder; an absolute path (without .npz) reads from elsewhere.
        committed, fresh = LinearModel.load(str(COMMITTED / name)), LinearModel.load(str(tmp_path / name))
        assert committed.classes == fresh.classes, name
        # Compared as the weights the model uses, not as the stored sparse pattern: a weight within rounding of
        # the 1e-6 cut-off may be stored in one run and dropped in another without changing any judgement.
        assert committed.weights.shape == fresh.weights.shape, name
        # float16 storage: one step of rounding (about 1e-3 of the value) may differ.
        close = np.isclose(committed.weights, fresh.weights, rtol=2e-3, atol=2e-3)
        largest = np.abs(committed.weights - fresh.weights).max()
        assert close.mean() > 0.999 and largest < 0.05, name
        # The accurate heads also read the sentence encoder, whose int8 kernels in onnxruntime round differently on
        # other processors: on CI's machine complaint_accurate's bias came out 0.019 from the committed one (weights
        # within bounds, judgements in agreement). Their bias is held to what moves no judgement the test below sees.
        bias_tolerance = 5e-2 if name.endswith("_accurate") else 5e-3
        assert np.allclose(committed.bias, fresh.bias, atol=bias_tolerance), name
        with np.load(COMMITTED / f"{name}.npz") as old, np.load(tmp_path / f"{name}.npz") as new:
            for key in ("parts", "threshold", "platt"):
                assert (key in old) == (key in new), (name, key)
            if "threshold" in old:
                assert abs(float(old["threshold"]) - float(new["threshold"])) <= 0.011, name
    committed_follower = json.loads((COMMITTED / "follower.json").read_text())
    fresh_follower = json.loads((tmp_path / "follower.json").read_text())
    assert np.allclose(committed_follower["weights"], fresh_follower["weights"], atol=1e-3)
    assert committed_follower["threshold"] == fresh_follower["threshold"]

    before, now = labels_on_held_out(COMMITTED), labels_on_held_out(tmp_path)
    agreement = {kind: np.mean(np.array(before[kind]) == np.array(now[kind])) for kind in before}
    # Weights within the bounds above still flip a few tweets that sit on a threshold: on this project's CI
    # machine of 2026-12-03 the light complaint head, retrained from the same code and data, disagreed on 16 of
    # the 2,000 held-out tweets (0.992) with every weight check passing. One in a hundred is the bound.
    assert min(agreement.values()) >= 0.99, agreement
    committed_metrics = json.loads((COMMITTED / "metrics.json").read_text())
    fresh_metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert abs(committed_metrics["offensive"]["macro_f1"] - fresh_metrics["offensive"]["macro_f1"]) < 0.005
    for kind in ("complaint", "question", "complaint_accurate", "question_accurate", "follower"):
        assert abs(committed_metrics[kind]["held_out"]["macro_f1"] - fresh_metrics[kind]["held_out"]["macro_f1"]) < 0.01


def labels_on_held_out(folder: Path) -> dict:
    """The label each head file in `folder` gives TweetEval's held-out tweets."""
    from firsthand.judge.heads import Features, Head

    texts = (DATA / "tweeteval-sentiment" / "val_text.txt").read_text(encoding="utf-8").splitlines()
    features = Features(texts)
    labels = {}
    for name in HEADS:
        head = Head.load(str(folder / name))
        labels[name] = head.labels(features)[0]
    return labels


def test_the_sentiment_heads_score_what_the_training_script_recorded():
    """The result of the sentiment training the CI run does not repeat: each committed head's accuracy on held-out
    tweets, computed here, is the figure metrics.json (written by the training script) gives it."""
    need((DATA / "tweeteval-sentiment").is_dir(), f"the training data in {DATA}")
    from firsthand.judge.heads import Features, Head

    recorded = json.loads((COMMITTED / "metrics.json").read_text())
    for split in ("val", "test"):
        folder = DATA / "tweeteval-sentiment"
        texts = (folder / f"{split}_text.txt").read_text(encoding="utf-8").splitlines()
        truth = np.array([int(x) for x in (folder / f"{split}_labels.txt").read_text().split()])
        features = Features(texts)
        for name in ("sentiment", "sentiment_accurate"):
            predicted = np.array(Head.load(name).labels(features)[0])
            accuracy = float(np.mean(predicted == truth))
            # The accurate head reads the int8 sentence encoder, whose sums round differently on other processors.
            assert abs(accuracy - recorded[name][f"tweeteval_{split}"]["accuracy"]) < 0.003, (name, split, accuracy)
            # And as customers' messages are read: with the prior shift stored in the file.
            shifted = np.array(Head.load(name).labels(features, customers=True)[0])
            accuracy = float(np.mean(shifted == truth))
            recorded_shifted = recorded[name]["customers"][f"tweeteval_{split}"]["accuracy"]
            assert abs(accuracy - recorded_shifted) < 0.003, (name, split, "customers", accuracy)
