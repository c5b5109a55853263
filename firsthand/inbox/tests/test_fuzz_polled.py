"""Fuzz: random shapes through every polled network's per-item reader, and a poisoned item in a page.

What a network's API gives item by item (missing keys, wrong types, huge numbers, U+0000, odd dates)
is read by the connector's per-item reader through networks/base.py read_each: each item either reads
as an Interaction the inbox can store, or becomes an Unreadable with its reason, which the inbox
stores and filing sets aside. Nothing a single item holds stops its page: the others are stored and
the cursor moves (ingest.read_page).
"""

import json
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firsthand.inbox import filing, ingest
from firsthand.inbox.models import AccountCursor, Interaction, RawEvent
from firsthand.inbox.tests.test_fuzz import HUGE, LEAF, TEXT, keys, usually
from firsthand.networks.base import Interaction as Item
from firsthand.networks.base import InteractionPage, Unreadable, read_each, read_one
from firsthand.networks.bluesky.connector import BlueskyConnector
from firsthand.networks.facebook import connector as facebook
from firsthand.networks.facebook import messenger
from firsthand.networks.instagram import connector as instagram
from firsthand.networks.linkedin import connector as linkedin
from firsthand.networks.mastodon.connector import MastodonConnector
from firsthand.networks.sandbox import connector as sandbox
from firsthand.networks.threads import connector as threads
from firsthand.networks.wordpress.connector import WordPressConnector
from firsthand.networks.x.connector import XConnector
from firsthand.networks.youtube.connector import YouTubeConnector

pytestmark = pytest.mark.django_db

# Times as networks write them, and as they should never: out of range, the wrong type, half a date.
DATE = usually(
    st.sampled_from(
        [
            "2026-05-01T10:15:00+0000",
            "2026-05-01T10:15:00Z",
            "2026-05-01T10:15:00.000Z",
            "2026-05-01",
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-12:00",
            "2026-13-45T99:99:99",
            "",
            "\x00",
        ]
    )
    | st.datetimes()
    | st.integers()
    | HUGE
    | st.floats()
)
BIG_TEXT = st.sampled_from(["a" * 100_000, "\x00" * 50, "é\ud800" * 1000]) | TEXT
WORDS = usually(BIG_TEXT)
ID = usually(st.text(min_size=1, max_size=12) | st.integers(min_value=1, max_value=10**20))


def obj(**fields):
    """A client library's object (tweepy's, atproto's) with random values, or something else entirely."""
    return usually(st.fixed_dictionaries(fields).map(lambda drawn: SimpleNamespace(**drawn)))


MASTODON = keys(
    id=ID,
    type=st.sampled_from(["mention", "reblog", "favourite", "follow", "quote", "poll"]),
    created_at=DATE,
    account=keys(acct=ID, display_name=WORDS),
    status=keys(
        id=ID,
        content=WORDS,
        visibility=usually(st.sampled_from(["public", "direct"])),
        in_reply_to_id=ID,
        created_at=DATE,
        quote=keys(quoted_status=keys(id=ID)),
    ),
)
WORDPRESS = keys(id=ID, post=ID, date_gmt=DATE, content=keys(rendered=WORDS, raw=WORDS), author_name=WORDS, author=ID)
GRAPH_COMMENT = keys(
    id=ID,
    message=WORDS,
    text=WORDS,
    username=ID,
    timestamp=DATE,
    created_time=DATE,
    **{"from": keys(id=ID, name=WORDS)},
)
YOUTUBE = keys(
    id=ID,
    snippet=keys(
        authorChannelId=keys(value=ID),
        authorDisplayName=WORDS,
        textOriginal=WORDS,
        textDisplay=WORDS,
        publishedAt=DATE,
    ),
)
LINKEDIN = keys(
    id=ID, commentUrn=ID, actor=ID, message=keys(text=WORDS), created=keys(time=usually(st.integers() | HUGE))
)
TWEET = obj(
    id=ID,
    text=WORDS,
    author_id=ID,
    created_at=DATE,
    conversation_id=ID,
    referenced_tweets=usually(st.lists(obj(id=ID, type=st.sampled_from(["replied_to", "quoted"])), max_size=2)),
    data=LEAF,
    sender_id=ID,
)
X_USERS = usually(st.dictionaries(st.text(max_size=4) | st.just("1"), obj(username=ID, name=WORDS), max_size=3))
RECORD = obj(
    text=WORDS,
    created_at=DATE,
    reply=usually(st.none() | obj(root=obj(uri=ID), parent=obj(uri=ID))),
    embed=obj(record=obj(uri=ID)),
)
BLUESKY = obj(
    uri=usually(st.sampled_from(["at://did:plc:us/app.bsky.feed.post/1", "at://", "not a uri"]) | ID),
    cid=ID,
    reason=st.sampled_from(["mention", "reply", "quote", "like", "follow", "repost"]),
    reason_subject=ID,
    indexed_at=DATE,
    record=RECORD,
    author=obj(handle=ID, display_name=WORDS, did=ID),
)
SANDBOX_ROW = usually(st.tuples(ID, ID, WORDS, ID, WORDS, WORDS, DATE, ID))

