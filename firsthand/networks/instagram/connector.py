"""Instagram professional accounts through the Instagram Graph API with Facebook Login (facebook/graph.py).

An account is an Instagram business or creator account linked to a Facebook Page; it acts with that
Page's token. Publishing is Instagram's two steps: a media container (one image, or a carousel of up
to ten built from item containers), polled until its status_code is FINISHED, then media_publish.
Instagram fetches each image from a public address (networks/public_media.py), so FIRSTHAND_BASE_URL
must be reachable from the internet. A post needs an image; text alone is refused before sending.
Exactly once by lookup (networks/lookup.py): the caption is reserved before the first attempt, and a retry
first looks among the account's recent media for it.

The inbox: comments on the account's media, read media by media for FIRSTHAND_WATCH_HOURS
(replies_need_watching) and pushed by the app's webhook, answered as replies to the comment and hideable;
direct messages, read and answered through the linked Page's Messenger Platform (facebook/messenger.py);
mentions are not read yet.

developers.facebook.com/docs/instagram-platform: content-publishing (POST /{ig-user-id}/media, image_url,
caption, is_carousel_item, media_type=CAROUSEL, children; GET /{container}?fields=status_code;
POST /{ig-user-id}/media_publish creation_id), instagram-graph-api/reference/ig-media/comments,
ig-comment/replies (POST /{comment-id}/replies), ig-comment (hide=true), ig-user/media.
"""

import dataclasses
import time
from datetime import datetime, timezone
from functools import partial

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
from firsthand.networks.facebook import graph, messenger
from firsthand.networks.limits import LIMITS
from firsthand.networks.public_media import public_url

STATUS_POLLS = 10
call = partial(graph.call, name="Instagram")  # the Graph API, with Instagram named in its errors
STATUS_WAIT_SECONDS = 1.0
COMMENT_FIELDS = "id,text,username,timestamp,from{id,username}"


