"""The people, statuses and notifications on the fake Mastodon server: the world outside firsthand.

Tests make users and have them write, follow and get notified here; fake_server.py answers firsthand's
API calls about this world over HTTP.
"""

import html
import secrets
import threading
from datetime import datetime, timezone


def now_iso(when=None) -> str:
    return (when or datetime.now(timezone.utc)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class MastodonWorld:
    def __init__(self, url: str, max_characters: int):
        self.url = url
        self.lock = threading.Lock()
        self.news = threading.Condition()  # told of every new notification, for the streams
        self.max_characters = max_characters
        self.apps, self.codes, self.tokens = {}, {}, {}
        self.accounts, self.statuses, self.notifications, self.media = {}, {}, [], {}
        self.follows: dict[str, list[str]] = {}
        self.idempotency: dict[tuple, tuple] = {}
        self.next_id = 100

    def new_id(self) -> str:
        with self.lock:
            self.next_id += 1
            return str(self.next_id)

    def user(self, username, display_name="", *, avatar=True, followers=0, statuses=0) -> dict:
        account_id = self.new_id()
        self.accounts[account_id] = {
            "id": account_id,
            "username": username,
            "acct": username,
            "display_name": display_name or username.title(),
            "locked": False,
            "bot": False,
            "group": False,
            "discoverable": True,
            "created_at": "2024-03-01T00:00:00.000Z",
            "note": f"<p>{html.escape(display_name or username)} on the fake server</p>",
            "url": f"{self.url}/@{username}",
            "avatar": f"{self.url}/system/avatars/{username}.png"
            if avatar
            else f"{self.url}/avatars/original/missing.png",
            "avatar_static": f"{self.url}/avatars/original/missing.png",
            "header": f"{self.url}/headers/original/missing.png",
            "header_static": f"{self.url}/headers/original/missing.png",
            "followers_count": followers,
            "following_count": 0,
            "statuses_count": statuses,
            "last_status_at": None,
            "emojis": [],
            "fields": [],
        }
        self.follows[account_id] = []
        return self.accounts[account_id]

    def token_for(self, account) -> str:
        token = secrets.token_urlsafe(16)
        self.tokens[token] = {"account": account["id"], "revoked": False}
        return token

    def revoke_all(self, account):
        for token in self.tokens.values():
            if token["account"] == account["id"]:
                token["revoked"] = True

    def follow(self, follower, followed):
        self.follows[followed["id"]].append(follower["id"])
        followed["followers_count"] += 1
        follower["following_count"] += 1
        self.notify(followed, "follow", follower)

    def write(
        self, author, text, *, in_reply_to=None, visibility="public", mentions=(), media_ids=(), spoiler_text=""
    ) -> dict:
        """A status as a person writes it in any Mastodon app; mentioned accounts are notified."""
        parent = self.statuses.get(in_reply_to) if in_reply_to else None
        status_id = self.new_id()
        status = {
            "id": status_id,
            "created_at": now_iso(),
            "in_reply_to_id": in_reply_to,
            "in_reply_to_account_id": parent["account"]["id"] if parent else None,
            "sensitive": bool(spoiler_text),
            "spoiler_text": spoiler_text,
            "visibility": visibility,
            "language": "en",
            "uri": f"{self.url}/users/{author['username']}/statuses/{status_id}",
            "url": f"{self.url}/@{author['username']}/{status_id}",
            "replies_count": 0,
            "reblogs_count": 0,
            "favourites_count": 0,
            "content": "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n")).replace("\n", "<br />"),
            "account": author,
            "media_attachments": [self.media[m] for m in media_ids],
            "mentions": [
                {"id": m["id"], "username": m["username"], "acct": m["acct"], "url": m["url"]} for m in mentions
            ],
            "tags": [],
            "emojis": [],
            "card": None,
            "poll": None,
            "reblog": None,
            "edited_at": None,
            "text_for_test": text,
        }
        self.statuses[status_id] = status
        if parent:
            parent["replies_count"] += 1
        for mentioned in mentions:
            self.notify(mentioned, "mention", author, status)
        return status

    def notify(self, account, kind, by, status=None):
        notification = {
            "id": self.new_id(),
            "type": kind,
            "group_key": f"ungrouped-{self.next_id}",
            "created_at": now_iso(),
            "account": by,
            "status": status,
            "for": account["id"],
        }
        with self.news:
            self.notifications.append(notification)
            self.news.notify_all()
