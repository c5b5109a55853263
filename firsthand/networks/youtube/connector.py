"""YouTube channels' comments through the YouTube Data API v3, with Google's client library.

YouTube's API does not publish community posts, so a YouTube account only answers: the channel's comment
threads come into the inbox (commentThreads.list allThreadsRelatedToChannelId, newest first, read back to
the newest already seen), answers go out as replies (comments.insert with the thread's top comment as
parent; a reply's id is its parent's id, a dot, and its own), and a comment can be hidden (moderation
status "rejected"). Google's access tokens last an hour and are renewed with the refresh token.

developers.google.com/youtube/v3/docs: commentThreads/list, comments/insert, comments/setModerationStatus,
comments/delete, channels/list (mine), errors (quotaExceeded: the daily quota resets at midnight Pacific).
"""

import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import httplib2
from django.conf import settings
from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from firsthand.networks import oauth2
from firsthand.networks.base import (
    FollowerPage,
    Interaction,
    InteractionPage,
    NetworkError,
    OutgoingPost,
    PublishedPost,
    RemotePost,
    cursor_time,
    dig,
    read_one,
)
from firsthand.networks.limits import LIMITS

API_VERSION = "v3"  # the YouTube Data API's only version; no end of life is announced
PAGES_PER_POLL = 5


def service(access_token: str):
    http = AuthorizedHttp(Credentials(access_token), http=httplib2.Http(timeout=settings.NETWORK_TIMEOUT_SECONDS))
    return build(
        "youtube",
        API_VERSION,
        http=http,
        static_discovery=True,  # the API's description ships with the library: nothing fetched at run time
        cache_discovery=False,
        client_options={"api_endpoint": settings.YOUTUBE_API_URL},
    )


def run(request, what: str, writes: bool = False) -> dict:
    """Execute a request; Google's errors as NetworkError with Google's words."""
    try:
        return request.execute(num_retries=0)
    except HttpError as error:
        status = error.resp.status
        try:
            detail = json.loads(error.content)["error"]
        except (ValueError, KeyError, TypeError):
            detail = {}
        message = detail.get("message") or str(error)
        reasons = {e.get("reason") for e in detail.get("errors", [])}
        if status == 401:
            raise NetworkError(
                f"YouTube no longer accepts the channel's access ({message}); connect it again.",
                transient=False,
                auth=True,
            ) from None
        if "quotaExceeded" in reasons or "rateLimitExceeded" in reasons or status == 429:
            pacific = datetime.now(ZoneInfo("America/Los_Angeles"))
            reset = (
                (pacific + timedelta(days=1))
                .replace(hour=0, minute=0, second=0, microsecond=0)
                .astimezone(timezone.utc)
            )
            raise NetworkError(
                f"YouTube's daily quota is used up while {what}.", transient=True, retry_at=reset
            ) from None
        if status >= 500:
            raise NetworkError(
                f"YouTube failed while {what}: {message}", transient=True, outcome_unknown=writes
            ) from None
        raise NetworkError(f"YouTube refused {what}: {message}", transient=False) from None
    except (httplib2.HttpLib2Error, OSError) as error:
        raise NetworkError(
            f"YouTube could not be reached while {what}: {error}", transient=True, outcome_unknown=writes
        ) from None


def when(value) -> datetime:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(timezone.utc)


