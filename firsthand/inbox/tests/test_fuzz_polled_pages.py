"""Hostile items in a polled page, through each connector's own page loop (not only its per-item reader).

A page loop filters its items (the account's own answers, kinds it does not read) and moves its cursor by
their ids and times before the reader sees them. One item of an odd shape there (no id, an id that is not a
number, a time that is missing or not one, a string where an object belongs) must not fail the page nor
move the cursor where the next poll breaks or skips what comes: the good items are read, the odd one goes
to its reader (set aside as Unreadable, or read) or is passed over, and the cursor is what the good items
alone give. The network's transport is replaced by the page as written here; see test_fuzz_polled.py for
the readers themselves.
"""

from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firsthand.inbox.tests.test_fuzz_polled import GRAPH_COMMENT, LINKEDIN, MASTODON, TWEET, WORDPRESS, YOUTUBE
from firsthand.networks.base import Interaction, Unreadable
from firsthand.networks.facebook import connector as facebook
from firsthand.networks.instagram import connector as instagram
from firsthand.networks.linkedin import connector as linkedin
from firsthand.networks.mastodon.connector import MastodonConnector
from firsthand.networks.threads import connector as threads
from firsthand.networks.wordpress import connector as wordpress
from firsthand.networks.x.connector import XConnector
from firsthand.networks.youtube import connector as youtube

AT = "2026-05-01T10:0{n}:00"
FUTURE = "9999-12-31T23:59:59+00:00"


class Whole:
    """An odd container rather than an odd item: a Messenger conversation, a YouTube comment thread."""

    def __init__(self, value):
        self.value = value


def account(**credentials):
    return SimpleNamespace(credentials=credentials)


def answering(monkeypatch, module, body):
    monkeypatch.setattr(module, "call", lambda *args, **kwargs: body)


def mastodon(monkeypatch, items, cursor=""):
    class Client:
        def notifications(self, min_id, **kwargs):
            return list(items) if min_id == "0" else []

    monkeypatch.setattr(MastodonConnector, "client", lambda self, account: Client())
    return MastodonConnector().list_interactions(account(), cursor)


def wordpress_comments(monkeypatch, items, cursor=""):
    answering(monkeypatch, wordpress, list(items))
    page = wordpress.WordPressConnector().list_interactions(account(user_id=1), cursor)
    wordpress.WordPressConnector().list_interactions(account(user_id=1), page.cursor)  # the next poll reads it
    return page


def messenger(monkeypatch, items, cursor=""):
    conversations = [item.value if isinstance(item, Whole) else {"messages": {"data": [item]}} for item in items]
    answering(monkeypatch, facebook, {"data": conversations})
    return facebook.FacebookConnector().list_interactions(account(page_id="PAGE", page_token="t"), cursor)


def facebook_comments(monkeypatch, items, cursor=""):
    answering(monkeypatch, facebook, {"data": list(items)})
    return facebook.FacebookConnector().list_replies(account(page_id="PAGE", page_token="t"), "post1", cursor)


def instagram_comments(monkeypatch, items, cursor=""):
    answering(monkeypatch, instagram, {"data": list(items)})
    ig = account(ig_user_id="IG", page_id="PAGE", page_token="t")
    return instagram.InstagramConnector().list_replies(ig, "media1", cursor)


def threads_replies(monkeypatch, items, cursor=""):
    answering(monkeypatch, threads, {"data": list(items)})
    return threads.ThreadsConnector().list_replies(account(user_id="U", access_token="t"), "post1", cursor)


def threads_mentions(monkeypatch, items, cursor=""):
    answering(monkeypatch, threads, {"data": list(items)})
    return threads.ThreadsConnector().list_interactions(account(user_id="U", access_token="t"), cursor)


def linkedin_comments(monkeypatch, items, cursor=""):
    answering(monkeypatch, linkedin, SimpleNamespace(json=lambda: {"elements": list(items)}))
    org = account(organization="urn:li:organization:1", access_token="t")
    return linkedin.LinkedInConnector().list_replies(org, "urn:li:share:1", cursor)


def youtube_comments(monkeypatch, items, cursor=""):
    threads_ = [
        item.value if isinstance(item, Whole) else {"snippet": {"videoId": "v1", "topLevelComment": item}}
        for item in items
    ]
    api = SimpleNamespace(commentThreads=lambda: SimpleNamespace(list=lambda **kwargs: None))
    monkeypatch.setattr(youtube.YouTubeConnector, "api", lambda self, account: api)
    monkeypatch.setattr(youtube, "run", lambda request, what: {"items": threads_})
    return youtube.YouTubeConnector().list_interactions(account(channel_id="UCus"), cursor)


