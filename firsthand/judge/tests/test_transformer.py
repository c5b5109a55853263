"""The heavier offensive-language configuration: the fine-tuned MiniLM run by onnxruntime."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sklearn.metrics import f1_score

from conftest import need
from firsthand.judge import judge
from firsthand.judge.cli import run
from firsthand.judge.linear import MODELS
from firsthand.judge.transformer import chosen_model, loaded

DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "tweeteval-offensive"


def test_the_transformer_tells_insults_from_everyday_posts():
    texts = [
        "You are a pathetic idiot and everyone hates you",
        "people from that city are all thieves and scum",
        "Fresh sourdough out of the oven at 7, see you there!",
        "Thanks for the quick answer, the parcel arrived today",
    ]
    results = judge("offensive", texts, "transformer")
    assert [r["label"] for r in results] == ["offensive", "offensive", "ok", "ok"]
    assert all(0.5 <= r["score"] <= 1 for r in results)
    assert results[0]["reasons"]  # the words, or at least what decided


def test_the_choice_comes_from_the_command_line_then_the_setting(monkeypatch):
    monkeypatch.delenv("FIRSTHAND_OFFENSIVE_MODEL", raising=False)
    monkeypatch.delenv("FIRSTHAND_JUDGE_MODEL", raising=False)
    assert chosen_model() == "transformer"  # the accurate configuration is the default
    monkeypatch.setenv("FIRSTHAND_OFFENSIVE_MODEL", "Light")  # the older name still counts
    assert chosen_model() == "light"
    monkeypatch.setenv("FIRSTHAND_JUDGE_MODEL", "Transformer")
    assert chosen_model() == "transformer" and chosen_model("light") == "light"
    monkeypatch.setenv("FIRSTHAND_JUDGE_MODEL", "huge")
    with pytest.raises(ValueError, match="light, transformer"):
        chosen_model()


def test_the_command_line_keeps_the_format_order_and_error_lines_with_the_transformer():
    lines = (
        json.dumps({"id": "a", "text": "shut up you stupid moron"})
        + "\n{broken\n"
        + json.dumps({"id": 3, "text": "See you at the market on Saturday"})
        + "\n"
    )
    out = io.StringIO()
    assert run("offensive", io.StringIO(lines), out, model_choice="transformer") == 0
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in results] == ["a", None, 3]
    assert results[0]["label"] == "offensive" and "error" in results[1] and results[2]["label"] == "ok"


def test_a_wrong_model_choice_is_refused_before_reading_anything(capsys):
    assert run("offensive", io.StringIO(""), io.StringIO(), model_choice="huge") == 2
    assert "light, transformer" in capsys.readouterr().err
    assert run("follower", io.StringIO(""), io.StringIO(), model_choice="transformer") == 2
    assert "follower has one model" in capsys.readouterr().err
    assert run("sentiment", io.StringIO(""), io.StringIO(), model_choice="light") == 0


def test_the_installed_command_takes_model_transformer():
    done = subprocess.run(
        [str(Path(sys.executable).parent / "firsthand"), "judge", "offensive", "--model", "transformer"],
        input=json.dumps({"id": 1, "text": "what a useless bunch of clowns"}) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["label"] == "offensive"


def test_the_committed_figure_is_what_the_model_scores_on_held_out_tweets():
    need(DATA.is_dir(), f"the held-out tweets in {DATA}")
    texts = (DATA / "val_text.txt").read_text(encoding="utf-8").splitlines()
    labels = [int(x) for x in (DATA / "val_labels.txt").read_text().split()]
    predicted = [r["label"] == "offensive" for r in judge("offensive", texts, "transformer")]
    recorded = json.loads((MODELS / "metrics.json").read_text())
    # int8 matrix products round differently on processors with and without AVX-512 VNNI (onnxruntime
    # picks its kernels by CPU): the same model scored 0.7741 on one CI machine and 0.7765 on another.
    assert abs(f1_score(labels, predicted, average="macro") - recorded["offensive_transformer"]["macro_f1"]) < 0.005
    # Worth its weight: clearly better than the light model on the same tweets.
    assert recorded["offensive_transformer"]["macro_f1"] >= recorded["offensive"]["macro_f1"] + 0.03
    assert loaded().threshold == json.loads((MODELS / "offensive_minilm.json").read_text())["threshold"]
