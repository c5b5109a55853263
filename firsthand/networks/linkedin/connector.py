"""LinkedIn organization pages through the versioned REST API (httpx, through linkedin/rest.py).

An account is an organization page the connecting member administers, acting with that member's token
(60 days; refreshed where LinkedIn gave the app refresh tokens, else the page asks to be connected again).

Posting: /rest/posts with the page as author, images uploaded first (/rest/images initializeUpload, then
the bytes to the upload URL), alt text kept; the commentary escaped for LinkedIn's "little text" format,
where ( ) [ ] { } < > @ | ~ _ * # and backslash have meanings. Follow-up parts and answers are comments
(socialActions). Exactly once by lookup: the page's recent posts are searched for the text before any retry.
The inbox: comments on the page's posts, read post by post for FIRSTHAND_WATCH_HOURS.

learn.microsoft.com/linkedin/marketing: community-management/shares/posts-api, community-management/
shares/images-api, community-management/shares/comments-api, community-management/shares/reactions-api,
community-management/organizations/organization-access-control-by-role.
"""

import re
from datetime import datetime, timezone

from django.core.files.storage import default_storage

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
from firsthand.networks.limits import LIMITS
from firsthand.networks.linkedin.rest import call, urn_path

RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")


def comment_ref(post_urn: str, comment_urn: str) -> str:
    """A comment's id in firsthand: LinkedIn answers a comment on the post it is under, so both are kept."""
    return f"{post_urn}|{comment_urn}"


def split_ref(remote_id: str) -> tuple[str, str | None]:
    """(the post, the comment or None) from an id made by comment_ref, or a post's own URN."""
    post, _, comment = remote_id.partition("|")
    return post, comment or None


def escape(text: str) -> str:
    """LinkedIn reads these characters as markup in commentary unless escaped with a backslash."""
    return RESERVED.sub(r"\\\1", text)


def unescape(text: str) -> str:
    return re.sub(r"\\([\\|{}@\[\]()<>#*_~])", r"\1", text)


