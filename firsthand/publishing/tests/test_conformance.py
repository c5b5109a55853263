"""The counting rules against the networks' own test suites, every case.

twitter-text's conformance files (validate.yml, extract.yml) and atproto's grapheme vectors sit in
../shared/conformance/ beside the repository (FIRSTHAND_CONFORMANCE names another place). Mastodon's cases are
those of its spec/validators/status_length_validator_spec.rb (mastodon/mastodon), written out below because
Mastodon publishes them as RSpec, not as data.
"""

import ast
import os
import re
from pathlib import Path

import pytest
import yaml

from firsthand.publishing.counting import count, fit, graphemes, links, mastodon, utf8_bytes

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


def atproto_utf8_vectors():
    source = (CONFORMANCE / "atproto" / "utf8-len.test.ts").read_text(encoding="utf-8")
    found = re.findall(r"expect\(utf8Len\('((?:[^'\\]|\\.)*)'\)\)\.toBe\((\d+)\)", source)
    assert found, "no vectors read from atproto's utf8-len.test.ts"
    # The JavaScript escapes (a lone "\uD83D") read as Python's, which are the same for \uXXXX.
    return [pytest.param(ast.literal_eval(f"'{text}'"), int(size), id=text) for text, size in found]


@pytest.mark.parametrize("text,size", atproto_utf8_vectors())
def test_bluesky_counts_utf8_bytes_as_atproto_does(text, size):
    assert utf8_bytes(text) == size


def atproto_detection_vectors():
    """detectFacets' inputs and expected segments: JavaScript arrays of quoted strings, which read as Python's."""
    source = (CONFORMANCE / "atproto" / "rich-text-detection.test.ts").read_text(encoding="utf-8")
    inputs = source.split("const inputs = ", 1)[1].split("\n  const outputs", 1)[0]
    outputs = source.split("const outputs: string[][][] = ", 1)[1].split("\n  it(", 1)[0]
    pairs = list(zip(ast.literal_eval(inputs), ast.literal_eval(outputs), strict=True))
    assert len(pairs) > 30, "atproto's detectFacets vectors were not read"
    return [pytest.param(text, expected, id=repr(text)) for text, expected in pairs]


@pytest.mark.parametrize("text,expected", atproto_detection_vectors())
def test_bluesky_finds_links_and_mentions_as_atproto_does(text, expected):
    """What the Bluesky connector sends as facets (the SDK's detection; handles resolved as the vectors' mock)."""
    from atproto_client.utils.facet_detection import detect_facets, detect_mentions

    spans = [(m.byte_start, m.byte_end, f"did:fake:{m.handle}") for m in detect_mentions(text)]
    spans += [
        (f.index.byte_start, f.index.byte_end, f.features[0].uri)
        for f in detect_facets(text)
        if hasattr(f.features[0], "uri")
    ]
    encoded, segments, position = text.encode("utf-8"), [], 0
    for start, end, value in sorted(spans):
        if start > position:
            segments.append([encoded[position:start].decode("utf-8")])
        segments.append([encoded[start:end].decode("utf-8"), value])
        position = end
    if position < len(encoded) or not segments:
        segments.append([encoded[position:].decode("utf-8")])
    assert segments == expected
