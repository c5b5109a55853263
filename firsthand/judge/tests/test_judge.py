"""The judgement API and command line: format, order, errors, and behaviour on texts people write."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from firsthand.judge import KINDS, judge
from firsthand.judge.cli import run
from firsthand.judge.text import normalise


def cli(kind, lines: str):
    out = io.StringIO()
    code = run(kind, io.StringIO(lines), out)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_every_kind_answers_in_order_with_label_score_and_reasons():
    samples = {
        "offensive": ["you absolute f*cking idiot", "Fresh bread at 7"],
        "sentiment": ["I love this bakery!", "Worst coffee I've ever had"],
        "complaint": ["My order never arrived and nobody answers the phone", "Thanks, see you tomorrow"],
        "question": ["Are you open on Sunday?", "Great croissants"],
    }
    allowed = {
        "offensive": {"offensive", "ok"},
        "sentiment": {"negative", "neutral", "positive"},
        "complaint": {"complaint", "other"},
        "question": {"question", "other"},
    }
    for kind, texts in samples.items():
        lines = "".join(json.dumps({"id": n, "text": text}) + "\n" for n, text in enumerate(texts))
        code, results = cli(kind, lines)
        assert code == 0
        assert [r["id"] for r in results] == [0, 1]
        for result in results:
            assert (
                result["label"] in allowed[kind] and 0 <= result["score"] <= 1 and isinstance(result["reasons"], list)
            )


@pytest.mark.parametrize(
    "kind,text,label",
    [
        ("offensive", "you absolute f*cking idiot", "offensive"),
        ("offensive", "a$$hole", "offensive"),
        ("offensive", "Lovely sourdough this morning, thank you!", "ok"),
        ("sentiment", "I love this bakery!", "positive"),
        ("sentiment", "Worst coffee I've ever had", "negative"),
        ("complaint", "Waited 40 minutes for a cold pizza. Unacceptable.", "complaint"),
        ("complaint", "I was charged twice for one order", "complaint"),
        ("complaint", "So sad it's Monday again", "other"),  # negative, but no broken expectation
        ("complaint", "Best cake in town, thank you!", "other"),
        ("question", "Do you have gluten free bread", "question"),
        ("question", "anyone know if they deliver to Leith", "question"),
        ("question", "¿Abren el domingo?", "question"),
        ("question", "What a lovely day!", "other"),
        ("question", "Great croissants", "other"),
    ],
)
def test_judgements_on_everyday_messages(kind, text, label):
    assert judge(kind, [text])[0]["label"] == label


def test_reasons_name_the_words_that_decided():
    result = judge("offensive", ["what a stupid idiot"])[0]
    assert any("idiot" in reason or "stupid" in reason for reason in result["reasons"])
    complaint = judge("complaint", ["My parcel never arrived"])[0]
    assert "something expected did not happen" in complaint["reasons"]


@pytest.mark.parametrize(
    "written,unmasked",
    [("f*ck", "fuck"), ("f**king", "fucking"), ("sh1t", "shit"), ("a$$", "ass"), ("b!tch", "bitch"), ("sh#t", "shit")],
)
def test_disguised_spelling_is_unmasked_before_judging(written, unmasked):
    assert unmasked in normalise(f"what a {written} day")


def test_bad_lines_get_an_error_line_and_the_run_goes_on():
    lines = '{"id": 1, "text": "ok"}\nnot json\n{"id": 2, "text": 5}\n[1, 2]\n{"id": 3, "text": "fine"}\n'
    code, results = cli("sentiment", lines)
    assert code == 0
    assert [r.get("id") for r in results] == [1, None, 2, None, 3]
    assert "error" in results[1] and "not JSON" in results[1]["error"]
    assert results[2]["error"] == 'needs a "text" string'
    assert "label" in results[4]


def test_unknown_kind_is_refused():
    assert run("mood", io.StringIO(""), io.StringIO()) == 2


FAKE = {
    "id": "f",
    "handle": "jane84920381",
    "display_name": "Jane",
    "followers_count": 3,
    "following_count": 2000,
    "posts_count": 0,
    "has_default_avatar": True,
    "created_at": "2026-11-20T00:00:00Z",
    "observed_at": "2026-11-23T00:00:00Z",
}
REAL = {
    "id": "r",
    "handle": "harbourbakery",
    "description": "Bread since 1998",
    "followers_count": 1800,
    "following_count": 240,
    "posts_count": 3200,
    "has_default_avatar": False,
    "created_at": "2014-05-01",
    "observed_at": "2026-11-23T00:00:00Z",
    "verified": False,
    "location": "Leith",
}


def test_follower_judgement_with_reasons_a_person_can_check():
    fake, real = judge("follower", [FAKE, REAL])
    assert fake["label"] == "fake" and fake["reasons"][0] == "follows 2,000, followed by 3"
    assert "no posts" in fake["reasons"]  # the default picture barely counts: 1 in 80 of the labelled had one
    assert real["label"] == "real" and "own picture" not in fake["reasons"]
    assert any("followed by 1,800" in reason or "3,200 posts" in reason for reason in real["reasons"])


@pytest.mark.parametrize(
    "followers,following,label",
    [
        (4, 588, "fake"),  # the old judge called this real: its ratio rule only woke past 600 followed
        (12, 1500, "fake"),
        (300, 280, "real"),
        (5000, 120, "real"),
    ],
)
def test_the_follow_ratio_decides_as_the_labelled_followers_taught(followers, following, label):
    profile = {"followers_count": followers, "following_count": following, "posts_count": 40}
    assert judge("follower", [profile])[0]["label"] == label


def test_a_follower_reason_names_only_what_pushed_the_score():
    # Age, bio and handle shape are in no labelled data, so no weight was learned for them: they never decide.
    young = dict(REAL, created_at="2026-11-22T00:00:00Z", description="", handle="xkcdqwrtz99999")
    assert judge("follower", [young]) == judge("follower", [REAL])
    (real,) = judge("follower", [REAL])
    assert not any("default" in reason or "no posts" in reason for reason in real["reasons"])


def test_follower_judgement_ignores_language_and_verification():
    translated = dict(FAKE, description="Ich liebe Brot", display_name="Жанна")
    assert judge("follower", [translated])[0]["label"] == "fake"
    assert judge("follower", [dict(REAL, verified=True)]) == judge("follower", [dict(REAL, verified=False)])


def test_missing_profile_fields_are_fine_and_wrong_ones_are_named():
    empty, bad_number, bad_time = judge(
        "follower", [{"id": 1}, {"id": 2, "followers_count": "lots"}, {"id": 3, "created_at": "yesterday"}]
    )
    assert empty["label"] in ("fake", "real")
    assert bad_number == {"error": "followers_count must be a number of zero or more"}
    assert "created_at is not an ISO 8601 time" in bad_time["error"]


def test_the_command_runs_without_django_or_network(tmp_path):
    process = subprocess.run(
        [str(Path(sys.executable).parent / "firsthand"), "judge", "question"],
        input='{"id": 7, "text": "Are you open today?"}\n',
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NO_PROXY": "*", "HTTPS_PROXY": "http://127.0.0.1:9"},
        timeout=60,
    )
    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout) == {
        "id": 7,
        "label": "question",
        "score": json.loads(process.stdout)["score"],
        "reasons": json.loads(process.stdout)["reasons"],
    }
    assert json.loads(process.stdout)["label"] == "question"


def test_every_kind_is_listed():
    assert KINDS == ("offensive", "sentiment", "complaint", "question", "follower")


def test_only_a_disguised_word_is_called_disguised_not_a_mention():
    (plain,) = judge("offensive", ["@shop you are a stupid idiot"])
    (hidden,) = judge("offensive", ["@shop you are a stupid sh1t"])
    assert plain["label"] == hidden["label"] == "offensive"
    assert "disguised spelling" not in plain["reasons"] and "disguised spelling" in hidden["reasons"]
    assert not any("auser" in reason for reason in plain["reasons"] + hidden["reasons"])


HOSTILE_TEXTS = [
    "order 12\x00 never came",  # a NUL once split the batch's joined documents and raised
    "\ud800 lone surrogate \udfff",  # cannot be encoded at all
    "",
    " \t\n ",
    "\x01\x02\x1b[31m red \x7f\x9f",
    "\u202eoverride\u200f \u05e9\u05dc\u05d5\u05dd 42",
    "x" * 100_000,
    "word " * 20_000,
]


@pytest.mark.parametrize("kind", ["offensive", "sentiment", "complaint", "question"])
def test_no_text_crashes_a_batch_and_each_keeps_its_place(kind):
    texts = [*HOSTILE_TEXTS, "you absolute f*cking idiot", "My parcel never arrived, where is it?"]
    results = judge(kind, texts)
    assert len(results) == len(texts)
    assert all("label" in r and 0 <= r["score"] <= 1 for r in results)
    # A poisoned neighbour does not change how a plain text is judged.
    for plain in texts[-2:]:
        assert judge(kind, [plain])[0]["label"] == results[texts.index(plain)]["label"]


def test_triage_files_every_text_beside_a_poisoned_one():
    from firsthand.judge.judges import triage

    texts = [*HOSTILE_TEXTS, "My parcel never arrived, where is it?"]
    labels = triage(texts)
    assert len(labels) == len(texts)
    assert labels[-1] == triage(["My parcel never arrived, where is it?"])[0]
    assert triage(["order 12\x00 never came"]) == triage(["order 12  never came"])


def test_a_blank_line_gets_an_error_line_so_lines_stay_matched():
    code, results = cli(
        "sentiment", json.dumps({"id": 1, "text": "love it"}) + "\n\n   \n" + '{"id": 4, "text": "ok"}\n'
    )
    assert code == 0
    assert len(results) == 4
    assert results[0]["id"] == 1 and "label" in results[0]
    assert "error" in results[1] and "error" in results[2]
    assert results[3]["id"] == 4 and "label" in results[3]


BOTH = pytest.mark.parametrize("configuration", ["light", "transformer"])


@BOTH
@pytest.mark.parametrize(
    "text",
    [
        "My order is two days late and there is still no tracking number",
        "My bank charged me twice for the same transfer",
        "Phone screen went black after the update, support will not answer",
        "Waited 40 minutes for a cold pizza. Unacceptable.",
    ],
)
def test_complaints_are_found_outside_the_airlines_the_head_learned_from(configuration, text):
    result = judge("complaint", [text], configuration)[0]
    assert result["label"] == "complaint" and result["reasons"]


@BOTH
@pytest.mark.parametrize(
    "text,label",
    [
        ("Do you have gluten free bread", "question"),  # no question mark, as customers on a phone write
        ("Can I pre-order croissants for Sunday", "question"),
        ("Please DM me the tracking number", "question"),
        ("Why would you do that?", "other"),  # rhetorical: nobody waits for an answer
        ("How amazing is this weather!", "other"),
        ("Great croissants", "other"),
    ],
)
def test_questions_and_requests_customers_wait_on_and_rhetoric_that_waits_on_nothing(configuration, text, label):
    assert judge("question", [text], configuration)[0]["label"] == label


@BOTH
def test_an_ok_or_other_verdict_names_no_words(configuration):
    for kind, text in [
        ("offensive", "Thanks, whoever baked this knows their stuff")
        if configuration == "transformer"  # the light model calls "whoever … knows" offensive (see the README)
        else ("offensive", "Fresh bread at 7"),
        ("complaint", "Lovely bread today, thanks!"),
        ("question", "Lovely bread today, thanks!"),
        ("sentiment", "The shop opens at nine"),
    ]:
        result = judge(kind, [text], configuration)[0]
        assert result["label"] in ("ok", "other", "neutral") and result["reasons"] == [], (kind, result)


def test_a_complaint_is_never_explained_by_a_question_cue():
    result = judge("complaint", ["Still no sign of my parcel, do you know where it is? Opening hours?"], "light")[0]
    assert "mentions something customers usually ask about" not in result["reasons"]


@BOTH
def test_scores_are_probabilities_of_the_label_given(configuration):
    for kind in ("sentiment", "complaint", "question"):
        for result in judge(kind, ["My parcel never arrived", "Are you open?", "Thanks!", "ok"], configuration):
            assert 0.0 <= result["score"] <= 1.0


def test_follower_profiles_judged_in_a_batch_match_one_at_a_time():
    import random

    from firsthand.judge.follower import judge_profile, judge_profiles

    rng = random.Random(7)
    profiles = [
        {
            "followers_count": rng.randrange(0, 5000),
            "following_count": rng.randrange(0, 8000),
            "posts_count": rng.choice([0, 1, rng.randrange(0, 3000)]),
            "has_default_avatar": rng.choice([True, False, None]),
            "created_at": "2024-01-01T00:00:00Z",
            "observed_at": "2026-11-23T00:00:00Z",
        }
        for _ in range(3000)
    ]
    profiles += [{}, {"followers_count": 2.5, "following_count": 900}, {"posts_count": 4}, "not a profile"]
    profiles += [{"followers_count": -1}, {"created_at": "yesterday"}, {"followers_count": True, "posts_count": 0}]
    one_by_one = []
    for profile in profiles:
        try:
            one_by_one.append(judge_profile(profile) if isinstance(profile, dict) else {"error": "needs an object"})
        except ValueError as error:
            one_by_one.append({"error": str(error)})
    assert judge_profiles(profiles) == one_by_one
