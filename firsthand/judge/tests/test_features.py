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


# Texts that end and start so that a pattern reaching across two texts of a batch would match.
BOUNDARIES = ["can", "you help me", "no", "show", "why not", "ok!", "lol", "wow, ok", "gluten", "free?", "\0do you"]


def test_cues_searched_across_a_batch_match_each_text_as_alone():
    texts = TWEETS + BOUNDARIES + [text.upper() for text in TWEETS]
    cues = rules.QUESTION_CUES + rules.COMPLAINT_CUES
    found = rules.hits(texts, [c.pattern for c in cues])
    for text, row in zip(texts, found, strict=True):
        assert row.tolist() == [bool(c.pattern.search(rules.lowered(text))) for c in cues], text
    # "can" + "you help me" would read as 'starts like a question' if the search ran across them.
    assert [judge["question"] for judge in triage(["can", "you help me"])] == ["other", "other"]
    assert triage(["CAN YOU HELP ME"])[0]["question"] == "question"  # matched however it is written
