"""The sentiment heads' prior shift: customers writing to a business are read under their own class shares.

The shift is estimated by training/prior.py and stored in the head's file; `customers=True` adds it to the scores.
"""

import numpy as np
import pytest

from firsthand.judge import judge
from firsthand.judge.heads import Features, Head
from firsthand.judge.training import prior

TEXTS = ["what a lovely day", "the parcel never came and nobody answers", "open at nine", ""]
# Written for this test: a customer's complaint in plain words, without a swear word, an exclamation or a
# negative word the lexicon knows. The light head as trained reads it neutral; for customers, negative.
TRACKING = "@shop my order was supposed to arrive on monday, it is now thursday and the tracking has not moved"


def small_head(tmp_path, **shift) -> Head:
    """A three-class head over the lexicon's four numbers only: small enough to write in a test."""
    coef = np.array([[-1.0, 2.0, 0.5, 0.0], [0.0, -0.5, -0.5, 0.1], [2.0, -1.0, 0.0, 0.3]])
    Head.save(tmp_path / "tiny.npz", ["negative", "neutral", "positive"], coef, np.zeros(3), ("valence",), **shift)
    return Head.load(str(tmp_path / "tiny"))


def test_a_head_file_without_a_shift_loads_and_reads_the_same_for_customers(tmp_path):
    old = small_head(tmp_path)
    with np.load(tmp_path / "tiny.npz") as data:
        assert "prior_shift" not in data
    assert old.prior_shift is None
    features = Features(TEXTS)
    assert np.array_equal(old.probabilities(features, customers=True), old.probabilities(features))


def test_a_zero_shift_reads_exactly_as_no_shift(tmp_path):
    features = Features(TEXTS)
    before = small_head(tmp_path).probabilities(features)
    zero = small_head(tmp_path, prior_shift=np.zeros(3))
    assert np.array_equal(zero.prior_shift, np.zeros(3))
    assert np.array_equal(zero.probabilities(features, customers=True), before)


def test_a_stored_shift_moves_the_probabilities_by_the_prior_ratio_for_customers_only(tmp_path):
    features = Features(TEXTS)
    before = small_head(tmp_path).probabilities(features)
    shift = np.log(np.array([0.6, 0.2, 0.2]) / (1 / 3))
    shifted = small_head(tmp_path, prior_shift=shift)
    assert np.allclose(shifted.prior_shift, shift)
    assert np.array_equal(shifted.probabilities(features), before)  # not asked for customers: as trained
    expected = before * np.exp(shift)
    expected /= expected.sum(axis=1, keepdims=True)
    # Left as trained: the empty text and the one whose only lexicon word is warm ("lovely").
    left = shifted.read_as_trained(features)
    assert left.tolist() == [True, False, False, True]
    expected[left] = before[left]
    assert np.allclose(shifted.probabilities(features, customers=True), expected, atol=1e-6)


@pytest.mark.parametrize("model_choice", ["light", "transformer"])
def test_thanks_and_an_empty_message_are_not_read_negative_for_being_from_a_customer(model_choice):
    texts = ["", "thanks", "😍"]
    assert [r["label"] for r in judge("sentiment", texts, model_choice)] == [
        r["label"] for r in judge("sentiment", texts, model_choice, customers=False)
    ]
    assert "negative" not in [r["label"] for r in judge("sentiment", texts, model_choice)]


def test_em_recovers_a_known_prior_from_calibrated_probabilities():
    rng = np.random.default_rng(0)
    truth = np.array([0.7, 0.2, 0.1])
    labels = rng.choice(3, size=20_000, p=truth)
    # Texts drawn as points around one corner per class, with unit noise: under equal shares the exact class
    # probabilities are then softmax(2 x) (Gaussian likelihoods), calibrated as EM needs them.
    x = 2.0 * np.eye(3)[labels] + rng.normal(size=(len(labels), 3))
    p = np.exp(2 * x) / np.exp(2 * x).sum(axis=1, keepdims=True)
    equal = np.full(3, 1 / 3)
    assert np.abs(prior.estimate(p, equal) - truth).max() < 0.02  # sampling error of 20,000 draws: about 0.005
    # A strong Dirichlet pull keeps the estimate towards the training shares.
    pulled = prior.estimate(p, equal, strength=1.0)
    assert np.all(np.abs(pulled - equal) < np.abs(prior.estimate(p, equal) - equal))


@pytest.mark.parametrize("name", ["sentiment", "sentiment_accurate"])
def test_the_committed_sentiment_heads_carry_a_shift_towards_negative(name):
    shift = Head.load(name).prior_shift
    assert shift is not None and shift.shape == (3,)
    assert shift[0] > 0 > shift[1]  # customers write more negative and less neutral than equal shares


@pytest.mark.parametrize("model_choice", ["light", "transformer"])
def test_a_plain_customer_complaint_reads_negative(model_choice):
    assert judge("sentiment", [TRACKING], model_choice)[0]["label"] == "negative"


def test_the_shift_is_what_makes_the_plain_complaint_negative():
    assert judge("sentiment", [TRACKING], "light", customers=False)[0]["label"] == "neutral"


@pytest.mark.parametrize("model_choice", ["light", "transformer"])
def test_for_anyone_but_customers_sentiment_reads_as_trained(model_choice):
    name = "sentiment_accurate" if model_choice == "transformer" else "sentiment"
    head = Head.load(name)
    features = Features(TEXTS)
    unshifted = judge("sentiment", TEXTS, model_choice, customers=False)
    assert [r["label"] for r in unshifted] == [head.classes[n] for n in head.labels(features)[0]]
    customers = judge("sentiment", TEXTS, model_choice)
    assert [r["label"] for r in customers] == [head.classes[n] for n in head.labels(features, customers=True)[0]]


def test_the_setting_trained_reads_customers_as_trained_everywhere(monkeypatch):
    from firsthand.judge.judges import triage

    head = Head.load("sentiment")
    as_trained = [head.classes[n] for n in head.labels(Features([TRACKING]))[0]]
    monkeypatch.setenv("FIRSTHAND_SENTIMENT_PRIOR", "Trained")
    assert [r["label"] for r in judge("sentiment", [TRACKING], "light")] == as_trained == ["neutral"]
    assert triage([TRACKING])[0]["sentiment"] == "neutral"
    monkeypatch.setenv("FIRSTHAND_SENTIMENT_PRIOR", "customers")
    assert triage([TRACKING])[0]["sentiment"] == "negative"
    monkeypatch.setenv("FIRSTHAND_SENTIMENT_PRIOR", "sometimes")
    with pytest.raises(ValueError, match="customers or trained"):
        judge("sentiment", [TRACKING], "light")