# Each polled network's per-item reader, what it is given, and its other arguments.
READERS = {
    "mastodon": (MastodonConnector.interaction, MASTODON, st.tuples()),
    "wordpress": (WordPressConnector.interaction, WORDPRESS, st.tuples()),
    "facebook comments": (facebook.comment_item, GRAPH_COMMENT, st.tuples(ID)),
    "facebook/instagram messages": (messenger.message_item, GRAPH_COMMENT, st.tuples(keys(id=ID, name=WORDS))),
    "instagram comments": (instagram.comment_item, GRAPH_COMMENT, st.tuples(ID)),
    "threads mentions": (threads.mention_item, GRAPH_COMMENT, st.tuples()),
    "threads replies": (threads.reply_item, GRAPH_COMMENT, st.tuples(ID)),
    "youtube": (YouTubeConnector.item, YOUTUBE, st.tuples(ID, st.booleans())),
    "linkedin": (linkedin.comment_item, LINKEDIN, st.tuples(ID)),
    "x mentions": (XConnector._mention, TWEET, st.tuples(X_USERS)),
    "x messages": (XConnector._message, TWEET, st.tuples(X_USERS)),
    "bluesky": (BlueskyConnector.interaction, BLUESKY, st.tuples(usually("did:plc:us"))),
    "sandbox": (sandbox.event_item, SANDBOX_ROW, st.tuples()),
}


@settings(max_examples=100, deadline=None)
@given(data=st.data())
@pytest.mark.parametrize("network", sorted(READERS))
def test_every_polled_reader_reads_any_item_or_sets_it_aside_with_a_reason(network, data):
    read, shape, args = READERS[network]
    raw, extra = data.draw(shape), data.draw(args)
    item = read_one(read, raw, *extra)  # never raises, whatever the item holds
    assert isinstance(item, Item | Unreadable)
    stored = ingest.stored(item)
    json.dumps(stored, allow_nan=False)  # fit for the JSON column as it is
    if isinstance(item, Unreadable):
        assert item.remote_id.startswith("unread:") and "could not read this item" in item.reason
        assert stored["unread"] == item.reason
    else:
        assert item.remote_id and item.created_at.tzinfo is not None
        try:  # filing reads it, or sets it aside with a reason of its own (no author, say)
            assert filing.parse(SimpleNamespace(payload=stored, received_at=None))["handle"]
        except ValueError as reason:
            assert str(reason)


GOOD = {"id": "c1", "message": "Do you open on Sunday?", "from": {"id": "ann", "name": "Ann"}}


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(odd=st.lists(GRAPH_COMMENT, min_size=1, max_size=4))
def test_a_page_with_any_items_stores_every_good_one_and_moves_its_cursor(team, odd):
    """The whole way: a page of Facebook comments with random ones among them → stored, cursor moved,
    every good one filed and every other one filed or set aside with its reason."""
    from firsthand.networks.models import ConnectedAccount

    RawEvent.objects.all().delete()
    account, _ = ConnectedAccount.objects.get_or_create(
        workspace=team.workspace, network="facebook", remote_id="PAGE", defaults={"handle": "bakery"}
    )
    cursor, _ = AccountCursor.objects.get_or_create(account=account)
    goods = [{**GOOD, "id": f"good{n}"} for n in range(3)]

    def read(account, cursor):
        return InteractionPage(
            items=read_each(facebook.comment_item, [goods[0], *odd, *goods[1:]], "post"), cursor="p2"
        )

    ingest.read_page(account, AccountCursor.objects.filter(pk=cursor.pk), 60, read, "")
    assert AccountCursor.objects.get(pk=cursor.pk).cursor == "p2"
    assert {f"good{n}" for n in range(3)} <= set(RawEvent.objects.values_list("remote_id", flat=True))
    filing.process_pending()
    assert not RawEvent.objects.filter(processed_at=None).exists()
    filed = set(Interaction.objects.filter(raw_event__account=account).values_list("raw_event__remote_id", flat=True))
    assert {f"good{n}" for n in range(3)} <= filed
    for raw in RawEvent.objects.filter(item=None):
        assert raw.error  # nothing dropped without a reason


# --- one test per mechanism: a poisoned item in a polled page, and in a watched post's replies ----------


def poisoned(monkeypatch):
    real = sandbox.event_item

    def event_item(row):
        if "poison" in row[5]:
            raise KeyError("author")
        return real(row)

    monkeypatch.setattr(sandbox, "event_item", event_item)
    return lambda: monkeypatch.setattr(sandbox, "event_item", real)


