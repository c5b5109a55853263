"""A Ghost site as a network: the business's blog, through Ghost's Admin API.

No SDK: Ghost's own Admin API client is JavaScript (@tryghost/admin-api); the Python ones on PyPI
(ghost-client, last released 2018; ghost-api, 2016; pyghost, a young one-person wrapper) are unmaintained
or unproven, and none takes the guarded HTTP session every call to a site a person typed must go through
(networks/safe_http.py). So: requests through that session and PyJWT for the token Ghost asks for.

Connecting: the site's address and an **Admin API key** (Ghost Admin → Settings → Integrations → Add
custom integration), which reads `id:secret`. Each call carries a short token (five minutes) signed with
the secret: HS256, `kid` the key's id, audience `/admin/`. The key is kept encrypted like every token.

Publishing: the first line is the title (Ghost allows 255 characters), the rest the body as HTML paragraphs
(`?source=html`, which Ghost turns into its editor's format), a last line of hashtags the tags (Ghost
makes a tag named that if the site has none); the first image is uploaded as the feature image with its
alt text, further images follow the text. Published at once, or as a draft when the account says so;
scheduling stays with firsthand's scheduler (the crisis switch can hold it). Ghost has no idempotency key:
the title and time are reserved first and a retry after a lost answer looks among the site's posts made
since for that title. Deleting deletes.

**Ghost's API has no comments**: Ghost's native comments are read and answered only in Ghost itself, so
nothing comes into the inbox from a Ghost site (the Accounts page says so).

References (ghost.org/docs/admin-api/):
  #token-authentication     the JWT from the key: header {alg HS256, typ JWT, kid}, {iat, exp ≤ 5 min,
                            aud "/admin/"}, sent as `Authorization: Ghost <token>`; `Accept-Version`
  #site                     GET /ghost/api/admin/site/ (public: title, url, version): is this Ghost?
  #posts, #creating-a-post  POST /posts/?source=html {"posts": [{title, html, status, tags, feature_image,
                            feature_image_alt}]}; tags by name (short form)
  #browse, #filtering       GET /posts/?filter=created_at:>'…'&order=created_at desc&limit=…
  #deleting-a-post          DELETE /posts/{id}/ → 204
  #images                   POST /images/upload/ multipart (file, purpose=image, ref) → {"images": [{url, ref}]}
  #errors                   {"errors": [{"message", "context", "type"}]}; 401/403 for a bad key
"""

import html
import re
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import jwt
from django.core.files.storage import default_storage

from firsthand.networks import lookup
from firsthand.networks.base import FollowerPage, InteractionPage, NetworkError, OutgoingPost, PublishedPost, RemotePost
from firsthand.networks.blog import blog_post, normalise_site, site_request
from firsthand.networks.limits import LIMITS

NAME = "Ghost"
ACCEPT_VERSION = "v5.0"
ADMIN_KEY = re.compile(r"^([0-9a-f]{24}):([0-9a-f]{64})$")
CONTENT_KEY = re.compile(r"^[0-9a-f]{26}$")
MAX_TITLE = 255
NO_COMMENTS = "Ghost's API has no comments: comments on the site are read and answered in Ghost itself."


class SignInError(Exception):
    """Why a site could not be connected, in words for the person connecting it."""


def parse_key(key: str) -> tuple[str, str]:
    key = key.strip().lower()
    found = ADMIN_KEY.match(key)
    if found:
        return found.group(1), found.group(2)
    if CONTENT_KEY.match(key):
        raise ValueError(
            "That is a Content API key, which only reads. Paste the Admin API key shown under it: an id, a colon "
            "and a long secret."
        )
    raise ValueError(
        "That is not a Ghost Admin API key: it reads id:secret, 24 and 64 characters of 0–9 and a–f (Ghost Admin → "
        "Settings → Integrations → your custom integration)."
    )


def token(key_id: str, secret: str) -> str:
    now = int(time.time())
    return jwt.encode(
        {"iat": now, "exp": now + 5 * 60, "aud": "/admin/"},
        bytes.fromhex(secret),
        algorithm="HS256",
        headers={"kid": key_id},
    )


def message_of(response) -> str:
    try:
        errors = response.json().get("errors") or []
        first = errors[0]
        return " ".join(p for p in (first.get("message"), first.get("context")) if p) or response.reason
    except (ValueError, AttributeError, IndexError, TypeError):
        return response.reason or f"HTTP {response.status_code}"


def call(credentials: dict, method: str, path: str, *, what: str, writes=False, **kwargs):
    headers = {
        "Authorization": f"Ghost {token(credentials['key_id'], credentials['secret'])}",
        "Accept-Version": ACCEPT_VERSION,
    }
    url = f"{credentials['site']}/ghost/api/admin/{path}"
    response = site_request(NAME, method, url, what=what, writes=writes, headers=headers, **kwargs)
    if response.status_code < 400:
        return response.json() if response.content else {}
    message = message_of(response)
    if response.status_code in (401, 403):
        raise NetworkError(
            f"Ghost no longer accepts the Admin API key ({message}); connect the site again with the key from "
            "Settings → Integrations.",
            transient=False,
            auth=True,
        )
    if response.status_code == 429 or response.status_code >= 500:
        raise NetworkError(
            f"Ghost failed while {what}: {message}",
            transient=True,
            outcome_unknown=writes and response.status_code >= 500,
            retry_at=datetime.now(timezone.utc) + timedelta(seconds=60) if response.status_code == 429 else None,
        )
    error = NetworkError(f"Ghost refused {what}: {message}", transient=False)
    error.status = response.status_code
    raise error


