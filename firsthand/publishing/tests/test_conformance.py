"""The counting rules against the networks' own test suites, every case.

twitter-text's conformance files (validate.yml, extract.yml) and atproto's grapheme vectors sit in
../shared/conformance/ beside the repository (FIRSTHAND_CONFORMANCE names another place). Mastodon's cases are
those of its spec/validators/status_length_validator_spec.rb (mastodon/mastodon), written out below because
Mastodon publishes them as RSpec, not as data.
"""

import os
import re
from pathlib import Path

import pytest
import yaml

from firsthand.publishing.counting import count, fit, graphemes, links, mastodon

CONFORMANCE = Path(os.environ.get("FIRSTHAND_CONFORMANCE", Path(__file__).parents[3].parent / "shared" / "conformance"))


def cases(name: str, *sections: str):
    tests = yaml.safe_load((CONFORMANCE / "twitter-text" / name).read_text(encoding="utf-8"))["tests"]
    return [
        pytest.param(case, id=f"{section}: {case['description']}") for section in sections for case in tests[section]
    ]


@pytest.mark.parametrize(
    "case", cases("validate.yml", "WeightedTweetsWithDiscountedEmojiCounterTest", "UnicodeDirectionalMarkerCounterTest")
)
def test_x_weighted_length_and_cut_point_match_twitter_text_v3(case):
    text, expected = case["text"], case["expected"]
    measured = count(text, "x_weighted", 280)
    assert measured.length == expected["weightedLength"]
    if "\ufffe" in text or "\uffff" in text:
        return  # twitter-text refuses these characters whatever the length; the cut point below is its length's
    kept, cut = fit(text, "x_weighted", 280)
    assert kept + cut == text
    assert measured.fits == expected["valid"]
    # validRangeEnd is the last UTF-16 unit X keeps: the preview shows exactly that much before the cut.
    assert kept == text.encode("utf-16-le")[: 2 * (expected["validRangeEnd"] + 1)].decode("utf-16-le")


@pytest.mark.parametrize("case", cases("extract.yml", "urls"))
def test_x_finds_the_urls_twitter_text_finds(case):
    assert [link.url for link in links(case["text"])] == case["expected"]


@pytest.mark.parametrize("case", cases("extract.yml", "urls_with_indices", "urls_with_directional_markers"))
def test_x_finds_the_urls_twitter_text_finds_where_it_finds_them(case):
    found = [{"url": link.url, "indices": [link.start, link.end]} for link in links(case["text"])]
    assert found == case["expected"]


# Mastodon's spec/validators/status_length_validator_spec.rb, with MAX_CHARS 500: (content warning, text, fits).
MASTODON_SPEC = [
    ("content warning is over character limit", "a" * 520, "", False),
    ("text is over character limit", "", "a" * 520, False),
    ("text and content warning are over character limit total", "a" * 250, "b" * 251, False),
    ("auto-linkable space-separated URLs count 23", "", "a" * 476 + " http://" + "b" * 30 + ".com/example", True),
    ("non-autolinkable URLs count in full", "", "a" * 476 + "http://" + "b" * 30 + ".com/example", False),
    ("overly long URLs count in full", "", "http://example.com/valid?" + "#foo?" * 1000, False),
    ("only the front part of remote usernames counts", "", "a" * 475 + " @alice@" + "b" * 30 + ".com", True),
    ("both parts count for overly long domains", "", "@alice@" + "b" * 500 + ".com", False),
    ("multi-byte emoji count as one character", "", "\u2728" * 500, True),
    ("ZWJ sequence emoji count as one character", "", "\U0001f3f3\ufe0f\u200d\u26a7\ufe0f" * 500, True),
]


@pytest.mark.parametrize("content_warning,text,fits", [pytest.param(*c[1:], id=c[0]) for c in MASTODON_SPEC])
def test_mastodon_counts_as_its_status_length_validator_spec(content_warning, text, fits):
    assert count(text, "mastodon", 500, content_warning).fits is fits


def test_mastodon_does_not_count_a_bare_domain_as_a_link():
    assert mastodon("example.com/" + "a" * 40) == len("example.com/") + 40


def test_mastodon_cut_point_leaves_room_for_the_content_warning():
    kept, cut = fit("b" * 300, "mastodon", 500, content_warning="a" * 250)
    assert (len(kept), len(cut)) == (250, 50)


def atproto_grapheme_vectors():
    source = (CONFORMANCE / "atproto" / "utf8-grapheme-len.test.ts").read_text(encoding="utf-8")
    found = re.findall(r"expect\(graphemeLenNative!\('([^']*)'\)\)\.toBe\((\d+)\)", source)
    assert found, "no vectors read from atproto's utf8-grapheme-len.test.ts"
    return [pytest.param(text, int(length), id=repr(text)) for text, length in found]


@pytest.mark.parametrize("text,length", atproto_grapheme_vectors())
def test_bluesky_counts_graphemes_as_atproto_does(text, length):
    assert graphemes(text) == length
    assert count(text, "bluesky", 300).length == length
