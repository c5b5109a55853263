"""Meta's Messenger Platform, for a Facebook Page's Messenger and for its linked Instagram account's direct
messages: the same conversations endpoint with another platform, the same Send API.

developers.facebook.com/docs/messenger-platform/conversations (GET /{page}/conversations?platform=
messenger|instagram with the Page token; Instagram needs instagram_manage_messages) and
messenger-platform/reference/send-api (POST /{page}/messages: recipient, messaging_type, message).
"""

import json
from datetime import datetime, timezone

from firsthand.networks.base import (
    Interaction,
    InteractionPage,
    NetworkError,
    PublishedPost,
    cursor_time,
    dig,
    read_one,
)
from firsthand.networks.facebook import graph

MESSAGE_FIELDS = "messages.limit(25){id,message,from,created_time}"


def read(call, page_id: str, token: str, cursor: str, *, platform: str, own: set[str], refused: str) -> InteractionPage:
    """The newest conversations' latest messages newer than the cursor (the newest time read), oldest first.

    `own`: the ids the business writes as (its answers are not the customer's); `refused`: what the
    Accounts page says, before the network's words, when the app may not read these messages.
    """
    try:
        found = call(
            "GET",
            f"{page_id}/conversations",
            token,
            what=f"reading {platform.title()} messages",
            params={"platform": platform, "fields": MESSAGE_FIELDS, "limit": 25},
        )
    except NetworkError as error:
        if error.transient or error.auth:
            raise
        return InteractionPage(items=[], cursor=cursor, limitation=f"{refused}: {error.message}")
    newest, items = cursor, []
    for conversation in found.get("data", []):
        for message in messages_of(conversation):
            sender_id = dig(message, "from", "id")
            if isinstance(sender_id, str) and sender_id in own:
                continue
            # Only a time that reads is compared with the cursor or becomes it (one that does not is read
            # again at each poll, and kept once by its id).
            at = cursor_time(dig(message, "created_time"))
            if at and cursor and at <= cursor:
                continue
            newest = max(newest or "", at or "")
            items.append(read_one(message_item, message, dig(message, "from") or {}))
    items.sort(key=lambda i: i.created_at)  # an unreadable item sorts first
    return InteractionPage(items=items, cursor=newest or "")


def messages_of(conversation) -> list:
    """A conversation's latest messages; one of an odd shape goes to the reader whole, which sets it aside."""
    if not isinstance(conversation, dict):
        return [conversation]
    messages = conversation.get("messages") or {}
    if isinstance(messages, dict) and messages.get("data") is None:
        return []  # no messages the app may read
    found = dig(messages, "data")
    return found if isinstance(found, list) else [conversation]


def message_item(message: dict, sender: dict) -> Interaction:
    # Known by the sender's page- or Instagram-scoped id: the only one an answer can be sent to, and
    # the one the webhook gives.
    return Interaction(
        remote_id=f"m:{message['id']}",
        kind="message",
        author_handle=sender.get("id", ""),
        author_name=sender.get("name") or sender.get("username") or "",
        text=message.get("message", ""),
        created_at=graph.moment(message["created_time"]),
        thread=sender.get("id"),
        raw=message,
    )


def send(call, page_id: str, token: str, recipient: str, text: str) -> PublishedPost:
    sent = call(
        "POST",
        f"{page_id}/messages",
        token,
        what="sending the message",
        writes=True,
        data={
            "recipient": json.dumps({"id": recipient}),
            "messaging_type": "RESPONSE",
            "message": json.dumps({"text": text}),
        },
    )
    return PublishedPost(remote_id=sent.get("message_id", ""), url="", published_at=datetime.now(timezone.utc))
