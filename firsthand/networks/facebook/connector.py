"""Facebook Pages through the Graph API (httpx, through facebook/graph.py; Meta keeps no Python SDK).

A connected account is one Page, acting with the Page access token got from the person's long-lived
user token (facebook/oauth.py); such Page tokens do not expire, and a revoked one answers error 190.

Publishing: text (and links) to /{page}/feed, one photo to /{page}/photos, several photos uploaded
unpublished and attached to one feed post; follow-up parts go out as the Page's first comments; an answer
to a comment is a comment on it. Exactly once by lookup (networks/lookup.py): the Page's own posts (or
its comments under the parent) since the first attempt are searched for the text before any retry.

The inbox: Facebook has no notifications endpoint for Pages, so comments come post by post (the
inbox watches each post for FIRSTHAND_WATCH_HOURS: replies_need_watching) and, in real time, through the
app's webhook (facebook/webhook.py); Messenger conversations are read from /{page}/conversations.

developers.facebook.com/docs: pages-api/posts (feed, photos, attached_media), graph-api/reference/
object/comments (filter=stream, order=chronological, paging cursors), graph-api/reference/comment
(is_hidden), messenger-platform/send-messages (messaging_type RESPONSE), graph-api/reference/page/
conversations, graph-api/results (cursor paging).
"""

import json
from datetime import datetime, timezone

from django.core.files.storage import default_storage

from firsthand.networks import lookup
from firsthand.networks.base import (
    FollowerPage,
    Interaction,
    InteractionPage,
    OutgoingPost,
    PublishedPost,
    RemotePost,
    dig,
    read_each,
)
from firsthand.networks.facebook import graph, messenger
from firsthand.networks.facebook.graph import call
from firsthand.networks.limits import LIMITS

COMMENT_FIELDS = "id,message,from,created_time,parent{id}"
POST_FIELDS = "id,message,permalink_url,reactions.summary(true).limit(0),comments.summary(true).limit(0)"