def x_messages(monkeypatch, items, cursor=""):
    answer = SimpleNamespace(data=list(items), includes={}, meta={})
    client = SimpleNamespace(get_direct_message_events=lambda **kwargs: answer)
    state = {}
    found = XConnector()._messages(client, account(user_id="ME"), state)
    return SimpleNamespace(items=found, cursor=state["dm_since"])


def tweet_event(n):
    return SimpleNamespace(id=str(n), sender_id="ann", text="Hi", created_at=AT.format(n=n) + "Z", data={"id": str(n)})


# Each page loop, a good item made from a number (ids and times grow with it), and odd items for its page.
PAGES = {
    "mastodon": (
        mastodon,
        lambda n: {
            "id": str(n),
            "type": "mention",
            "account": {"acct": f"p{n}@example.social"},
            "status": {"id": f"s{n}", "content": f"<p>Hi {n}</p>", "created_at": AT.format(n=n) + "Z"},
        },
        [
            {"type": "mention", "account": {"acct": "x"}},  # no id
            {"id": "abc", "type": "mention", "account": {"acct": "x"}},  # an id that is not a number
            {"id": None, "type": "mention"},
            {"id": "0", "type": ["mention"]},  # a kind that cannot be looked up
            "a notification as a string",
        ],
    ),
    "wordpress": (
        wordpress_comments,
        lambda n: {"id": n, "post": 3, "date": AT.format(n=n), "date_gmt": AT.format(n=n), "author": 0},
        [
            {"id": 8, "post": 3, "date": "\x00", "date_gmt": AT.format(n=9)},  # a date the next poll cannot read
            {"id": 8, "post": 3, "date": "9999-12-31T23:59:59", "date_gmt": AT.format(n=9)},  # hides all to come
            {"id": 8, "post": 3, "date": "2026-13-45T99:99:99", "date_gmt": AT.format(n=9)},
            {"id": 8, "post": 3, "date": AT.format(n=0), "date_gmt": 10**5000},  # too long a number for str()
        ],
    ),
    "facebook/instagram messages": (
        messenger,
        lambda n: {
            "id": f"m{n}",
            "message": "Hi",
            "from": {"id": f"p{n}", "name": "Ann"},
            "created_time": AT.format(n=n) + "+0000",
        },
        [
            {"id": "m8", "message": "no time", "from": {"id": "p8"}},
            {"id": "m8", "message": "a number", "from": {"id": "p8"}, "created_time": 1746093600},
            {"id": "m8", "message": "not a time", "from": {"id": "p8"}, "created_time": "zzz"},  # would hide all
            {"id": "m8", "message": "far ahead", "from": {"id": "p8"}, "created_time": FUTURE},
            {"id": "m8", "message": "sender as text", "from": "p8", "created_time": AT.format(n=0) + "+0000"},
            {"id": "m8", "from": {"id": ["p8"]}, "created_time": AT.format(n=0) + "+0000"},  # unhashable
            "a message as a string",
            Whole("a conversation as a string"),
            Whole({"messages": ["a list, not an object"]}),
        ],
    ),
    "facebook comments": (
        facebook_comments,
        lambda n: {"id": f"c{n}", "message": "Hi", "from": {"id": f"p{n}"}, "created_time": AT.format(n=n) + "+0000"},
        ["a comment as a string", {"id": "c8", "message": "Hi", "from": "p8"}, ["c8"]],
    ),
    "instagram comments": (
        instagram_comments,
        lambda n: {"id": f"c{n}", "text": "Hi", "username": f"p{n}", "timestamp": AT.format(n=n) + "+0000"},
        ["a comment as a string", {"id": "c8", "text": "Hi", "from": "p8"}, None],
    ),
    "threads replies": (
        threads_replies,
        lambda n: {"id": f"r{n}", "text": "Hi", "username": f"p{n}", "timestamp": AT.format(n=n) + "+0000"},
        ["a reply as a string", 8],
    ),
    "threads mentions": (
        threads_mentions,
        lambda n: {"id": f"t{n}", "text": "Hi", "username": f"p{n}", "timestamp": AT.format(n=n) + "+0000"},
        ["a mention as a string", ["t8"]],
    ),
    "linkedin comments": (
        linkedin_comments,
        lambda n: {"id": str(n), "actor": f"urn:li:person:p{n}", "message": {"text": "Hi"}, "created": {"time": n}},
        ["a comment as a string", None],
    ),
    "youtube": (
        youtube_comments,
        lambda n: {
            "id": f"y{n}",
            "snippet": {
                "authorChannelId": {"value": f"UC{n}"},
                "textOriginal": "Hi",
                "publishedAt": AT.format(n=n) + "Z",
            },
        },
        [
            {"id": "y8", "snippet": {"textOriginal": "no time"}},
            {"id": "y8", "snippet": {"textOriginal": "a number", "publishedAt": 1746093600}},
            {"id": "y8", "snippet": {"textOriginal": "not a time", "publishedAt": "zzz"}},  # would hide all
            {"id": "y8", "snippet": {"textOriginal": "far ahead", "publishedAt": FUTURE}},
            {"id": "y8", "snippet": {"authorChannelId": "UC8", "publishedAt": AT.format(n=0) + "Z"}},
            {"id": "y8", "snippet": "a snippet as a string"},
            "a comment as a string",
            Whole({"id": "thread8"}),  # a thread with no top-level comment
            Whole("a thread as a string"),
        ],
    ),
    "x messages": (
        x_messages,
        tweet_event,
        [
            SimpleNamespace(id="abc", sender_id="p8", text="Hi", created_at=None, data={"id": "abc"}),
            SimpleNamespace(id=None, sender_id="p8", text="Hi", created_at=None, data={}),
            SimpleNamespace(text="no id at all", data={}),
            SimpleNamespace(id="x8", sender_id=10**5000, text="Hi", created_at=None, data={}),  # too long for str()
        ],
    ),
}
# Where the cursor counts the items read (LinkedIn's `start`), the odd one counts too: it was read.
COUNTED = {"linkedin comments"}
CASES = [(network, n) for network, (_, _, odd) in PAGES.items() for n in range(len(odd))]