def test_a_poisoned_item_in_a_polled_page_is_set_aside_and_every_other_is_stored_and_read(
    team, monkeypatch, client_for
):
    from django.urls import reverse

    from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent
    from firsthand.networks.testing import connect_sandbox_account

    account = connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    remote = SandboxAccount.objects.get(pk=int(account.remote_id))
    texts = [f"Is the rye bread {n} ready?" for n in range(9)]
    texts[4] = "poison"
    events = [
        SandboxEvent.objects.create(account=remote, kind="mention", author_handle=f"p{n}", text=t)
        for n, t in enumerate(texts)
    ]
    poisoned(monkeypatch)
    assert ingest.poll(account) == 9
    cursor = AccountCursor.objects.get(account=account)
    assert cursor.cursor == str(events[-1].pk) and cursor.error == ""  # moved on: no retry of the page
    ingest.process_pending()
    assert sorted(Interaction.objects.values_list("text", flat=True)) == sorted(texts[:4] + texts[5:])
    aside = RawEvent.objects.exclude(error="").get()
    assert "could not read this item from the network (KeyError" in aside.error
    page = client_for(team.owner).get(reverse("networks:accounts", args=[team.workspace.slug]))
    assert "1 message from this account could not be filed" in page.content.decode()
    # The next poll reads what came since, and is not held up by it either.
    SandboxEvent.objects.create(account=remote, kind="mention", author_handle="late", text="Still open?")
    assert ingest.poll(account) == 1


def test_a_poisoned_reply_to_a_watched_post_is_set_aside_and_the_others_are_stored(team, monkeypatch):
    from firsthand.inbox.models import PostWatch
    from firsthand.inbox.tests.test_ingest import publish_now
    from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent
    from firsthand.networks.testing import connect_sandbox_account

    account = connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    remote = SandboxAccount.objects.get(pk=int(account.remote_id))
    SandboxAccount.objects.filter(pk=remote.pk).update(replies_by_post=True)  # like a Facebook Page
    delivery, ours = publish_now(team, account, "New rye today")
    replies = [
        SandboxEvent.objects.create(account=remote, kind="comment", author_handle=f"r{n}", text=t, post=ours)
        for n, t in enumerate(["Lovely", "poison", "How much?"])
    ]
    poisoned(monkeypatch)
    assert ingest.watch_due() == 3
    watch = PostWatch.objects.get(delivery=delivery)
    assert watch.cursor == str(replies[-1].pk) and watch.error == ""
    ingest.process_pending()
    assert sorted(Interaction.objects.values_list("text", flat=True)) == ["How much?", "Lovely"]
    assert "KeyError" in RawEvent.objects.exclude(error="").get().error


def test_an_item_set_aside_by_its_reader_is_read_again_after_the_fix(team, monkeypatch):
    """A Mastodon notification its reader choked on is kept whole; once the reader is mended, the owners'
    "Try filing again" reads it again and files it under its own id."""
    from firsthand.networks.models import ConnectedAccount

    account = ConnectedAccount.objects.create(
        workspace=team.workspace, network="mastodon", remote_id="1", handle="cafe@example.social"
    )
    cursor, _ = AccountCursor.objects.get_or_create(account=account)
    notes = [
        {
            "id": str(n),
            "type": "mention",
            "account": {"acct": f"p{n}@example.social"},
            "status": {"id": f"s{n}", "content": f"<p>Question {n}?</p>", "created_at": "2026-05-01T10:00:00Z"},
        }
        for n in range(3)
    ]
    from firsthand.networks.mastodon import connector as mastodon

    real = mastodon.plain_text

    def broken(content):  # the reader's bug: a part of it chokes on one status
        if "1" in content:
            raise AttributeError("'NoneType' object has no attribute 'get'")
        return real(content)

    monkeypatch.setattr(mastodon, "plain_text", broken)

    def read(account, cursor):
        return InteractionPage(items=read_each(MastodonConnector.interaction, notes), cursor="2")

    assert ingest.read_page(account, AccountCursor.objects.filter(pk=cursor.pk), 60, read, "") == 3
    ingest.process_pending()
    assert Interaction.objects.count() == 2
    aside = RawEvent.objects.exclude(error="").get()
    assert aside.remote_id == "unread:1" and aside.payload["item"] == notes[1]
    assert "AttributeError" in aside.error

    monkeypatch.setattr(mastodon, "plain_text", real)  # the fix
    assert filing.retry_set_aside(team.workspace) == 1
    ingest.process_pending()
    mended = RawEvent.objects.get(pk=aside.pk)
    assert mended.remote_id == "s1" and mended.error == ""
    assert Interaction.objects.filter(raw_event=mended, text="Question 1?").exists()