class LinkedInConnector:
    network = "linkedin"
    limits = LIMITS["linkedin"]

    def org(self, account) -> tuple[str, str]:
        credentials = account.credentials
        expires_at = credentials.get("expires_at")
        if expires_at and float(expires_at) < datetime.now(timezone.utc).timestamp():
            raise NetworkError(
                "LinkedIn's access for this page has expired (after 60 days); connect it again.",
                transient=False,
                auth=True,
            )
        return credentials["organization"], credentials["access_token"]

    # --- publishing -------------------------------------------------------------------------------

    def publish(self, account, post: OutgoingPost) -> PublishedPost:
        org, token = self.org(account)
        commentary = escape(post.text)
        if post.reply_to:
            # A comment's message is plain text (not "little text"), so its words are reserved as they go.
            lookup.reserve(account, post.idempotency_key, post.text, post.reply_to)
            return self.comment(org, token, post.reply_to, post.text)
        lookup.reserve(account, post.idempotency_key, commentary)
        body = {
            "author": org,
            "commentary": commentary,
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        images = [{"id": self.upload(org, token, item), "altText": item.alt_text} for item in post.media]
        if len(images) == 1:
            body["content"] = {"media": images[0]}
        elif images:
            body["content"] = {"multiImage": {"images": images}}
        made = call("POST", "posts", token, what="posting", writes=True, json=body)
        urn = made.headers.get("x-restli-id", "")
        return PublishedPost(
            remote_id=urn, url=f"https://www.linkedin.com/feed/update/{urn}/", published_at=datetime.now(timezone.utc)
        )

    def comment(self, org, token, target: str, text: str) -> PublishedPost:
        post_urn, comment_urn = split_ref(target)
        body = {"actor": org, "object": post_urn, "message": {"text": text}}
        if comment_urn:  # an answer to someone's comment: under it, on its post
            body["parentComment"] = comment_urn
        made = call(
            "POST",
            f"socialActions/{urn_path(body['object'])}/comments",
            token,
            what="commenting",
            writes=True,
            json=body,
        )
        found = made.json() if made.content else {}
        urn = found.get("commentUrn") or made.headers.get("x-restli-id", "")
        return PublishedPost(remote_id=comment_ref(post_urn, urn), url="", published_at=datetime.now(timezone.utc))

    def upload(self, org, token, item) -> str:
        started = call(
            "POST",
            "images",
            token,
            what="preparing an image",
            writes=True,
            params={"action": "initializeUpload"},
            json={"initializeUploadRequest": {"owner": org}},
        ).json()["value"]
        with default_storage.open(item.path, "rb") as handle:
            call(
                "PUT",
                "",
                token,
                what="uploading an image",
                writes=True,
                content=handle.read(),
                url=started["uploadUrl"],
            )
        return started["image"]

    def find_published(self, account, idempotency_key: str) -> PublishedPost | None:
        reserved = lookup.reservation(account, idempotency_key)
        if reserved is None:
            return None
        org, token = self.org(account)
        if reserved.get("parent"):
            return self.find_comment(org, token, reserved)
        recent = call(
            "GET", "posts", token, what="looking for the post", params={"author": org, "q": "author", "count": 20}
        ).json()
        for element in recent.get("elements", []):
            if lookup.digest(element.get("commentary", "")) == reserved["text"]:
                return PublishedPost(
                    remote_id=element["id"], url=f"https://www.linkedin.com/feed/update/{element['id']}/"
                )
        return None

    def find_comment(self, org, token, reserved) -> PublishedPost | None:
        """The page's own comment with the reserved words under its post (comments-api: GET
        socialActions/{urn}/comments gives each comment's actor). An answer under someone's comment is not
        looked for (it would mean reading every comment's replies): that one is sent again."""
        post_urn, comment_urn = split_ref(reserved["parent"])
        if comment_urn:
            return None
        start = 0
        for _page in range(5):  # a first comment is among a post's earliest
            found = call(
                "GET",
                f"socialActions/{urn_path(post_urn)}/comments",
                token,
                what="looking for the comment",
                params={"start": start, "count": 50},
            ).json()
            elements = found.get("elements", [])
            for element in elements:
                text = (element.get("message") or {}).get("text", "")
                if element.get("actor") == org and lookup.digest(text) == reserved["text"]:
                    return PublishedPost(
                        remote_id=comment_ref(post_urn, element.get("commentUrn") or element["id"]), url=""
                    )
            if len(elements) < 50:
                return None
            start += len(elements)
        return None

    def delete(self, account, remote_id: str) -> None:
        try:
            call("DELETE", f"posts/{urn_path(remote_id)}", self.org(account)[1], what="deleting the post", writes=True)
        except NetworkError as error:
            if "not found" not in error.message.lower():
                raise

    def fetch_post(self, account, remote_id: str) -> RemotePost:
        try:
            found = call("GET", f"posts/{urn_path(remote_id)}", self.org(account)[1], what="reading the post").json()
        except NetworkError as error:
            if "not found" in error.message.lower():
                return RemotePost(remote_id=remote_id, url="", text="", exists=False)
            raise
        return RemotePost(
            remote_id=remote_id,
            url=f"https://www.linkedin.com/feed/update/{remote_id}/",
            text=unescape(found.get("commentary", "")),
            exists=True,
        )

    def like(self, account, remote_id: str) -> None:
        org, token = self.org(account)
        post_urn, comment_urn = split_ref(remote_id)
        call(
            "POST",
            "reactions",
            token,
            what="liking",
            writes=True,
            params={"actor": org},
            json={"root": comment_urn or post_urn, "reactionType": "LIKE"},
        )

    def send_message(self, account, thread: str, text: str) -> PublishedPost:
        raise NetworkError("LinkedIn pages have no messages that an app can answer.", transient=False)

    # --- the inbox --------------------------------------------------------------------------------

    def replies_need_watching(self, account) -> bool:
        return True

    def list_replies(self, account, remote_id: str, cursor: str = "") -> InteractionPage:
        org, token = self.org(account)
        start = int(cursor) if cursor.isdigit() else 0
        found = call(
            "GET",
            f"socialActions/{urn_path(remote_id)}/comments",
            token,
            what="reading comments",
            params={"start": start, "count": 50},
        ).json()
        elements = found.get("elements", [])
        items = read_each(comment_item, [element for element in elements if dig(element, "actor") != org], remote_id)
        return InteractionPage(items=items, cursor=str(start + len(elements)))

    def list_interactions(self, account, cursor: str = "") -> InteractionPage:
        return InteractionPage(
            items=[],
            cursor=cursor,
            limitation="LinkedIn mentions of the page are not read yet; comments on its posts are.",
        )

    def list_followers(self, account, cursor: str = "") -> FollowerPage:
        return FollowerPage(profiles=[], cursor="")  # LinkedIn gives follower counts, not the followers

    def refresh_credentials(self, account) -> dict | None:
        from firsthand.networks import oauth2
        from firsthand.networks.linkedin.oauth import app_for, provider

        tokens = account.credentials
        week = datetime.now(timezone.utc).timestamp() + 7 * 24 * 3600
        if tokens.get("refresh_token") and float(tokens.get("expires_at") or week) < week:
            return oauth2.refresh_account(account, provider(), app_for(account.workspace))
        org, token = self.org(account)
        call("GET", f"organizations/{org.rsplit(':', 1)[-1]}", token, what="checking the page's access")
        return None


def comment_item(element: dict, post_id: str) -> Interaction:
    return Interaction(
        remote_id=comment_ref(post_id, element.get("commentUrn") or element["id"]),
        kind="comment",
        author_handle=element.get("actor", "").rsplit(":", 1)[-1] or "someone",
        author_name="A LinkedIn member",
        text=(element.get("message") or {}).get("text", ""),
        created_at=datetime.fromtimestamp(((element.get("created") or {}).get("time") or 0) / 1000, timezone.utc),
        in_reply_to=post_id,
        raw=element,
    )
