"""Bluesky through the AT Protocol, with the `atproto` SDK.

Sign-in is by handle and app password (the account's main password is refused). The session tokens are
stored encrypted and refreshed by the SDK as they near expiry; each refresh is saved at once, and a
refresh the network refuses (a revoked app password) marks the account "needs reconnecting".

Exactly once: the record key (a TID) is reserved in our database before the first attempt and every
attempt creates the record under that key, so a retry after a lost answer finds the record instead of
writing a second one.

API references (docs.bsky.app): com.atproto.server.createSession, com.atproto.repo.createRecord /
getRecord / deleteRecord / uploadBlob, app.bsky.feed.getPosts, app.bsky.notification.listNotifications /
updateSeen, app.bsky.graph.getFollowers, app.bsky.actor.getProfiles; the post record and its facets:
https://docs.bsky.app/docs/advanced-guides/posts
"""

import contextlib
import json
import logging
from datetime import datetime, timezone

from atproto import Client, models
from atproto_core.uri import AtUri
from django.conf import settings
from django.core.files.storage import default_storage

from firsthand.networks.base import (
    FollowerPage,
    Interaction,
    InteractionPage,
    NetworkError,
    OutgoingPost,
    PostMetrics,
    PublishedPost,
    RemotePost,
    read_each,
)
from firsthand.networks.bluesky import cards
from firsthand.networks.bluesky.session import calling, new_client, utc
from firsthand.networks.bluesky.tid import new_tid
from firsthand.networks.limits import LIMITS
from firsthand.networks.models import ReservedRecordKey

logger = logging.getLogger("firsthand.networks.bluesky")

POST = "app.bsky.feed.post"
MAX_PAGES_PER_POLL = 10
KINDS = {"mention": "mention", "reply": "reply", "quote": "quote", "like": "like", "follow": "follow"}


