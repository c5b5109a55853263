"""Mastodon (and servers that speak its API), with the `Mastodon.py` SDK.

Any server: firsthand registers itself as an app on each server once (POST /api/v1/apps) and signs in with
OAuth's authorization-code flow; the token is stored encrypted. Mastodon tokens do not expire, so
"refreshing" is asking the server whether the token is still good.

Exactly once: every status is sent with an `Idempotency-Key` (the delivery's key); Mastodon answers a
repeat within an hour with the status it already made. The character limit comes from the server's own
configuration (GET /api/v2/instance), read when the account connects. Reaching the server (the SDK on
the guarded session, its errors as NetworkError, the server's address) is in client.py.

API references (docs.joinmastodon.org): methods/apps, methods/oauth, methods/statuses (create, delete,
get), methods/media (v2), methods/notifications, methods/accounts (verify_credentials, followers),
methods/instance (v2), methods/streaming, api/guidelines#pagination.
"""

import dataclasses
import html
from datetime import datetime, timezone
from html.parser import HTMLParser

from django.core.files.storage import default_storage
from mastodon import Mastodon

from firsthand.networks.base import (
    FollowerPage,
    Interaction,
    InteractionPage,
    NetworkError,
    OutgoingPost,
    PostMetrics,
    PublishedPost,
    RemotePost,
    dig,
    number,
    read_each,
)
from firsthand.networks.limits import LIMITS
from firsthand.networks.mastodon.client import calling, sdk_client

NOTIFICATION_KINDS = {"mention": "mention", "quote": "quote", "favourite": "like", "follow": "follow"}
VISIBILITY = {"public": "public", "unlisted": "unlisted", "followers": "private"}  # Mastodon's own words
PAGE_SIZE = 40  # the most GET /api/v1/notifications returns at once
MAX_PAGES_PER_POLL = 10
DEFAULT_AVATAR = "/avatars/original/missing.png"
DEFAULT_HEADER = "/headers/original/missing.png"


