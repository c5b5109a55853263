"""Threads through the Threads API (graph.threads.net; Meta's Graph style, so facebook/graph.py's call()).

Publishing is two steps like Instagram's: a container (text, one image, or a carousel; reply_to_id for
answers and follow-up parts), its status polled until FINISHED, then threads_publish. Images are fetched
by Threads from a public address (networks/public_media.py). Exactly once by lookup among the account's
recent threads. Replies to the account's posts are read post by post (/conversation) for
FIRSTHAND_WATCH_HOURS, answered with reply_to_id, and can be hidden (manage_reply); posts that mention
the account are read from /mentions (threads-mentions).
Tokens: a long-lived token (60 days) renewed with th_refresh_token before it runs out.

developers.facebook.com/docs/threads: posts (media containers, threads_publish), troubleshooting
(container status), retrieve-and-manage-replies (conversation, manage_reply), get-started/
long-lived-tokens (th_exchange_token, th_refresh_token), overview (rate limits: 250 posts a day).
"""

import logging
import time
from datetime import datetime, timezone

import httpx
from django.conf import settings

from firsthand.networks import lookup
from firsthand.networks.base import (
    FollowerPage,
    Interaction,
    InteractionPage,
    NetworkError,
    OutgoingPost,
    PublishedPost,
    RemotePost,
    dig,
    read_each,
)
from firsthand.networks.facebook import graph
from firsthand.networks.limits import LIMITS
from firsthand.networks.public_media import public_url

MENTION_FIELDS = "id,text,username,timestamp,permalink"
# 2,000 mentions since the last poll (15 s before) at most: beyond that the oldest would be skipped,
# as `since` cannot come back to them once the newest are read.
MENTION_PAGES = 40
logger = logging.getLogger("firsthand.networks")

VERSION = "v1.0"  # the Threads API's version in every path; no end of life is announced
STATUS_POLLS = 10
REFRESH_BEFORE_SECONDS = 7 * 24 * 3600  # long-lived tokens last 60 days: renewed in their last week


def api():
    return (settings.THREADS_API_URL, VERSION)


def call(*args, **kwargs):
    return graph.call(*args, api=api(), name="Threads", **kwargs)


