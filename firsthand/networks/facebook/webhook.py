"""Meta's webhooks: comments on Facebook Pages' posts, Messenger messages, comments on Instagram media
and replies on Threads the moment they are written.

developers.facebook.com/docs/graph-api/webhooks/getting-started: the verification request (hub.mode,
hub.verify_token, hub.challenge, answered with the challenge) and the X-Hub-Signature-256 header (sha256
HMAC of the raw body with the app secret), checked before anything is read; .../webhooks/reference/page
(the feed field: item "comment", verb "add", comment_id, post_id, from, message, created_time) and
messenger-platform/webhooks (entry[].messaging[]: sender, recipient, timestamp, message.mid, message.text).

Instagram's and Threads' come the same way, signed the same way; what their deliveries hold is read by
their own modules (instagram/webhook.py, threads/webhook.py), each giving entries() and items_of().

Each workspace's app has its own address (/networks/<facebook|instagram|threads>/webhook/<app>/) and
verify token (shown on the set-up page). What arrives is stored raw, exactly as polling stores it,
under the same network ids, so an item that comes both ways is kept once.
"""

import hashlib
import hmac
import json
import logging
from datetime import datetime, timezone
from importlib import import_module

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt

from firsthand.inbox.bulk import insert_objects
from firsthand.inbox.ingest import payload_of, storable
from firsthand.inbox.models import RawEvent
from firsthand.networks.base import Interaction
from firsthand.networks.models import ConnectedAccount, NetworkApp

logger = logging.getLogger("firsthand.networks")


def verify_token(app: NetworkApp) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{app.network}-webhook:{app.pk}".encode(), hashlib.sha256).hexdigest()[:32]


def signed(app: NetworkApp, body: bytes, header: str) -> bool:
    expected = "sha256=" + hmac.new(app.client_secret.encode(), body, hashlib.sha256).hexdigest()
    return bool(header) and hmac.compare_digest(expected, header)


@csrf_exempt
def receive(request, app_id, network="facebook"):
    app = get_object_or_404(NetworkApp, pk=app_id, network=network)
    if request.method == "GET":
        if request.GET.get("hub.mode") == "subscribe" and hmac.compare_digest(
            request.GET.get("hub.verify_token", ""), verify_token(app)
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponseForbidden("Wrong verify token.")
    if request.method != "POST":
        return HttpResponse(status=405)
    if not signed(app, request.body, request.headers.get("X-Hub-Signature-256", "")):
        return HttpResponseForbidden("The signature does not match the app secret.")
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponse("Not JSON.", status=400)
    except RecursionError:  # nested deeper than the parser goes: no delivery of Meta's looks like this
        return HttpResponse("JSON nested too deeply.", status=400)
    store(app, payload)
    return HttpResponse("ok")  # answered at once: Facebook retries what is not acknowledged


# Each network's reader: entries(payload) → [(the account's id on the network, entry)] and
# items_of(entry, the account's id) → the Interactions in it.
READERS = {
    "facebook": "firsthand.networks.facebook.webhook",
    "instagram": "firsthand.networks.instagram.webhook",
    "threads": "firsthand.networks.threads.webhook",
}


def store(app: NetworkApp, payload) -> int:
    """Store each item of a delivery raw. An entry its reader cannot read is stored whole instead, so
    filing sets it aside with the reason for the owners to see: nothing is lost, nothing else waits."""
    reader = import_module(READERS[app.network])
    accounts = {
        account.remote_id: account
        for account in ConnectedAccount.objects.connected().filter(workspace=app.workspace, network=app.network)
    }
    events = []
    # Numbers too big to write, NaN, lone surrogates and U+0000 made storable before anything reads them.
    for account_id, entry in reader.entries(storable(payload)):
        account = accounts.get(account_id)
        if account is None:
            continue  # an account of this app that this workspace has not connected
        try:
            items = [(item.remote_id[:255], payload_of(item)) for item in reader.items_of(entry, account.remote_id)]
        except Exception as problem:
            logger.exception("%s webhook: an entry for account %s could not be read", app.network, account.pk)
            digest = hashlib.sha256(json.dumps(entry, sort_keys=True).encode()).hexdigest()[:32]
            reason = f"firsthand could not read this delivery from the network ({type(problem).__name__})"
            items = [(f"unread:{digest}", {"unread": reason, "entry": entry})]
        events += [RawEvent(account=account, remote_id=remote_id, payload=data) for remote_id, data in items]
    insert_objects(RawEvent, events, ignore_conflicts=True)
    return len(events)


def entries(payload) -> list[tuple[str, dict]]:
    """A delivery's entry[], one per account (Facebook's and Instagram's shape)."""
    return [(str(entry.get("id")), entry) for entry in map(as_dict, as_list(as_dict(payload).get("entry")))]


def as_list(value) -> list:
    return value if isinstance(value, list) else []


def as_dict(value) -> dict:
    """A part of a payload that should be an object; anything else reads as empty, never as a crash."""
    return value if isinstance(value, dict) else {}


def items_of(entry: dict, page_id: str):
    """A Facebook Page's new comments and Messenger messages."""
    for change in map(as_dict, as_list(entry.get("changes"))):
        value = as_dict(change.get("value"))
        sender = as_dict(value.get("from"))
        if change.get("field") == "feed" and value.get("item") == "comment" and value.get("verb") == "add":
            if sender.get("id") == page_id:
                continue  # the Page's own answers
            yield Interaction(
                remote_id=str(value.get("comment_id", "")),
                kind="comment",
                author_handle=str(sender.get("id", "someone")),
                author_name=str(sender.get("name", "")),
                text=str(value.get("message", "")),
                created_at=moment(value.get("created_time")),
                in_reply_to=str(value.get("post_id", "")) or None,
                raw=value,
            )
    yield from messaging_items(entry, page_id)


def messaging_items(entry: dict, own_id: str):
    """Messenger's messages (a Page's, or its Instagram account's direct messages: the same shape)."""
    for event in map(as_dict, as_list(entry.get("messaging"))):
        message, sender = as_dict(event.get("message")), str(as_dict(event.get("sender")).get("id", ""))
        if not message.get("mid") or sender == own_id or message.get("is_echo"):
            continue
        yield Interaction(
            remote_id=f"m:{message['mid']}",
            kind="message",
            author_handle=sender,
            author_name="",
            text=str(message.get("text", "")),
            created_at=moment(event["timestamp"] / 1000 if isinstance(event.get("timestamp"), int | float) else None),
            thread=sender,
            raw=event,
        )


def moment(value) -> datetime:
    try:
        return datetime.fromtimestamp(float(value), timezone.utc)
    except (TypeError, ValueError, OverflowError):
        return datetime.now(timezone.utc)