class PlainText(HTMLParser):
    """A status's HTML as the plain text a person reads: paragraphs and line breaks kept, tags gone."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(content: str) -> str:
    parser = PlainText()
    parser.feed(content or "")
    return html.unescape("".join(parser.parts)).strip()


def utc(value) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(timezone.utc)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def other_kind(notification) -> bool:
    """A notification of a kind the inbox does not read (a boost, a poll's end). One whose kind cannot be
    told goes on to the reader, which sets it aside with its reason."""
    kind = dig(notification, "type")
    return isinstance(kind, str) and kind not in NOTIFICATION_KINDS


class MastodonConnector:
    network = "mastodon"
    limits = LIMITS["mastodon"]

    def limits_for(self, account):
        """This server's own limits: many servers allow more than Mastodon's default 500 characters."""
        from firsthand.networks.mastodon.models import MastodonInstance

        instance = MastodonInstance.objects.filter(api_base_url=account.credentials.get("instance", "")).first()
        if instance is None:
            return self.limits
        return dataclasses.replace(
            self.limits, max_length=instance.max_characters, max_images=instance.max_media_attachments
        )

    def client(self, account) -> Mastodon:
        credentials = account.credentials
        if not credentials.get("access_token"):
            raise NetworkError("The account has no Mastodon token; reconnect it.", transient=False, auth=True)
        return sdk_client(credentials["instance"], credentials["access_token"])

    # --- publishing -------------------------------------------------------------------------

    def publish(self, account, post: OutgoingPost) -> PublishedPost:
        client = self.client(account)
        text = post.text
        if post.reply_to:
            text = self.addressed(client, account, post.reply_to, text)
        media_ids = [self.upload(client, media) for media in post.media]
        with calling("publishing the status", client, writes=True):
            status = client.status_post(
                text,
                in_reply_to_id=post.reply_to,
                media_ids=media_ids or None,
                idempotency_key=post.idempotency_key,
                visibility=VISIBILITY[post.audience],
                spoiler_text=post.content_warning or None,
                sensitive=bool(post.content_warning),
            )
        return PublishedPost(
            remote_id=str(status["id"]), url=status.get("url") or "", published_at=utc(status.get("created_at"))
        )

    def addressed(self, client, account, reply_to: str, text: str) -> str:
        """A reply names the person it answers, as Mastodon's own apps do, or they may never see it."""
        with calling("reading the status being answered", client):
            parent = client.status(reply_to)
        acct = parent["account"]["acct"]
        if str(parent["account"]["id"]) == account.credentials.get("account_id") or f"@{acct}".lower() in text.lower():
            return text
        return f"@{acct} {text}"

    def upload(self, client, media) -> str:
        with default_storage.open(media.path, "rb") as file:
            data = file.read()
        with calling("uploading an image", client, writes=True):
            uploaded = client.media_post(
                data,
                mime_type=media.mime_type,
                description=media.alt_text or None,
                focus=(0.0, 0.0),  # the centre: the preview crops around it
                file_name=media.path.rsplit("/", 1)[-1],
            )
        return str(uploaded["id"])

    def find_published(self, account, idempotency_key: str) -> PublishedPost | None:
        # Mastodon has no lookup by key; instead it answers a repeat POST with the same Idempotency-Key
        # (kept for an hour) with the status it made the first time, so the retry itself is safe.
        return None

    def delete(self, account, remote_id: str) -> None:
        client = self.client(account)
        try:
            with calling("deleting the status", client, writes=True):
                client.status_delete(remote_id)
        except NetworkError as error:
            if "not found" not in error.message.lower():
                raise
            # Already gone (deleted on Mastodon itself): that is what was asked for.

    def fetch_post(self, account, remote_id: str) -> RemotePost:
        client = self.client(account)
        try:
            with calling("reading the status", client):
                status = client.status(remote_id)
        except NetworkError as error:
            if "not found" in error.message.lower():
                return RemotePost(remote_id=remote_id, url="", text="", exists=False)
            raise
        return RemotePost(
            remote_id=str(status["id"]),
            url=status.get("url") or "",
            text=plain_text(status.get("content", "")),
            exists=True,
            like_count=status.get("favourites_count") or 0,
            reply_count=status.get("replies_count") or 0,
        )

    def post_metrics(self, account, remote_ids: list[str]) -> dict[str, PostMetrics]:
        # Reference: https://docs.joinmastodon.org/methods/statuses/#get (one status a call: the
        # several-ids form needs Mastodon 4.3, which many servers do not run yet) and
        # https://docs.joinmastodon.org/entities/Status/ (replies_count, reblogs_count,
        # favourites_count). Mastodon counts no quotes or clicks.
        client = self.client(account)
        found = {}
        for remote_id in remote_ids:
            try:
                with calling("reading the status's figures", client):
                    status = client.status(remote_id)
            except NetworkError as error:
                if "not found" in error.message.lower():
                    continue  # deleted on Mastodon: nothing to measure
                raise
            found[remote_id] = PostMetrics(
                replies=status.get("replies_count") or 0,
                likes=status.get("favourites_count") or 0,
                reposts=status.get("reblogs_count") or 0,
            )
        return found

    def like(self, account, remote_id: str) -> None:
        if remote_id.startswith("notification:"):
            raise NetworkError("Only a status can be favourited.", transient=False)
        client = self.client(account)
        with calling("favouriting the status", client, writes=True):
            client.status_favourite(remote_id)

    def send_message(self, account, thread: str, text: str) -> PublishedPost:
        """A direct message is a status with visibility "direct" that names its reader."""
        acct, _, reply_to = thread.partition(" ")
        client = self.client(account)
        if f"@{acct}".lower() not in text.lower():
            text = f"@{acct} {text}"
        with calling("sending the direct message", client, writes=True):
            status = client.status_post(text, in_reply_to_id=reply_to or None, visibility="direct")
        return PublishedPost(remote_id=str(status["id"]), url=status.get("url") or "")

    # --- the inbox --------------------------------------------------------------------------

    def replies_need_watching(self, account) -> bool:
        return False  # replies to the account's posts come as notifications

    def stream(self, account):
        """The streaming API tells of each notification as it comes (stream.py); polling stays the net."""
        from firsthand.networks.mastodon.stream import MastodonStream

        return MastodonStream(self.client(account))

    def list_interactions(self, account, cursor: str = "") -> InteractionPage:
        """Notifications newer than the cursor (the newest notification id read), oldest first.

        `min_id` returns the page right after the given id; following pages continue from the newest id
        of each, so a long backlog is read in order over one or several polls.
        """
        client = self.client(account)
        found = []
        newest = cursor or "0"  # the first read starts from the oldest the server keeps, not the newest page
        for _ in range(MAX_PAGES_PER_POLL):
            with calling("reading notifications", client):
                page = client.notifications(min_id=newest, limit=PAGE_SIZE, types=list(NOTIFICATION_KINDS))
            if not page:
                break
            # A notification whose id is no number sorts first and never becomes the cursor.
            page = sorted(page, key=lambda n: number(dig(n, "id")) or -1)
            found += page
            top = dig(page[-1], "id")
            if number(top) is None or number(top) <= (number(newest) or 0):
                break  # nothing on this page moves the cursor on: asking again would give it again
            newest = str(top)
            if len(page) < PAGE_SIZE:
                break
        items = read_each(self.interaction, [n for n in found if not other_kind(n)])
        return InteractionPage(items=items, cursor="" if newest == "0" else newest)

    @staticmethod
    def interaction(notification) -> Interaction:
        status = notification.get("status") or {}
        author = notification["account"]
        direct = status.get("visibility") == "direct"
        kind = "message" if direct else NOTIFICATION_KINDS[notification["type"]]
        if notification["type"] == "quote":
            quoted = (status.get("quote") or {}).get("quoted_status") or {}
            in_reply_to = str(quoted["id"]) if quoted.get("id") else None
        elif notification["type"] == "favourite":
            in_reply_to = str(status["id"]) if status.get("id") else None
        else:
            in_reply_to = str(status["in_reply_to_id"]) if status.get("in_reply_to_id") else None
        # A status is known by its own id (what an answer replies to); a like or follow by its notification's.
        talks = kind in ("mention", "quote", "message") and status.get("id")
        return Interaction(
            remote_id=str(status["id"]) if talks else f"notification:{notification['id']}",
            kind=kind,
            author_handle=author["acct"],
            author_name=author.get("display_name") or "",
            text=plain_text(status.get("content", "")) if kind in ("mention", "quote", "message") else "",
            created_at=utc(status.get("created_at") or notification.get("created_at")),
            in_reply_to=None if direct else in_reply_to,
            raw={
                "notification": str(notification["id"]),
                "status": str(status.get("id", "")),
                "type": notification["type"],
            },
            thread=f"{author['acct']} {status['id']}" if direct else None,
        )

    # --- followers and health ---------------------------------------------------------------

    def list_followers(self, account, cursor: str = "") -> FollowerPage:
        client = self.client(account)
        with calling("reading followers", client):
            page = client.account_followers(account.credentials["account_id"], max_id=cursor or None, limit=80)
        observed = datetime.now(timezone.utc).isoformat()
        next_cursor = str(page._pagination_next["max_id"]) if getattr(page, "_pagination_next", None) else ""
        return FollowerPage(profiles=[follower_profile(a, observed) for a in page], cursor=next_cursor)

    def refresh_credentials(self, account) -> dict | None:
        client = self.client(account)
        with calling("checking the token", client):
            client.account_verify_credentials()
        return None  # Mastodon tokens do not expire; the check is that it still works


def follower_profile(account, observed_at: str) -> dict:
    """A Mastodon account in the form `firsthand judge follower` reads."""
    fields = account.get("fields") or []
    return {
        "id": str(account["id"]),
        "handle": account["acct"],
        "display_name": account.get("display_name"),
        "description": plain_text(account.get("note", "")),
        "followers_count": account.get("followers_count"),
        "following_count": account.get("following_count"),
        "posts_count": account.get("statuses_count"),
        "likes_count": None,  # Mastodon does not publish it
        "listed_count": None,
        "created_at": utc(account["created_at"]).isoformat() if account.get("created_at") else None,
        "observed_at": observed_at,
        "has_default_avatar": DEFAULT_AVATAR in (account.get("avatar") or DEFAULT_AVATAR),
        "has_default_banner": DEFAULT_HEADER in (account.get("header") or DEFAULT_HEADER),
        "url": account.get("url"),
        "location": None,
        "verified": any(field.get("verified_at") for field in fields),
    }
