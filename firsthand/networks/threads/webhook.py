"""What Threads' webhook deliveries hold (received, checked and stored by Meta's webhook:
facebook/webhook.py).

developers.facebook.com/docs/threads/webhooks: one notification per request, {"target_id", "values":
{"field": "replies", "value": {id, username, text, timestamp, replied_to {id}, root_post {id, owner_id,
username}}}}, the root post's owner being the account.
"""

from firsthand.networks.base import Interaction
from firsthand.networks.facebook import graph
from firsthand.networks.facebook.webhook import as_dict


def entries(payload) -> list[tuple[str, dict]]:
    notes = payload if isinstance(payload, list) else [payload]
    return [
        (account_of(note), note) for note in notes if isinstance(note, dict) and isinstance(note.get("values"), dict)
    ]


def account_of(note: dict) -> str:
    root = as_dict(as_dict(note["values"].get("value")).get("root_post"))
    return str(root.get("owner_id") or note.get("target_id") or "")


def items_of(note: dict, user_id: str):
    """A reply to one of the account's posts, as list_replies() reads it: under the root post."""
    field, value = note["values"].get("field"), as_dict(note["values"].get("value"))
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
