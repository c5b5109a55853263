"""The training script reproduces the committed model files from ../shared/data."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import need

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
COMMITTED = ROOT / "firsthand" / "judge" / "models"


@pytest.mark.process
def test_training_reproduces_the_committed_models(tmp_path):
    need((DATA / "tweeteval-offensive").is_dir(), f"the training data in {DATA}")
    subprocess.run(
        [sys.executable, "-m", "firsthand.judge.training.train", "--data", str(DATA), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=900,
    )
    for name in ("offensive.npz", "sentiment.npz"):
        with np.load(COMMITTED / name) as committed, np.load(tmp_path / name) as fresh:
            assert list(committed["classes"]) == list(fresh["classes"])
            assert np.array_equal(committed["rows"], fresh["rows"]) and np.array_equal(committed["cols"], fresh["cols"])
            # float16 weights: equal but for the last bit of rounding
            assert np.allclose(committed["values"].astype(np.float32), fresh["values"].astype(np.float32), atol=2e-3)
    with np.load(COMMITTED / "sentiment_blend.npz") as committed, np.load(tmp_path / "sentiment_blend.npz") as fresh:
        assert np.allclose(committed["weights"], fresh["weights"], atol=1e-3)
    committed_metrics = json.loads((COMMITTED / "metrics.json").read_text())
    fresh_metrics = json.loads((tmp_path / "metrics.json").read_text())
    for kind in ("offensive", "sentiment"):
        assert abs(committed_metrics[kind]["macro_f1"] - fresh_metrics[kind]["macro_f1"]) < 0.005