@pytest.mark.parametrize("network,odd", CASES, ids=[f"{network}-{n}" for network, n in CASES])
def test_one_odd_item_in_a_page_loses_no_other_and_leaves_the_cursor_where_the_good_ones_put_it(
    network, odd, monkeypatch
):
    read, good, odds = PAGES[network]
    goods = [good(n) for n in (1, 2, 3)]
    alone = read(monkeypatch, goods)
    page = read(monkeypatch, [goods[0], odds[odd], *goods[1:]])  # raised, before: the whole page was lost
    for item in page.items:
        assert isinstance(item, Interaction | Unreadable)
    read_ids = {item.remote_id for item in page.items if isinstance(item, Interaction)}
    assert {item.remote_id for item in alone.items} <= read_ids  # every good item is read, as it is alone
    assert len(page.items) <= len(alone.items) + 1
    if network in COUNTED:
        assert int(page.cursor) == int(alone.cursor) + 1
    else:  # the odd item neither holds the cursor back nor throws it ahead
        assert page.cursor == alone.cursor


def test_the_good_items_alone_are_read_and_move_the_cursor(monkeypatch):
    """The test above compares with these: each page loop, given good items only, reads them all."""
    for network, (read, good, _) in PAGES.items():
        page = read(monkeypatch, [good(n) for n in (1, 2, 3)])
        assert len(page.items) == 3 and all(isinstance(item, Interaction) for item in page.items), network


# The readers' random shapes (test_fuzz_polled.py), now a page at a time through the page loops.
RANDOM = {
    "mastodon": MASTODON,
    "wordpress": WORDPRESS,
    "facebook/instagram messages": GRAPH_COMMENT,
    "facebook comments": GRAPH_COMMENT,
    "instagram comments": GRAPH_COMMENT,
    "threads replies": GRAPH_COMMENT,
    "threads mentions": GRAPH_COMMENT,
    "linkedin comments": LINKEDIN,
    "youtube": YOUTUBE,
    "x messages": TWEET,
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
@pytest.mark.parametrize("network", sorted(RANDOM))
def test_a_page_of_random_items_never_fails_and_its_good_items_are_read(network, data, monkeypatch):
    read, good, _ = PAGES[network]
    odd = data.draw(st.lists(RANDOM[network], max_size=3))
    page = read(monkeypatch, [good(1), good(2), *odd])
    assert all(isinstance(item, Interaction | Unreadable) for item in page.items)
    alone = read(monkeypatch, [good(1), good(2)])
    read_ids = {item.remote_id for item in page.items if isinstance(item, Interaction)}
    assert {item.remote_id for item in alone.items} <= read_ids