class InstagramConnector:
    network = "instagram"
    limits = LIMITS["instagram"]
    wait = staticmethod(time.sleep)  # between status polls; tests make it instant

    def ig(self, account) -> tuple[str, str]:
        credentials = account.credentials
        return credentials["ig_user_id"], credentials["page_token"]

    # --- publishing -------------------------------------------------------------------------------

    def publish(self, account, post: OutgoingPost) -> PublishedPost:
        ig_user, token = self.ig(account)
        if post.reply_to:  # an answer to a comment (or a follow-up part or first comment: on our own media)
            # Reserved like a post, so a retry after a lost answer looks under the media first.
            lookup.reserve(account, post.idempotency_key, post.text, post.reply_to)
            path = (
                f"{post.reply_to}/replies" if not self._is_media(token, post.reply_to) else f"{post.reply_to}/comments"
            )
            made = call("POST", path, token, what="replying", writes=True, data={"message": post.text})
            return PublishedPost(remote_id=made["id"], url="", published_at=datetime.now(timezone.utc))
        if not post.media:
            raise NetworkError("Instagram needs an image with every post.", transient=False)
        lookup.reserve(account, post.idempotency_key, post.text)
        container = self.container(token, ig_user, post)
        self.until_ready(token, container)
        made = call(
            "POST", f"{ig_user}/media_publish", token, what="publishing", writes=True, data={"creation_id": container}
        )
        found = call("GET", made["id"], token, what="reading the post", params={"fields": "permalink"})
        return PublishedPost(
            remote_id=made["id"], url=found.get("permalink", ""), published_at=datetime.now(timezone.utc)
        )

    def _is_media(self, token, object_id) -> bool:
        try:
            call("GET", object_id, token, what="reading what is answered", params={"fields": "media_type"})
            return True
        except NetworkError:
            return False  # a comment has no media_type: it is answered with a reply

    def container(self, token, ig_user, post: OutgoingPost) -> str:
        label = self.limits.label
        if len(post.media) == 1:
            data = {"image_url": public_url(post.media[0].path, label), "caption": post.text}
            if post.media[0].alt_text:
                data["alt_text"] = post.media[0].alt_text
            return call("POST", f"{ig_user}/media", token, what="preparing the post", writes=True, data=data)["id"]
        children = [
            call(
                "POST",
                f"{ig_user}/media",
                token,
                what="preparing a carousel image",
                writes=True,
                data={"image_url": public_url(item.path, label), "is_carousel_item": "true"},
            )["id"]
            for item in post.media
        ]
        data = {"media_type": "CAROUSEL", "children": ",".join(children), "caption": post.text}
        return call("POST", f"{ig_user}/media", token, what="preparing the carousel", writes=True, data=data)["id"]

    def until_ready(self, token, container: str) -> None:
        graph.wait_for_container(call, token, container, field="status_code", label="Instagram", wait=self.wait)

    def find_published(self, account, idempotency_key: str) -> PublishedPost | None:
        reserved = lookup.reservation(account, idempotency_key)
        if reserved is None:
            return None
        ig_user, token = self.ig(account)
        if reserved.get("parent"):
            return self.find_comment(token, ig_user, reserved)
        recent = call(
            "GET",
            f"{ig_user}/media",
            token,
            what="looking for the post",
            params={"fields": "id,caption,timestamp,permalink", "limit": 25},
        )
        for media in recent.get("data", []):
            if (
                lookup.digest(media.get("caption", "")) == reserved["text"]
                and graph.moment(media.get("timestamp")).timestamp() >= reserved["at"] - 60
            ):
                return PublishedPost(remote_id=media["id"], url=media.get("permalink", ""))
        return None

    def find_comment(self, token, ig_user, reserved) -> PublishedPost | None:
        """The account's own comment with the reserved text under its media (ig-media/comments, paged by
        cursors.after); a first comment is among a post's earliest, so a few pages are enough. Answers to
        someone's comment are not looked for (ig-comment/replies lists no author id): they are sent again."""
        parent = reserved["parent"]
        if not self._is_media(token, parent):
            return None
        params = {"fields": COMMENT_FIELDS, "limit": 50}
        for _page in range(5):
            found = call("GET", f"{parent}/comments", token, what="looking for the comment", params=params)
            for comment in found.get("data", []):
                mine = (comment.get("from") or {}).get("id") == ig_user
                if mine and lookup.digest(comment.get("text", "")) == reserved["text"]:
                    return PublishedPost(remote_id=comment["id"], url="")
            after = ((found.get("paging") or {}).get("cursors") or {}).get("after")
            if not after or not found.get("data"):
                return None
            params = {**params, "after": after}
        return None

    def delete(self, account, remote_id: str) -> None:
        raise NetworkError("Instagram's API does not delete posts: delete it in the Instagram app.", transient=False)

    def fetch_post(self, account, remote_id: str) -> RemotePost:
        try:
            found = call(
                "GET",
                remote_id,
                self.ig(account)[1],
                what="reading the post",
                params={"fields": "id,caption,permalink,like_count,comments_count"},
            )
        except graph.Gone:
            return RemotePost(remote_id=remote_id, url="", text="", exists=False)
        return RemotePost(
            remote_id=remote_id,
            url=found.get("permalink", ""),
            text=found.get("caption", ""),
            exists=True,
            like_count=int(found.get("like_count", 0)),
            reply_count=int(found.get("comments_count", 0)),
        )

    def like(self, account, remote_id: str) -> None:
        raise NetworkError("Instagram's API does not let a business like comments.", transient=False)

    def hide(self, account, remote_id: str, hidden: bool = True) -> None:
        call(
            "POST",
            remote_id,
            self.ig(account)[1],
            what="hiding the comment",
            writes=True,
            data={"hide": str(hidden).lower()},
        )

    def send_message(self, account, thread: str, text: str) -> PublishedPost:
        """A direct message, through the linked Page's Send API (within Instagram's 24-hour window)."""
        _, token = self.ig(account)
        return messenger.send(call, account.credentials["page_id"], token, thread, text)

    # --- the inbox --------------------------------------------------------------------------------

    def replies_need_watching(self, account) -> bool:
        return True

    def list_replies(self, account, remote_id: str, cursor: str = "") -> InteractionPage:
        ig_user, token = self.ig(account)
        params = {"fields": COMMENT_FIELDS, "limit": 50}
        if cursor:
            params["after"] = cursor
        found = call("GET", f"{remote_id}/comments", token, what="reading comments", params=params)
        items = read_each(
            comment_item,
            [comment for comment in found.get("data", []) if dig(comment, "from", "id") != ig_user],
            remote_id,
        )
        after = ((found.get("paging") or {}).get("cursors") or {}).get("after")
        return InteractionPage(items=items, cursor=after or cursor)

    def list_interactions(self, account, cursor: str = "") -> InteractionPage:
        """Direct messages, through the linked Page's conversations (platform=instagram)."""
        ig_user, token = self.ig(account)
        page_id = account.credentials["page_id"]
        refused = "Instagram does not let the app read this account's direct messages"
        page = messenger.read(
            call, page_id, token, cursor, platform="instagram", own={ig_user, page_id}, refused=refused
        )
        return dataclasses.replace(page, limitation=page.limitation or "Instagram mentions are not read yet.")

    def list_followers(self, account, cursor: str = "") -> FollowerPage:
        return FollowerPage(profiles=[], cursor="")  # Instagram's API does not list followers

    def refresh_credentials(self, account) -> dict | None:
        ig_user, token = self.ig(account)
        call("GET", ig_user, token, what="checking the account's access", params={"fields": "id"})
        return None


def comment_item(comment: dict, media_id: str) -> Interaction:
    return Interaction(
        remote_id=comment["id"],
        kind="comment",
        author_handle=comment.get("username") or (comment.get("from") or {}).get("username", "someone"),
        author_name="",
        text=comment.get("text", ""),
        created_at=graph.moment(comment.get("timestamp")),
        in_reply_to=media_id,
        raw=comment,
    )