class YouTubeConnector:
    network = "youtube"
    limits = LIMITS["youtube"]

    def api(self, account):
        from firsthand.networks.youtube.oauth import app_for, provider

        tokens = account.credentials
        if oauth2.needs_refresh(tokens):
            tokens = oauth2.refresh_account(account, provider(), app_for(account.workspace))
        return service(tokens["access_token"])

    def publish(self, account, post: OutgoingPost) -> PublishedPost:
        if not post.reply_to:
            raise NetworkError(
                "YouTube's API does not publish community posts; post videos in YouTube Studio.", transient=False
            )
        parent = post.reply_to.split(".", 1)[0]  # replies hang under the thread's top comment
        body = {"snippet": {"parentId": parent, "textOriginal": post.text}}
        made = run(self.api(account).comments().insert(part="snippet", body=body), "answering", writes=True)
        return PublishedPost(remote_id=made["id"], url="", published_at=datetime.now(timezone.utc))

    def find_published(self, account, idempotency_key: str) -> PublishedPost | None:
        return None  # YouTube accounts only answer, from the inbox, where a failed answer is shown at once

    def delete(self, account, remote_id: str) -> None:
        try:
            run(self.api(account).comments().delete(id=remote_id), "deleting the answer", writes=True)
        except NetworkError as error:
            if "not found" not in error.message.lower():
                raise

    def fetch_post(self, account, remote_id: str) -> RemotePost:
        found = run(self.api(account).comments().list(part="snippet", id=remote_id), "reading the comment")
        items = found.get("items", [])
        text = items[0]["snippet"].get("textOriginal", "") if items else ""
        return RemotePost(remote_id=remote_id, url="", text=text, exists=bool(items))

    def hide(self, account, remote_id: str, hidden: bool = True) -> None:
        status = "rejected" if hidden else "published"
        run(
            self.api(account).comments().setModerationStatus(id=remote_id, moderationStatus=status),
            "hiding the comment",
            writes=True,
        )

    def like(self, account, remote_id: str) -> None:
        raise NetworkError("YouTube's API does not let a channel like comments.", transient=False)

    def send_message(self, account, thread: str, text: str) -> PublishedPost:
        raise NetworkError("YouTube has no private messages.", transient=False)

    def replies_need_watching(self, account) -> bool:
        return False  # the channel's comment threads are read as one list

    def list_interactions(self, account, cursor: str = "") -> InteractionPage:
        """Comments and replies newer than the newest already seen (the cursor: its time, ISO 8601)."""
        api, channel = self.api(account), account.credentials["channel_id"]
        seen, newest, items, token = cursor, cursor, [], None
        for _ in range(PAGES_PER_POLL):
            page = run(
                api.commentThreads().list(
                    part="snippet,replies",
                    allThreadsRelatedToChannelId=channel,
                    order="time",
                    maxResults=100,
                    pageToken=token,
                ),
                "reading comments",
            )
            older_reached = False
            for thread in page.get("items", []):
                # A thread with no top-level comment goes to the reader whole, wrapped so that it is never read
                # as a comment of its own: the reader sets it aside for the owners to see.
                top = dig(thread, "snippet", "topLevelComment") or {"thread": thread}
                replies = dig(thread, "replies", "comments")
                video = dig(thread, "snippet", "videoId")
                for comment in [top, *(replies if isinstance(replies, list) else [])]:
                    if dig(comment, "snippet", "authorChannelId", "value") == channel:
                        continue  # the channel's own answers
                    # Only a time that reads is compared with the cursor or becomes it.
                    at = cursor_time(dig(comment, "snippet", "publishedAt"))
                    if at and seen and at <= seen:
                        older_reached = older_reached or comment is top
                        continue
                    newest = max(newest or "", at or "")
                    items.append(read_one(self.item, comment, video, comment is not top))
            token = page.get("nextPageToken")
            if not token or older_reached:
                break
        items.sort(key=lambda i: i.created_at)
        return InteractionPage(items=items, cursor=newest or "")

    @staticmethod
    def item(comment: dict, video_id, reply: bool) -> Interaction:
        snippet = comment["snippet"]
        author = (snippet.get("authorChannelId") or {}).get("value") or snippet.get("authorDisplayName", "someone")
        return Interaction(
            remote_id=comment["id"],
            kind="reply" if reply else "comment",
            author_handle=snippet.get("authorDisplayName", "").lstrip("@") or author,
            author_name=snippet.get("authorDisplayName", ""),
            text=snippet.get("textOriginal") or snippet.get("textDisplay", ""),
            created_at=when(snippet.get("publishedAt")),
            in_reply_to=video_id,
            raw=comment,
        )

    def list_followers(self, account, cursor: str = "") -> FollowerPage:
        return FollowerPage(profiles=[], cursor="")  # YouTube lists only the channel's own subscriptions

    def refresh_credentials(self, account) -> dict | None:
        from firsthand.networks.youtube.oauth import app_for, provider

        tokens = account.credentials
        if oauth2.needs_refresh(tokens, now=datetime.now(timezone.utc).timestamp() + 1800):
            return oauth2.refresh_account(account, provider(), app_for(account.workspace))
        run(self.api(account).channels().list(part="id", mine=True), "checking the channel's access")
        return None
