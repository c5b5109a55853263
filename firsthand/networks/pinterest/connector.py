"""Pinterest business accounts through API v5 (httpx; Pinterest keeps no maintained Python SDK).

A post is a pin on the board chosen for the account (Accounts → Edit; the first board until then): the
text is its description, its first line (up to 100 characters) its title, the first link in it the pin's
link, the images sent inline (base64; up to five make a carousel), with alt text. Pinterest has no
idempotency key and its API lists a board's pins newest first, so a retry looks there for the
description first (networks/lookup.py). Access tokens last 30 days and are renewed with the refresh token.
Pinterest's API gives no comments, so the inbox has nothing to read here.

developers.pinterest.com/docs/api/v5: oauth-token (authorization code, refresh; HTTP Basic with the app
secret), user_account-get, boards-list, pins-create (media_source image_base64, multiple_image_base64),
pins-delete, boards-list_pins, and the error shape {"code", "message"}; rate limits answer 429.
"""

import base64
import re
from datetime import datetime, timedelta, timezone

from django.conf import settings
from django.core.files.storage import default_storage

from firsthand.networks import http, lookup, oauth2
from firsthand.networks.base import FollowerPage, InteractionPage, NetworkError, OutgoingPost, PublishedPost, RemotePost
from firsthand.networks.limits import LIMITS

API_VERSION = "v5"  # in every path; Pinterest announces no end of life for v5
FIRST_LINK = re.compile(r"https?://\S+")


def call(method: str, path: str, token: str, *, what: str, writes=False, params=None, json=None) -> dict:
    response = http.request(
        "Pinterest",
        method,
        f"{settings.PINTEREST_API_URL.rstrip('/')}/{API_VERSION}/{path.lstrip('/')}",
        what=what,
        writes=writes,
        params=params,
        json=json,
        headers={"Authorization": f"Bearer {token}"},
    )
    if response.status_code < 400:
        return response.json() if response.content else {}
    if response.status_code == 429:
        wait = int(response.headers.get("Retry-After", "60") or 60)
        raise NetworkError(
            f"Pinterest's rate limit reached while {what}.",
            transient=True,
            retry_at=datetime.now(timezone.utc) + timedelta(seconds=wait),
        )
    message = http.message_of(response)
    raise http.said_no("Pinterest", response, message, what=what, writes=writes, again="connect the account again")


def pin_for(board_id: str, post: OutgoingPost) -> dict:
    images = []
    for item in post.media:
        with default_storage.open(item.path, "rb") as handle:
            images.append({"content_type": item.mime_type, "data": base64.b64encode(handle.read()).decode("ascii")})
    if len(images) == 1:
        media = {"source_type": "image_base64", **images[0]}
    else:
        media = {"source_type": "multiple_image_base64", "items": images}
    body = {
        "board_id": board_id,
        "title": post.text.strip().splitlines()[0][:100] if post.text.strip() else "",
        "description": post.text,
        "media_source": media,
    }
    if post.media and post.media[0].alt_text:
        body["alt_text"] = post.media[0].alt_text[:500]
    link = FIRST_LINK.search(post.text)
    if link:
        body["link"] = link.group(0).rstrip(".,;:!?)")
    return body


class PinterestConnector:
    network = "pinterest"
    limits = LIMITS["pinterest"]

    def token(self, account) -> str:
        from firsthand.networks.pinterest.oauth import app_for, provider

        tokens = account.credentials
        if oauth2.needs_refresh(tokens):
            tokens = oauth2.refresh_account(account, provider(), app_for(account.workspace))
        return tokens["access_token"]

    def board(self, account) -> str:
        credentials = account.credentials
        board = credentials.get("board_id") or next(iter(credentials.get("boards") or {}), None)
        if not board:
            raise NetworkError(
                "The Pinterest account has no board to pin to: make one on Pinterest, then connect again.",
                transient=False,
            )
        return board

    def publish(self, account, post: OutgoingPost) -> PublishedPost:
        if not post.media:
            raise NetworkError("A pin needs an image.", transient=False)
        if post.reply_to:
            raise NetworkError("Pinterest's API has no replies.", transient=False)
        token, board = self.token(account), self.board(account)
        lookup.reserve(account, post.idempotency_key, post.text)
        made = call("POST", "pins", token, what="pinning", writes=True, json=pin_for(board, post))
        return PublishedPost(
            remote_id=made["id"],
            url=f"https://www.pinterest.com/pin/{made['id']}/",
            published_at=datetime.now(timezone.utc),
        )

    def find_published(self, account, idempotency_key: str) -> PublishedPost | None:
        reserved = lookup.reservation(account, idempotency_key)
        if reserved is None:
            return None
        pins = call(
            "GET",
            f"boards/{self.board(account)}/pins",
            self.token(account),
            what="looking for the pin",
            params={"page_size": 25},
        )
        for pin in pins.get("items", []):
            if lookup.digest(pin.get("description", "")) == reserved["text"]:
                return PublishedPost(remote_id=pin["id"], url=f"https://www.pinterest.com/pin/{pin['id']}/")
        return None

    def delete(self, account, remote_id: str) -> None:
        try:
            call("DELETE", f"pins/{remote_id}", self.token(account), what="deleting the pin", writes=True)
        except NetworkError as error:
            if "not found" not in error.message.lower():
                raise

    def fetch_post(self, account, remote_id: str) -> RemotePost:
        try:
            pin = call("GET", f"pins/{remote_id}", self.token(account), what="reading the pin")
        except NetworkError as error:
            if "not found" in error.message.lower():
                return RemotePost(remote_id=remote_id, url="", text="", exists=False)
            raise
        return RemotePost(
            remote_id=remote_id,
            url=f"https://www.pinterest.com/pin/{remote_id}/",
            text=pin.get("description", ""),
            exists=True,
        )

    def like(self, account, remote_id: str) -> None:
        raise NetworkError("Pinterest's API does not like pins.", transient=False)

    def send_message(self, account, thread: str, text: str) -> PublishedPost:
        raise NetworkError("Pinterest's API has no messages.", transient=False)

    def replies_need_watching(self, account) -> bool:
        return False

    def list_interactions(self, account, cursor: str = "") -> InteractionPage:
        return InteractionPage(
            items=[],
            cursor=cursor,
            limitation="Pinterest's API gives no comments or messages, so there is nothing to read into the inbox.",
        )

    def list_followers(self, account, cursor: str = "") -> FollowerPage:
        return FollowerPage(profiles=[], cursor="")

    def refresh_credentials(self, account) -> dict | None:
        from firsthand.networks.pinterest.oauth import boards_of

        token = self.token(account)
        boards = boards_of(token)  # also the check that the access still works; boards made since appear
        credentials = account.credentials
        if boards != credentials.get("boards"):
            account.credentials = {**credentials, "boards": boards}
            account.save(update_fields=["credentials_encrypted"])
        return None
