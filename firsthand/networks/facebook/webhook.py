"""Meta's webhooks: comments on Facebook Pages' posts, Messenger messages, comments on Instagram media
and replies on Threads the moment they are written.

developers.facebook.com/docs/graph-api/webhooks/getting-started: the verification request (hub.mode,
hub.verify_token, hub.challenge, answered with the challenge) and the X-Hub-Signature-256 header (sha256
HMAC of the raw body with the app secret), checked before anything is read; .../webhooks/reference/page
(the feed field: item "comment", verb "add", comment_id, post_id, from, message, created_time) and
messenger-platform/webhooks (entry[].messaging[]: sender, recipient, timestamp, message.mid, message.text).

Instagram's (developers.facebook.com/docs/instagram-platform/webhooks/examples, .../graph-api/webhooks/
reference/instagram) come the same way, signed the same way, with object "instagram": entry.id is the
Instagram account, changes[] field "comments" with value id, text, from {id, username}, media {id}; direct messages as
Messenger's entry[].messaging[] (instagram-platform/webhooks/examples, messaging payload).

Threads' (developers.facebook.com/docs/threads/webhooks) too, shaped differently: one notification per
request, {"target_id", "values": {"field": "replies", "value": {id, username, text, timestamp,
replied_to {id}, root_post {id, owner_id, username}}}}, the root post's owner being the account.

Each workspace's app has its own address (/networks/<facebook|instagram|threads>/webhook/<app>/) and
verify token (shown on the set-up page). What arrives is stored raw, exactly as polling stores it,
under the same network ids, so an item that comes both ways is kept once.
"""

import hashlib
import hmac
import json
from datetime import datetime, timezone

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt

from firsthand.inbox.bulk import insert_objects
from firsthand.inbox.ingest import payload_of
from firsthand.inbox.models import RawEvent
from firsthand.networks.base import Interaction
from firsthand.networks.facebook import graph
from firsthand.networks.models import ConnectedAccount, NetworkApp


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
    store(app, payload)
    return HttpResponse("ok")  # answered at once: Facebook retries what is not acknowledged


def store(app: NetworkApp, payload: dict) -> int:
    accounts = {
        account.remote_id: account
        for account in ConnectedAccount.objects.connected().filter(workspace=app.workspace, network=app.network)
    }
    read = {"instagram": instagram_items_of, "threads": threads_items_of}.get(app.network, items_of)
    events = []
    for entry in entries_of(app.network, payload):
        if not isinstance(entry, dict):
            continue
        account = accounts.get(str(entry.get("id")))
        if account is None:
            continue  # an account of this app that this workspace has not connected
        for item in read(entry, account.remote_id):
            events.append(RawEvent(account=account, remote_id=item.remote_id[:255], payload=payload_of(item)))
    insert_objects(RawEvent, events, ignore_conflicts=True)
    return len(events)


def entries_of(network: str, payload) -> list[dict]:
    """Facebook and Instagram send entries for several accounts; Threads one notification, for one."""
    if network == "threads":
        notes = payload if isinstance(payload, list) else [payload]
        return [
            {**note, "id": threads_account_of(note)}
            for note in notes
            if isinstance(note, dict) and isinstance(note.get("values"), dict)
        ]
    entries = payload.get("entry", []) if isinstance(payload, dict) else []
    return entries if isinstance(entries, list) else []


def threads_account_of(note: dict) -> str:
    root = as_dict(as_dict(note["values"].get("value")).get("root_post"))
    return str(root.get("owner_id") or note.get("target_id") or "")


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


def instagram_items_of(entry: dict, ig_user: str):
    """An Instagram account's new comments, under the media they are on (as list_replies() reads them), and
    its direct messages."""
    for change in map(as_dict, as_list(entry.get("changes"))):
        value = as_dict(change.get("value"))
        sender, media = as_dict(value.get("from")), as_dict(value.get("media"))
        if change.get("field") != "comments" or not value.get("id") or str(sender.get("id")) == ig_user:
            continue  # another field, or the account's own answer
        yield Interaction(
            remote_id=str(value["id"]),
            kind="comment",
            author_handle=str(sender.get("username") or "someone"),
            author_name="",
            text=str(value.get("text", "")),
            created_at=moment(entry.get("time")),
            in_reply_to=str(media["id"]) if media.get("id") else None,
            raw=value,
        )
    yield from messaging_items(entry, ig_user)


def threads_items_of(entry: dict, user_id: str):
    """A reply to one of the account's Threads posts, as list_replies() reads it: under the root post."""
    field, value = entry["values"].get("field"), as_dict(entry["values"].get("value"))
    root = as_dict(value.get("root_post"))
    if field != "replies" or not value.get("id"):
        return
    if root.get("username") and value.get("username") == root.get("username"):
        return  # the account answering under its own post
    yield Interaction(
        remote_id=str(value["id"]),
        kind="reply",
        author_handle=str(value.get("username") or "someone"),
        author_name="",
        text=str(value.get("text", "")),
        created_at=graph.moment(value.get("timestamp")),
        in_reply_to=str(root["id"]) if root.get("id") else None,
        raw=value,
    )


def moment(value) -> datetime:
    try:
        return datetime.fromtimestamp(float(value), timezone.utc)
    except (TypeError, ValueError, OverflowError):
        return datetime.now(timezone.utc)
