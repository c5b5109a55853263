"""Fuzz: random text and payload shapes through every network's webhook reader, storing and filing.

Whatever a network (or someone with its signing secret) sends, no exception escapes, everything is
stored or set aside with a reason, and no item keeps another from being filed.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firsthand.inbox import filing
from firsthand.inbox.ingest import storable
from firsthand.inbox.models import Conversation, Interaction, Person, RawEvent
from firsthand.networks.facebook import webhook
from firsthand.networks.models import ConnectedAccount, NetworkApp

pytestmark = pytest.mark.django_db

# The names the readers look for, so random shapes reach deep into them, and a few they never expect.
KEYS = [
    *("entry", "id", "changes", "field", "value", "item", "verb", "from", "name", "comment_id", "post_id"),
    *("message", "created_time", "messaging", "sender", "mid", "text", "timestamp", "is_echo", "media"),
    *("username", "values", "target_id", "root_post", "owner_id", "kind", "author_handle", "created_at"),
    *("author_name", "in_reply_to", "thread"),
]
HUGE = st.integers(min_value=10**4400, max_value=10**4400 + 10) | st.integers(
    max_value=-(10**5000), min_value=-(10**5000) - 3
)
TEXT = st.text(max_size=40) | st.sampled_from(["\x00", "a\x00b", "\ud800", "\U0001f600" * 3, "", " ", "2026-13-45"])
SCALAR = (
    st.none()
    | st.booleans()
    | st.integers()
    | HUGE
    | st.floats(allow_nan=True, allow_infinity=True)
    | TEXT
    | st.sampled_from(["feed", "comment", "add", "comments", "replies", "mention", "message", "PAGE"])
)
SHAPE = st.recursive(
    SCALAR,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | TEXT, inner, max_size=6),
    max_leaves=40,
)
# Inside a delivery's shape: smaller, so hypothesis keeps the shape rather than running out of room.
LEAF = st.recursive(
    SCALAR,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.sampled_from(KEYS) | TEXT, inner, max_size=3),
    max_leaves=4,
)


def nested(depth: int):
    value = "deep"
    for _ in range(depth):
        value = {"entry": [value]}
    return value


@st.composite
def usually(draw, value):
    """What a reader looks for (a value, or what a strategy draws), seven times in eight; else any shape."""
    if draw(st.integers(0, 7)) == 0:
        return draw(LEAF)
    return draw(value) if isinstance(value, st.SearchStrategy) else value


ID = usually(st.text(min_size=1, max_size=12))


def keys(**fields):
    return usually(st.fixed_dictionaries(fields))


def some(strategy):
    return usually(st.lists(strategy, min_size=1, max_size=3))


def meta_like(network):
    """Deliveries shaped as each network sends them, with random values anywhere inside."""
    change = keys(
        field=st.sampled_from(["feed", "comments"]),
        value=keys(
            item=usually("comment"),
            verb=usually("add"),
            id=ID,
            comment_id=ID,
            post_id=ID,
            created_time=LEAF,
            message=usually(TEXT),
            text=usually(TEXT),
            username=ID,
            media=keys(id=ID),
            **{"from": keys(id=ID, name=LEAF)},
        ),
    )
    messaging = keys(sender=keys(id=ID), timestamp=LEAF, message=keys(mid=ID, text=usually(TEXT), is_echo=LEAF))
    entry = keys(id=usually("PAGE"), time=LEAF, changes=some(change), messaging=some(messaging))
    reply = keys(
        id=ID, username=ID, text=usually(TEXT), timestamp=LEAF, root_post=keys(id=ID, owner_id=usually("PAGE"))
    )
    note = keys(target_id=usually("PAGE"), values=keys(field=usually("replies"), value=reply))
    shaped = st.one_of(note, some(note)) if network == "threads" else keys(entry=some(entry))
    return st.one_of(shaped, shaped, shaped, SHAPE, st.sampled_from([nested(70), nested(500)]))


@pytest.fixture
def meta_accounts(team):
    accounts = {}
    for network in webhook.READERS:
        NetworkApp.objects.create(workspace=team.workspace, network=network, client_id=f"{network}-app")
        accounts[network] = ConnectedAccount.objects.create(
            workspace=team.workspace, network=network, remote_id="PAGE", handle=f"bakery-{network}"
        )
    return accounts


def clear_inbox():
    for model in (Interaction, Conversation, Person, RawEvent):
        model.objects.all().delete()


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=st.data())
@pytest.mark.parametrize("network", sorted(webhook.READERS))
def test_every_webhook_reader_stores_any_delivery_without_raising(team, meta_accounts, network, data):
    payload = data.draw(meta_like(network))
    clear_inbox()
    app = NetworkApp.objects.get(network=network)
    stored = webhook.store(app, payload)
    assert RawEvent.objects.count() <= stored  # the same item twice in a delivery is stored once
    for raw in RawEvent.objects.all():
        json.dumps(raw.payload, allow_nan=False)  # plain JSON, as PostgreSQL's jsonb takes it
        assert "\x00" not in json.dumps(raw.payload, ensure_ascii=False)
    filing.process_pending()
    assert not RawEvent.objects.filter(processed_at=None).exists()  # filed, or set aside with a reason
    for raw in RawEvent.objects.filter(item=None):
        assert raw.error or raw.payload.get("kind") not in filing.CONVERSATION_KINDS


ALPHABET = "abcdefghijklmnopqrstuvwxyz ?!"


@FUZZ
@given(
    payloads=st.lists(
        SHAPE | st.fixed_dictionaries({"kind": st.just("mention"), "author_handle": TEXT, "text": SHAPE})
    ),
    texts=st.lists(TEXT, max_size=10),
    plain=st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=30), min_size=1, max_size=5),
)
def test_filing_any_payload_shape_never_raises_and_never_holds_up_a_good_item(
    team, meta_accounts, payloads, texts, plain
):
    clear_inbox()
    account = meta_accounts["facebook"]
    rows = [storable(p) for p in payloads if p is not None]  # a JSON column holds no bare null
    rows += [{"kind": "mention", "author_handle": f"t{n}", "text": storable(t)} for n, t in enumerate(texts)]
    good = [{"kind": "message", "author_handle": f"good{n}", "text": t} for n, t in enumerate(plain)]
    mixed = rows[: len(rows) // 2] + good + rows[len(rows) // 2 :]
    RawEvent.objects.bulk_create(
        [RawEvent(account=account, remote_id=str(n), payload=payload) for n, payload in enumerate(mixed)]
    )
    filing.process_pending()
    assert not RawEvent.objects.filter(processed_at=None).exists()
    for payload in good:  # every well-formed item is filed in the same pass, whatever came with it
        assert Interaction.objects.filter(author_handle=payload["author_handle"], text=payload["text"]).exists()
    for raw in RawEvent.objects.filter(item=None):
        kind = raw.payload.get("kind") if isinstance(raw.payload, dict) else None
        assert raw.error or kind not in filing.CONVERSATION_KINDS