class ThreadsConnector:
    network = "threads"
    limits = LIMITS["threads"]
    wait = staticmethod(time.sleep)

    def user(self, account) -> tuple[str, str]:
        credentials = account.credentials
        if float(credentials.get("expires_at") or time.time() + 1) < time.time():
            raise NetworkError(
                "The Threads access has run out (60 days); connect the account again.", transient=False, auth=True
            )
        return credentials["user_id"], credentials["access_token"]

    def publish(self, account, post: OutgoingPost) -> PublishedPost:
        user, token = self.user(account)
        lookup.reserve(account, post.idempotency_key, post.text, post.reply_to)
        data = {"text": post.text}
        if post.reply_to:
            data["reply_to_id"] = post.reply_to
        if len(post.media) == 1:
            data.update(media_type="IMAGE", image_url=public_url(post.media[0].path, "Threads"))
            if post.media[0].alt_text:
                data["alt_text"] = post.media[0].alt_text
        elif post.media:
            children = [
                call(
                    "POST",
                    f"{user}/threads",
                    token,
                    what="preparing an image",
                    writes=True,
                    data={
                        "media_type": "IMAGE",
                        "image_url": public_url(item.path, "Threads"),
                        "is_carousel_item": "true",
                    },
                )["id"]
                for item in post.media
            ]
            data.update(media_type="CAROUSEL", children=",".join(children))
        else:
            data["media_type"] = "TEXT"
        container = call("POST", f"{user}/threads", token, what="preparing the post", writes=True, data=data)["id"]
        self.until_ready(token, container)
        made = call(
            "POST", f"{user}/threads_publish", token, what="publishing", writes=True, data={"creation_id": container}
        )
        found = call("GET", made["id"], token, what="reading the post", params={"fields": "permalink"})
        return PublishedPost(
            remote_id=made["id"], url=found.get("permalink", ""), published_at=datetime.now(timezone.utc)
        )

    def until_ready(self, token, container: str) -> None:
        graph.wait_for_container(call, token, container, field="status", label="Threads", wait=self.wait)

    def find_published(self, account, idempotency_key: str) -> PublishedPost | None:
        reserved = lookup.reservation(account, idempotency_key)
        if reserved is None:
            return None
        user, token = self.user(account)
        recent = call(
            "GET",
            f"{user}/threads",
            token,
            what="looking for the post",
            params={"fields": "id,text,timestamp,permalink", "since": reserved["at"] - 60, "limit": 50},
        )
        if reserved.get("parent"):
            recent = call(
                "GET",
                f"{user}/replies",
                token,
                what="looking for the reply",
                params={"fields": "id,text,timestamp", "limit": 50},
            )
        for item in recent.get("data", []):
            if lookup.digest(item.get("text", "")) == reserved["text"]:
                return PublishedPost(remote_id=item["id"], url=item.get("permalink", ""))
        return None

    def delete(self, account, remote_id: str) -> None:
        try:
            call("DELETE", remote_id, self.user(account)[1], what="deleting the post", writes=True)
        except graph.Gone:
            pass  # already gone

    def fetch_post(self, account, remote_id: str) -> RemotePost:
        try:
            found = call(
                "GET", remote_id, self.user(account)[1], what="reading the post", params={"fields": "id,text,permalink"}
            )
        except graph.Gone:
            return RemotePost(remote_id=remote_id, url="", text="", exists=False)
        return RemotePost(remote_id=remote_id, url=found.get("permalink", ""), text=found.get("text", ""), exists=True)

    def hide(self, account, remote_id: str, hidden: bool = True) -> None:
        call(
            "POST",
            f"{remote_id}/manage_reply",
            self.user(account)[1],
            what="hiding the reply",
            writes=True,
            data={"hide": str(hidden).lower()},
        )

    def like(self, account, remote_id: str) -> None:
        raise NetworkError("The Threads API does not let an account like posts.", transient=False)

    def send_message(self, account, thread: str, text: str) -> PublishedPost:
        raise NetworkError("Threads has no private messages.", transient=False)

    def replies_need_watching(self, account) -> bool:
        return True

    def list_replies(self, account, remote_id: str, cursor: str = "") -> InteractionPage:
        user, token = self.user(account)
        params = {"fields": "id,text,username,timestamp,is_reply_owned_by_me", "reverse": "false", "limit": 50}
        if cursor:
            params["after"] = cursor
        found = call("GET", f"{remote_id}/conversation", token, what="reading replies", params=params)
        items = read_each(
            reply_item, [reply for reply in found.get("data", []) if not dig(reply, "is_reply_owned_by_me")], remote_id
        )
        after = ((found.get("paging") or {}).get("cursors") or {}).get("after")
        return InteractionPage(items=items, cursor=after or cursor)

    def list_interactions(self, account, cursor: str = "") -> InteractionPage:
        """Public posts that mention the account (/{user}/mentions, threads_manage_mentions), oldest first.

        The cursor is the time of the newest mention read (Unix seconds): `since` takes mentions from that
        second on, so one made in the same second is read too, and the repeat is kept once.
        """
        user, token = self.user(account)
        params = {"fields": MENTION_FIELDS, "limit": 50}
        if cursor.isdigit():
            params["since"] = cursor
        found: list[dict] = []
        for _ in range(MENTION_PAGES):
            try:
                page = call("GET", f"{user}/mentions", token, what="reading mentions", params=params)
            except NetworkError as error:
                if error.transient or error.auth:
                    raise
                return InteractionPage(
                    items=[],
                    cursor=cursor,
                    limitation=f"Threads does not let the app read this account's mentions: {error.message}",
                )
            found += page.get("data") or []
            after = ((page.get("paging") or {}).get("cursors") or {}).get("after")
            if not page.get("data") or not after:
                break
            params["after"] = after  # Threads gives cursors, not next links (retrieve-and-discover-posts)
        else:
            logger.warning(
                "more than %s mentions of %s since the last poll; the oldest are skipped", 50 * MENTION_PAGES, account
            )
        # A mention with no id is passed over; one of an odd shape goes to the reader, which sets it aside.
        mentions = [m for m in found if not isinstance(m, dict) or m.get("id")]
        items = sorted(read_each(mention_item, mentions), key=lambda item: item.created_at)
        read = [item for item in items if isinstance(item, Interaction)]  # the cursor is a time: read items only
        newest = max((int(item.created_at.timestamp()) for item in read), default=0)
        return InteractionPage(items=items, cursor=str(newest) if newest else cursor)

    def list_followers(self, account, cursor: str = "") -> FollowerPage:
        return FollowerPage(profiles=[], cursor="")  # the Threads API gives follower counts, not followers

    def refresh_credentials(self, account) -> dict | None:
        credentials = account.credentials
        if float(credentials.get("expires_at") or 0) - time.time() < REFRESH_BEFORE_SECONDS:
            try:
                answer = httpx.get(
                    f"{settings.THREADS_API_URL.rstrip('/')}/refresh_access_token",
                    params={"grant_type": "th_refresh_token", "access_token": credentials["access_token"]},
                    timeout=settings.NETWORK_TIMEOUT_SECONDS,
                )
            except httpx.HTTPError as error:
                raise NetworkError(f"Threads could not be reached: {error}", transient=True) from None
            if answer.status_code != 200:
                raise NetworkError(
                    "Threads would not renew the access; connect the account again.", transient=False, auth=True
                )
            body = answer.json()
            fresh = {
                **credentials,
                "access_token": body["access_token"],
                "expires_at": time.time() + float(body.get("expires_in", 5184000)),
            }
            account.credentials = fresh
            account.save(update_fields=["credentials_encrypted"])
            return fresh
        user, token = self.user(account)
        call("GET", "me", token, what="checking the account's access", params={"fields": "id"})
        return None


def reply_item(reply: dict, post_id: str) -> Interaction:
    return Interaction(
        remote_id=reply["id"],
        kind="reply",
        author_handle=reply.get("username", "someone"),
        author_name="",
        text=reply.get("text", ""),
        created_at=graph.moment(reply.get("timestamp")),
        in_reply_to=post_id,
        raw=reply,
    )


def mention_item(mention: dict) -> Interaction:
    return Interaction(
        remote_id=str(mention["id"]),
        kind="mention",
        author_handle=str(mention.get("username") or "someone"),
        author_name="",
        text=str(mention.get("text") or ""),
        created_at=graph.moment(mention.get("timestamp")),
        raw=mention,
    )
