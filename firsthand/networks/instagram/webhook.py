"""What Instagram's webhook deliveries hold (received, checked and stored by Meta's webhook:
facebook/webhook.py).

developers.facebook.com/docs/instagram-platform/webhooks/examples and .../graph-api/webhooks/reference/
instagram: object "instagram", entry.id the Instagram account, changes[] field "comments" with value id,
text, from {id, username}, media {id}; direct messages as Messenger's entry[].messaging[].
"""

from firsthand.networks.base import Interaction
from firsthand.networks.facebook import webhook as meta

entries = meta.entries  # Facebook's shape


def items_of(entry: dict, ig_user: str):
    """The account's new comments, under the media they are on (as list_replies() reads them), and its
    direct messages."""
    for change in map(meta.as_dict, meta.as_list(entry.get("changes"))):
        value = meta.as_dict(change.get("value"))
        sender, media = meta.as_dict(value.get("from")), meta.as_dict(value.get("media"))
        if change.get("field") != "comments" or not value.get("id") or str(sender.get("id")) == ig_user:
            continue  # another field, or the account's own answer
        yield Interaction(
            remote_id=str(value["id"]),
            kind="comment",
            author_handle=str(sender.get("username") or "someone"),
            author_name="",
            text=str(value.get("text", "")),
            created_at=meta.moment(entry.get("time")),
            in_reply_to=str(media["id"]) if media.get("id") else None,
            raw=value,
        )
    yield from meta.messaging_items(entry, ig_user)