class BlueskyConnector:
    network = "bluesky"
    limits = LIMITS["bluesky"]

    # --- session ----------------------------------------------------------------------------

    def client(self, account) -> Client:
        credentials = account.credentials
        if not credentials.get("session"):
            raise NetworkError("The account has no Bluesky session; reconnect it.", transient=False, auth=True)
        client = new_client(credentials.get("pds") or settings.BLUESKY_SERVICE_URL)

        def keep(event, session):
            # The SDK refreshed the tokens: store them now, or the next worker would use a spent refresh token.
            account.credentials = {**credentials, "session": session.encode()}
            account.save(update_fields=["credentials_encrypted"])

        with calling("resuming the session"):
            client.login(session_string=credentials["session"], fetch_bsky_profile=False)
        client.on_session_change(keep)
        return client

    def refresh_credentials(self, account) -> dict | None:
        client = self.client(account)
        with calling("refreshing the session"):
            client._refresh_and_set_session()
        return account.credentials

    # --- publishing -------------------------------------------------------------------------

    def publish(self, account, post: OutgoingPost) -> PublishedPost:
        client = self.client(account)
        did = account.credentials["did"]
        rkey = ReservedRecordKey.for_attempt(account, post.idempotency_key, new_tid)
        with calling("reading the post being answered"):
            reply = self.reply_ref(client, did, post.reply_to) if post.reply_to else None
        with calling("resolving the mentions"):
            facets = client.detect_facets(post.text) or None
        embed = self.images(client, post) if post.media else cards.link_card(client, post.text)
        record = models.AppBskyFeedPost.Record(
            text=post.text, created_at=client.get_current_time_iso(), facets=facets, embed=embed, reply=reply
        )
        data = models.ComAtprotoRepoCreateRecord.Data(repo=did, collection=POST, rkey=rkey, record=record)
        try:
            with calling("publishing the post", writes=True):
                created = client.com.atproto.repo.create_record(data)
        except NetworkError as error:
            # An earlier attempt whose answer was lost may already have written this record (the PDS then
            # answers 500 to a second write under the same key): if so, that is the post.
            if error.auth:
                raise
            try:
                found = self.find_published(account, post.idempotency_key)
            except NetworkError:
                raise error from None
            if found:
                return found
            raise
        return PublishedPost(remote_id=created.uri, url=self.web_url(account, created.uri))

    def find_published(self, account, idempotency_key: str) -> PublishedPost | None:
        rkey = ReservedRecordKey.reserved(account, idempotency_key)
        if rkey is None:
            return None  # never attempted
        client = self.client(account)
        did = account.credentials["did"]
        try:
            with calling("looking for an earlier attempt"):
                found = client.com.atproto.repo.get_record({"repo": did, "collection": POST, "rkey": rkey})
        except NetworkError as error:
            if error.auth or error.transient:
                raise
            return None  # RecordNotFound: the earlier attempt never arrived
        return PublishedPost(remote_id=found.uri, url=self.web_url(account, found.uri))

    def delete(self, account, remote_id: str) -> None:
        client = self.client(account)
        uri = AtUri.from_str(remote_id)
        with calling("deleting the post", writes=True):
            client.com.atproto.repo.delete_record({"repo": uri.host, "collection": uri.collection, "rkey": uri.rkey})

    def fetch_post(self, account, remote_id: str) -> RemotePost:
        client = self.client(account)
        with calling("reading the post"):
            posts = client.get_posts([remote_id]).posts
        if not posts:
            return RemotePost(remote_id=remote_id, url="", text="", exists=False)
        view = posts[0]
        return RemotePost(
            remote_id=view.uri,
            url=self.web_url(account, view.uri),
            text=getattr(view.record, "text", ""),
            exists=True,
            like_count=view.like_count or 0,
            reply_count=view.reply_count or 0,
        )

    def post_metrics(self, account, remote_ids: list[str]) -> dict[str, PostMetrics]:
        # Reference: https://docs.bsky.app/docs/api/app-bsky-feed-get-posts (up to 25 at-uris a call;
        # a post that is gone is left out of `posts`; PostView has replyCount, repostCount, likeCount,
        # quoteCount). Bluesky gives no click counts.
        client = self.client(account)
        found = {}
        for start in range(0, len(remote_ids), 25):
            with calling("reading the posts' figures"):
                posts = client.get_posts(remote_ids[start : start + 25]).posts
            for view in posts:
                found[view.uri] = PostMetrics(
                    replies=view.reply_count or 0,
                    likes=view.like_count or 0,
                    reposts=view.repost_count or 0,
                    quotes=view.quote_count or 0,
                )
        return found

    def like(self, account, remote_id: str) -> None:
        client = self.client(account)
        with calling("reading the post to like"):
            posts = client.get_posts([remote_id]).posts
        if not posts:
            raise NetworkError("That post is gone from Bluesky.", transient=False)
        like = models.AppBskyFeedLike.Record(
            subject=models.create_strong_ref(posts[0]), created_at=client.get_current_time_iso()
        )
        data = models.ComAtprotoRepoCreateRecord.Data(
            repo=account.credentials["did"], collection="app.bsky.feed.like", record=like
        )
        with calling("liking the post", writes=True):
            client.com.atproto.repo.create_record(data)

    def send_message(self, account, thread: str, text: str) -> PublishedPost:
        raise NetworkError(
            "Answering Bluesky direct messages from firsthand is not available yet; answer in the Bluesky app.",
            transient=False,
        )

    def reply_ref(self, client: Client, did: str, uri: str) -> models.AppBskyFeedPost.ReplyRef:
        """Root and parent of a reply: the parent's own root when it is a reply itself."""
        parent = AtUri.from_str(uri)
        if parent.host == did:  # our own post: read from our server, which has it even before indexing
            found = client.com.atproto.repo.get_record({"repo": did, "collection": POST, "rkey": parent.rkey})
            ref, record = models.create_strong_ref(found), found.value
        else:
            views = client.get_posts([uri]).posts
            if not views:
                raise NetworkError("The post being answered is gone from Bluesky.", transient=False)
            ref, record = models.create_strong_ref(views[0]), views[0].record
        existing = getattr(record, "reply", None)
        root = existing.root if existing else ref
        return models.AppBskyFeedPost.ReplyRef(root=root, parent=ref)

    def images(self, client: Client, post: OutgoingPost) -> models.AppBskyEmbedImages.Main:
        images = []
        for media in post.media[: self.limits.max_images]:
            with default_storage.open(media.path, "rb") as file:
                data = file.read()
            with calling("uploading an image", writes=True):
                blob = client.upload_blob(data).blob
            ratio = (
                models.AppBskyEmbedDefs.AspectRatio(width=media.width, height=media.height)
                if media.width and media.height
                else None
            )
            images.append(models.AppBskyEmbedImages.Image(alt=media.alt_text, image=blob, aspect_ratio=ratio))
        return models.AppBskyEmbedImages.Main(images=images)

    @staticmethod
    def web_url(account, uri: str) -> str:
        parsed = AtUri.from_str(uri)
        return f"https://bsky.app/profile/{account.handle.lstrip('@')}/post/{parsed.rkey}"

    # --- the inbox --------------------------------------------------------------------------

    def replies_need_watching(self, account) -> bool:
        return False  # replies to the account's posts come as notifications

    def list_interactions(self, account, cursor: str = "") -> InteractionPage:
        """New notifications since the last poll, oldest first.

        Bluesky pages notifications from the newest backwards, so the stored cursor is where we stopped:
        `seen` (the newest notification already read) and, while a long backlog is being read over several
        polls, `resume` (the network's page cursor) and `top` (the newest of that backlog).
        """
        state = json.loads(cursor) if cursor.startswith("{") else {}
        seen, page_cursor, top = state.get("seen", ""), state.get("resume"), state.get("top")
        # Several notifications can share the newest time; those already read are named so none repeats.
        seen_uris, top_uris = set(state.get("seen_uris", [])), state.get("top_uris", [])
        client = self.client(account)
        found, reached_seen = [], False
        for _ in range(MAX_PAGES_PER_POLL):
            with calling("reading notifications"):
                page = client.app.bsky.notification.list_notifications({"limit": 100, "cursor": page_cursor})
            for notification in page.notifications:
                top = top or notification.indexed_at
                if notification.indexed_at == top and notification.uri not in top_uris:
                    top_uris.append(notification.uri)
                if seen and notification.indexed_at < seen:
                    reached_seen = True
                    break
                if notification.indexed_at == seen and notification.uri in seen_uris:
                    continue
                found.append(notification)
            page_cursor = page.cursor
            if reached_seen or not page_cursor or not page.notifications:
                break
        if reached_seen or not page_cursor:
            state = {"seen": top or seen, "seen_uris": top_uris[:20] if top else list(seen_uris)}
            if top and top != seen:
                with calling("marking notifications seen"), contextlib.suppress(NetworkError):
                    client.app.bsky.notification.update_seen({"seen_at": top})
        else:  # more backlog than one poll reads: carry on from here next time
            state = {
                "seen": seen,
                "seen_uris": list(seen_uris),
                "resume": page_cursor,
                "top": top,
                "top_uris": top_uris,
            }
        did = account.credentials["did"]
        items = read_each(self.interaction, [n for n in reversed(found) if n.reason in KINDS], did)
        return InteractionPage(items=items, cursor=json.dumps(state))

    @staticmethod
    def interaction(notification, our_did: str) -> Interaction:
        record = notification.record
        text = getattr(record, "text", "") or ""
        reply = getattr(record, "reply", None)
        in_reply_to = None
        if reply is not None:
            # Linked to our post when the thread starts there, however deep the answer sits.
            root = reply.root.uri
            in_reply_to = root if AtUri.from_str(root).host == our_did else reply.parent.uri
        elif notification.reason == "quote":
            in_reply_to = getattr(getattr(getattr(record, "embed", None), "record", None), "uri", None)
        elif notification.reason == "like":
            in_reply_to = notification.reason_subject
        author = notification.author
        return Interaction(
            remote_id=notification.uri,
            kind=KINDS[notification.reason],
            author_handle=author.handle,  # people are kept without the @, as on every network
            author_name=author.display_name or "",
            text=text,
            created_at=utc(getattr(record, "created_at", None) or notification.indexed_at),
            in_reply_to=in_reply_to,
            raw={
                "uri": notification.uri,
                "cid": notification.cid,
                "reason": notification.reason,
                "indexed_at": notification.indexed_at,
                "author_did": author.did,
            },
        )

    # --- followers --------------------------------------------------------------------------

    def list_followers(self, account, cursor: str = "") -> FollowerPage:
        client = self.client(account)
        with calling("reading followers"):
            page = client.get_followers(account.credentials["did"], cursor=cursor or None, limit=100)
        profiles = []
        dids = [follower.did for follower in page.followers]
        for start in range(0, len(dids), 25):  # getProfiles takes 25 at a time
            with calling("reading follower profiles"):
                profiles += client.get_profiles(dids[start : start + 25]).profiles
        observed = datetime.now(timezone.utc).isoformat()
        return FollowerPage(profiles=[follower_profile(p, observed) for p in profiles], cursor=page.cursor or "")


def follower_profile(profile, observed_at: str) -> dict:
    """A Bluesky profile in the form `firsthand judge follower` reads."""
    return {
        "id": profile.did,
        "handle": profile.handle,
        "display_name": profile.display_name,
        "description": profile.description,
        "followers_count": profile.followers_count,
        "following_count": profile.follows_count,
        "posts_count": profile.posts_count,
        "likes_count": None,  # Bluesky does not publish it
        "listed_count": profile.associated.lists if profile.associated else None,
        "created_at": profile.created_at,
        "observed_at": observed_at,
        "has_default_avatar": not profile.avatar,
        "has_default_banner": not profile.banner,
        "url": f"https://bsky.app/profile/{profile.handle}",
        "location": None,
        "verified": bool(profile.verification and profile.verification.verified_status == "valid"),
    }