def sign_in(site_address: str, admin_key: str) -> dict:
    try:
        key_id, secret = parse_key(admin_key)
        site = normalise_site(site_address)
        about = site_request(
            NAME,
            "GET",
            f"{site}/ghost/api/admin/site/",
            what="reading the site",
            headers={"Accept-Version": ACCEPT_VERSION},
        )
    except ValueError as problem:
        raise SignInError(str(problem)) from None
    except NetworkError as problem:
        raise SignInError(f"firsthand could not reach {site_address}: {problem.message}") from None
    try:
        described = about.json().get("site") if about.status_code == 200 else None
    except (ValueError, AttributeError):
        described = None
    if not isinstance(described, dict):
        raise SignInError(
            f"{site} does not look like a Ghost site: it has no Ghost Admin API at {site}/ghost/api/admin/."
        )
    credentials = {"site": site, "key_id": key_id, "secret": secret, "status": "published"}
    try:
        call(credentials, "GET", "posts/", what="checking the Admin API key", params={"limit": 1, "fields": "id"})
    except NetworkError as problem:
        if problem.auth:
            raise SignInError(
                "Ghost did not accept that Admin API key. Copy it again from Settings → Integrations (the Admin "
                "API key of a custom integration); a deleted integration's key stops working."
            ) from None
        raise SignInError(problem.message) from None
    return {
        "remote_id": site,
        "handle": urlsplit(site).netloc + urlsplit(site).path,
        "display_name": described.get("title", ""),
        "credentials": credentials,
    }


class GhostConnector:
    network = "ghost"
    limits = LIMITS["ghost"]

    def publish(self, account, post: OutgoingPost) -> PublishedPost:
        if post.reply_to:
            raise NetworkError(NO_COMMENTS, transient=False)
        credentials = account.credentials
        made = blog_post(post.text)
        if len(made.title) > MAX_TITLE:
            raise NetworkError(
                f"Ghost's titles hold at most {MAX_TITLE} characters; the first line is {len(made.title)}.",
                transient=False,
            )
        lookup.reserve(account, post.idempotency_key, made.title)
        body = {"title": made.title, "html": made.html, "status": credentials.get("status") or "published"}
        if made.tags:
            body["tags"] = list(made.tags)
        if post.media:
            body["feature_image"] = self.upload(credentials, post.media[0])
            if post.media[0].alt_text:
                body["feature_image_alt"] = post.media[0].alt_text[:191]  # Ghost's column holds 191
            for item in post.media[1:]:
                src, alt = html.escape(self.upload(credentials, item)), html.escape(item.alt_text)
                body["html"] += f'\n<figure><img src="{src}" alt="{alt}"></figure>'
        created = call(
            credentials,
            "POST",
            "posts/",
            what="publishing the post",
            writes=True,
            params={"source": "html"},
            json={"posts": [body]},
        )["posts"][0]
        return PublishedPost(
            remote_id=created["id"], url=created.get("url", ""), published_at=datetime.now(timezone.utc)
        )

    def upload(self, credentials: dict, item) -> str:
        with default_storage.open(item.path, "rb") as handle:
            data = handle.read()
        extension = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}.get(
            item.mime_type, "img"
        )
        uploaded = call(
            credentials,
            "POST",
            "images/upload/",
            what="uploading the image",
            writes=True,
            files={"file": (f"firsthand.{extension}", data, item.mime_type)},
            data={"purpose": "image", "ref": item.path[-180:]},
        )
        return uploaded["images"][0]["url"]

    def find_published(self, account, idempotency_key: str) -> PublishedPost | None:
        reserved = lookup.reservation(account, idempotency_key)
        if reserved is None:
            return None
        since = datetime.fromtimestamp(reserved["at"] - 120, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        posts = call(
            account.credentials,
            "GET",
            "posts/",
            what="looking for the post",
            params={
                "filter": f"created_at:>'{since}'",
                "order": "created_at desc",
                "limit": 50,
                "fields": "id,title,url",
            },
        )["posts"]
        for found in posts:
            if lookup.digest(found.get("title", "")) == reserved["text"]:
                return PublishedPost(remote_id=found["id"], url=found.get("url", ""))
        return None

    def delete(self, account, remote_id: str) -> None:
        try:
            call(account.credentials, "DELETE", f"posts/{remote_id}/", what="deleting the post", writes=True)
        except NetworkError as error:
            if getattr(error, "status", 0) != 404:
                raise

    def fetch_post(self, account, remote_id: str) -> RemotePost:
        try:
            found = call(account.credentials, "GET", f"posts/{remote_id}/", what="reading the post")["posts"][0]
        except NetworkError as error:
            if getattr(error, "status", 0) == 404:
                return RemotePost(remote_id=remote_id, url="", text="", exists=False)
            raise
        return RemotePost(remote_id=remote_id, url=found.get("url", ""), text=found.get("title", ""), exists=True)

    def replies_need_watching(self, account) -> bool:
        return False

    def list_interactions(self, account, cursor: str = "") -> InteractionPage:
        return InteractionPage(items=[], cursor=cursor, limitation=NO_COMMENTS)

    def list_replies(self, account, remote_id: str, cursor: str = "") -> InteractionPage:
        return InteractionPage(items=[], cursor=cursor, limitation=NO_COMMENTS)

    def like(self, account, remote_id: str) -> None:
        raise NetworkError(NO_COMMENTS, transient=False)

    def send_message(self, account, thread: str, text: str) -> PublishedPost:
        raise NetworkError("Ghost has no private messages.", transient=False)

    def list_followers(self, account, cursor: str = "") -> FollowerPage:
        return FollowerPage(profiles=[], cursor="")

    def refresh_credentials(self, account) -> dict | None:
        call(
            account.credentials, "GET", "posts/", what="checking the Admin API key", params={"limit": 1, "fields": "id"}
        )
        return None