class FacebookConnector:
    network = "facebook"
    limits = LIMITS["facebook"]

    def page(self, account) -> tuple[str, str]:
        credentials = account.credentials
        return credentials["page_id"], credentials["page_token"]

    # --- publishing -------------------------------------------------------------------------------

    def publish(self, account, post: OutgoingPost) -> PublishedPost:
        page_id, token = self.page(account)
        lookup.reserve(account, post.idempotency_key, post.text, post.reply_to)
        if post.reply_to:  # a first comment under our post, or an answer to someone's comment
            made = call(
                "POST", f"{post.reply_to}/comments", token, what="commenting", writes=True, data={"message": post.text}
            )
            return PublishedPost(remote_id=made["id"], url="", published_at=datetime.now(timezone.utc))
        if len(post.media) == 1:
            made = self.photo(token, page_id, post.media[0], message=post.text)
            remote_id = made.get("post_id") or made["id"]
        else:
            data = {"message": post.text}
            for n, item in enumerate(post.media):  # several photos: uploaded unpublished, then attached
                unpublished = self.photo(token, page_id, item, published=False)["id"]
                data[f"attached_media[{n}]"] = json.dumps({"media_fbid": unpublished})
            remote_id = call("POST", f"{page_id}/feed", token, what="posting", writes=True, data=data)["id"]
        return PublishedPost(
            remote_id=remote_id, url=f"https://www.facebook.com/{remote_id}", published_at=datetime.now(timezone.utc)
        )

    def photo(self, token, page_id, item, message: str = "", published: bool = True) -> dict:
        with default_storage.open(item.path, "rb") as handle:
            content = handle.read()
        data = {"published": "true" if published else "false", "alt_text_custom": item.alt_text}
        if message:
            data["message"] = message
        return call(
            "POST",
            f"{page_id}/photos",
            token,
            what="uploading a photo",
            writes=True,
            data=data,
            files={"source": (item.path.rsplit("/", 1)[-1], content, item.mime_type)},
        )

    def find_published(self, account, idempotency_key: str) -> PublishedPost | None:
        reserved = lookup.reservation(account, idempotency_key)
        if reserved is None:
            return None
        page_id, token = self.page(account)
        since = reserved["at"] - 60
        if reserved.get("parent"):
            found = call(
                "GET",
                f"{reserved['parent']}/comments",
                token,
                what="looking for the comment",
                params={"filter": "stream", "order": "reverse_chronological", "fields": COMMENT_FIELDS, "limit": 100},
            )
            mine = [c for c in found.get("data", []) if (c.get("from") or {}).get("id") == page_id]
        else:
            found = call(
                "GET",
                f"{page_id}/posts",
                token,
                what="looking for the post",
                params={"since": since, "fields": "id,message,created_time", "limit": 100},
            )
            mine = found.get("data", [])
        for item in mine:
            if lookup.digest(item.get("message", "")) == reserved["text"]:
                return PublishedPost(remote_id=item["id"], url="")
        return None

    def delete(self, account, remote_id: str) -> None:
        try:
            call("DELETE", remote_id, self.page(account)[1], what="deleting the post", writes=True)
        except graph.Gone:
            pass  # already gone

    def fetch_post(self, account, remote_id: str) -> RemotePost:
        try:
            found = call(
                "GET",
                remote_id,
                self.page(account)[1],
                what="reading the post",
                params={"fields": POST_FIELDS},
            )
        except graph.Gone:
            return RemotePost(remote_id=remote_id, url="", text="", exists=False)
        return RemotePost(
            remote_id=remote_id,
            url=found.get("permalink_url", ""),
            text=found.get("message", ""),
            exists=True,
            like_count=int(((found.get("reactions") or {}).get("summary") or {}).get("total_count", 0)),
            reply_count=int(((found.get("comments") or {}).get("summary") or {}).get("total_count", 0)),
        )

    def like(self, account, remote_id: str) -> None:
        call("POST", f"{remote_id}/likes", self.page(account)[1], what="liking", writes=True)

    def hide(self, account, remote_id: str, hidden: bool = True) -> None:
        """Hide a comment on the Page (its writer and their friends still see it; nobody else does)."""
        call(
            "POST",
            remote_id,
            self.page(account)[1],
            what="hiding the comment",
            writes=True,
            data={"is_hidden": str(hidden).lower()},
        )

    def send_message(self, account, thread: str, text: str) -> PublishedPost:
        page_id, token = self.page(account)
        return messenger.send(call, page_id, token, thread, text)

    # --- the inbox --------------------------------------------------------------------------------

    def replies_need_watching(self, account) -> bool:
        return True  # comments on a Page's posts are read post by post

    def list_replies(self, account, remote_id: str, cursor: str = "") -> InteractionPage:
        page_id, token = self.page(account)
        params = {"filter": "stream", "order": "chronological", "fields": COMMENT_FIELDS, "limit": 100}
        if cursor:
            params["after"] = cursor
        found = call("GET", f"{remote_id}/comments", token, what="reading comments", params=params)
        items = read_each(
            comment_item,
            [c for c in found.get("data", []) if dig(c, "from", "id") != page_id],  # not the Page's own
            remote_id,
        )
        after = ((found.get("paging") or {}).get("cursors") or {}).get("after")
        return InteractionPage(items=items, cursor=after or cursor)

    def list_interactions(self, account, cursor: str = "") -> InteractionPage:
        """Messenger: the newest conversations and their latest messages, newer than the cursor's time."""
        page_id, token = self.page(account)
        refused = "Facebook does not let the app read Messenger for this Page"
        return messenger.read(call, page_id, token, cursor, platform="messenger", own={page_id}, refused=refused)

    def list_followers(self, account, cursor: str = "") -> FollowerPage:
        return FollowerPage(profiles=[], cursor="")  # the Graph API does not list a Page's followers

    def refresh_credentials(self, account) -> dict | None:
        page_id, token = self.page(account)
        call("GET", page_id, token, what="checking the Page's access", params={"fields": "id"})
        return None  # Page tokens from a long-lived user token do not expire; the check is that it works


def comment_item(comment: dict, post_id: str) -> Interaction:
    author = comment.get("from") or {}
    return Interaction(
        remote_id=comment["id"],
        kind="comment",
        author_handle=author.get("id", "") or "someone",
        author_name=author.get("name", ""),
        text=comment.get("message", ""),
        created_at=graph.moment(comment.get("created_time")),
        in_reply_to=post_id,
        raw=comment,
    )
