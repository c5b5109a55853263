"""The featuriser both training and the inbox use, and the inbox's one-pass triage."""

import pytest

from firsthand.judge import judge, rules
from firsthand.judge.judges import triage
from firsthand.judge.text import featurize, normalise, normalise_all, word_features
from firsthand.judge.valence import valence

TWEETS = [
    "@shop my order never arrived, this is a joke!!! https://t.co/x",
    "Are you open on Sunday?",
    "f*ck this, sh1t service\nand a second line",
    "",
    "Loved the bread 😍 thank you",
    "not good at all, not happy",
]


def test_a_word_counts_the_same_wherever_it_stands_in_a_batch():
    alone, _ = featurize(["parcel"])
    together, _ = featurize(["my parcel is late", "no parcel", "nothing here"])
    (index,) = word_features(["parcel"])
    assert alone[0, index] > 0 and together[0, index] > 0 and together[1, index] > 0
    assert together[2, index] == 0


def test_a_batch_gives_each_text_the_features_it_gets_alone():
    batch, _ = featurize(TWEETS)
    for n, text in enumerate(TWEETS):
        alone, _ = featurize([text])
        assert (abs(batch[n] - alone) > 1e-6).nnz == 0, text


def test_normalising_a_batch_is_normalising_each_text():
    assert normalise_all(TWEETS) == [normalise(text.replace("\n", " ")) for text in TWEETS]
    assert normalise_all([]) == []


def test_each_part_is_scaled_to_unit_length_and_empty_text_is_harmless():
    features, _ = featurize(["hello there", ""])
    half = features.shape[1] // 2
    words, chars = features[0, :half], features[0, half:]
    assert words.multiply(words).sum() == pytest.approx(1, abs=1e-5)
    assert chars.multiply(chars).sum() == pytest.approx(1, abs=1e-5)


def test_negation_and_emoji_move_the_valence():
    assert valence("good")[0] > 0 and valence("not good")[1] > 0
    assert valence("😍")[0] > 0 and valence("😢")[1] > 0


def test_triage_gives_the_labels_judge_gives():
    fast = triage(TWEETS)
    for kind in ("offensive", "sentiment", "complaint", "question"):
        assert [row[kind] for row in fast] == [result["label"] for result in judge(kind, TWEETS)], kind
    assert fast[1]["question"] == "question" and fast[0]["complaint"] == "complaint"


def test_cues_hold_words_of_any_script_and_any_case():
    # One RE2 set finds the cues; its own \b and \w know ASCII letters only (judge/rules.py).
    assert rules.score("CAN YOU HELP ME", rules.QUESTION_CUES, rules.QUESTION_BIAS)[0] > 0.5
    assert rules.score("@josé can you help me", rules.QUESTION_CUES, rules.QUESTION_BIAS)[0] > 0.5
    late = [c.reason for c in rules.COMPLAINT_CUES].index("late, cancelled or lost")
    assert rules.COMPLAINT_CUES.found("it came late")[late]
    assert not rules.COMPLAINT_CUES.found("un cafélate por favor")[late]  # "late" inside a word is no word
    assert rules.score("why not, it is sunny!", rules.QUESTION_CUES, rules.QUESTION_BIAS)[0] < 0.5  # rhetorical


def test_valence_is_the_same_whether_its_words_were_read_before_or_not(monkeypatch):
    from firsthand.judge import valence as module

    first = [valence(text) for text in TWEETS + ["not good at all", "isn't it lovely"]]
    again = [valence(text) for text in TWEETS + ["not good at all", "isn't it lovely"]]
    monkeypatch.setattr(module, "CACHE_LIMIT", 2)  # forgetting all the time
    module._read_tokens.clear()
    forgetful = [valence(text) for text in TWEETS + ["not good at all", "isn't it lovely"]]
    assert first == again == forgetful
    assert valence("not good")[1] > 0 and valence("good")[0] > 0  # negation turns it around
