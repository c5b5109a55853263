"""The counting rules, pinned with the texts that trip naive counters.

X expectations follow twitter-text v3 (config/v3.json) and its conformance
suite's validation cases; Bluesky's 300-grapheme rule is the lexicon's
maxGraphemes for app.bsky.feed.post; Mastodon's is StatusLengthValidator.
"""

import pytest

from firsthand.publishing.counting import graphemes, mastodon, x_weighted

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 👨‍👩‍👧‍👦: 7 code points, 1 grapheme
THUMBS_DARK = "\U0001f44d\U0001f3ff"  # 👍🏿: emoji + skin tone modifier
FLAG = "\U0001f1e9\U0001f1ea"  # 🇩🇪: two regional indicators
E_COMBINING = "e\u0301"  # e + combining acute
HEBREW = "\u05e9\u05dc\u05d5\u05dd"  # שלום, right-to-left
KEYCAP = "1\ufe0f\u20e3"  # 1️⃣


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", 0),
        ("hello", 5),
        (FAMILY, 1),
        (THUMBS_DARK, 1),
        (FLAG, 1),
        (E_COMBINING, 1),
        ("Z\u0336\u0324\u0353", 1),  # a letter under a pile of combining marks
        (HEBREW, 4),
        ("\u0915\u094d\u0937", 1),  # Devanagari conjunct क्ष
        (KEYCAP, 1),
        ("a" + FAMILY + "b", 3),
    ],
)
def test_graphemes_count_what_a_reader_sees_as_one_character(text, expected):
    assert graphemes(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("hello", 5),
        ("a" * 280, 280),
        ("日本語", 6),  # CJK weighs 2 each
        ("한국어", 6),
        (FAMILY, 2),  # one emoji sequence weighs 2, however many code points
        (THUMBS_DARK, 2),
        (FLAG, 2),
        ("\u2764\ufe0f", 2),  # ❤️ with variation selector
        ("e\u0301", 1),  # NFC makes it é, one light code point
        (HEBREW, 4),  # Hebrew is inside U+0000–U+10FF
        ("\u201chi\u201d", 4),  # curly quotes are light (U+2010–U+201F)
        ("\u2026", 2),  # the ellipsis U+2026 lies just past U+2010–U+201F, so it weighs 2
        ("see https://example.com/a/very/long/path?with=query&and=more", 4 + 23),
        ("http://x.co", 23),
        ("https://example.com/😀", 23 + 2),  # twitter-text ends the URL before the emoji
        ("😀 https://example.com.", 2 + 1 + 23 + 1),  # the final full stop is not part of the URL
    ],
)
def test_x_weighted_length_follows_twitter_text_v3(text, expected):
    assert x_weighted(text) == expected


def test_x_limit_of_280_holds_140_cjk_characters():
    assert x_weighted("字" * 140) == 280
    assert x_weighted("字" * 141) == 282


@pytest.mark.parametrize(
    "text,expected",
    [
        ("hello", 5),
        ("read https://example.com/" + "x" * 100, 5 + 23),
        ("hi @alice@mastodon.social!", len("hi @alice!")),
        ("hi @alice", 9),
        ("email me at bob@example.com", len("email me at bob@example.com")),  # not a mention
        (FAMILY + " " + FLAG, 3),
    ],
)
def test_mastodon_counts_urls_as_23_and_remote_mentions_by_their_local_part(text, expected):
    assert mastodon(text) == expected


@pytest.mark.parametrize(
    "text,rule,limit,kept",
    [
        ("hello world", "graphemes", 5, "hello"),
        (FAMILY * 4, "graphemes", 3, FAMILY * 3),  # never splits an emoji sequence
        ("ab" + E_COMBINING * 3, "graphemes", 3, "ab" + E_COMBINING),  # never strips a combining mark
        ("字字字", "x_weighted", 5, "字字"),
        ("fits", "graphemes", 10, "fits"),
    ],
)
def test_fit_cuts_at_the_last_whole_grapheme_that_fits(text, rule, limit, kept):
    from firsthand.publishing.counting import fit

    shown, cut = fit(text, rule, limit)
    assert shown == kept and shown + cut == text


@pytest.mark.parametrize(
    "network,limit,fits,too_long",
    [
        ("x", 280, "字" * 140, "字" * 141),
        ("bluesky", 300, "a" * 299 + FAMILY, "a" * 300 + FAMILY),
        (
            "mastodon",
            500,
            "a" * 476 + " https://example.com/" + "p" * 400,
            "a" * 477 + " https://example.com/" + "p" * 400,
        ),
        ("linkedin", 3000, "é" * 3000, "é" * 3001),
        ("facebook", 63206, "a" * 63206, "a" * 63207),
        ("instagram", 2200, THUMBS_DARK * 2200, THUMBS_DARK * 2201),
        ("threads", 500, HEBREW * 125, HEBREW * 125 + "!"),
    ],
)
def test_each_networks_limit_and_rule(network, limit, fits, too_long):
    from firsthand.networks.limits import LIMITS
    from firsthand.publishing.counting import count

    rule = LIMITS[network]
    assert rule.max_length == limit
    assert count(fits, rule.counting, rule.max_length).fits
    assert not count(too_long, rule.counting, rule.max_length).fits


def test_bluesky_also_caps_bytes():
    from firsthand.publishing.counting import bluesky

    assert bluesky("字" * 300) == 300  # 900 bytes: fine
    assert bluesky(FAMILY * 200) > 300  # 200 graphemes, but 5,000 bytes


def test_instagram_needs_an_image():
    from firsthand.networks.limits import LIMITS

    assert LIMITS["instagram"].requires_media
