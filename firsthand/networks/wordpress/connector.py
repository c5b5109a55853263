"""A self-hosted WordPress site (or any WordPress with the REST API) as a network: the business's blog.

No SDK: the Python wrappers on PyPI (python-wordpress-xmlrpc, last released 2014, speaks the XML-RPC API
WordPress is retiring; wordpress-api, 2019; small one-person wrappers of the REST API) are unmaintained or
young, and none takes the guarded HTTP session every call to a site a person typed must go through
(networks/safe_http.py). So: requests through that session, a dozen documented calls.

Connecting: the site's address, a username and an **application password** (WordPress → Users → Profile
→ Application Passwords), sent as HTTP Basic auth; never the account's login password (signin.py).

Publishing: the first line is the title, the rest the body as paragraphs, a last line of hashtags the
tags (networks/blog.py); the first image becomes the featured image (uploaded to the media library with
its alt text), further images follow the text. The account's category (Accounts → Edit) is set; posts go
out published, or as drafts to finish in WordPress when the account says so. Scheduling stays with
firsthand's own scheduler, not WordPress's `status=future`: the crisis switch can then hold a post that
falls due, and a post's exactly-once record lives in one place. WordPress has no idempotency key, so the
title and time are reserved before the call (networks/lookup.py) and a retry after a lost answer looks
among the account's own posts since then for that title before sending again. Deleting moves the post
to WordPress's trash (recoverable there for 30 days).

The inbox: the site's comments (approved ones; those held for moderation stay in WordPress), read after a
cursor in the site's own time, WordPress's replies from this account left out; answered from the inbox
as a reply comment (`parent`) under the same post. No likes, messages or followers in WordPress's API.

References (developer.wordpress.org/rest-api/):
  reference/application-passwords/, using-the-rest-api/authentication/#application-passwords
  reference/users/#retrieve-a-user      GET /wp/v2/users/me (context=edit: who the password belongs to)
  reference/posts/                       create, retrieve, list (author, after, status, context=edit), delete
  reference/media/#create-a-media-item   raw body with Content-Disposition; alt_text
  reference/categories/, reference/tags/ list and create terms; a name in use answers term_exists
  reference/comments/                    list (after, orderby, order, per_page), retrieve, create (post, parent)
  using-the-rest-api/global-parameters/  the error shape {"code", "message", "data": {"status"}}
"""

import base64
import html
import re
from datetime import datetime, timedelta, timezone

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
    cursor_time,
    read_each,
)
from firsthand.networks.blog import blog_post, linked, site_request
from firsthand.networks.limits import LIMITS

NAME = "WordPress"
AGAIN = "connect the site again with a new application password"
# A refused identity (401, or these codes); a user who may not do something gets 403 and WordPress's words instead.
AUTH_CODES = {"incorrect_password", "invalid_username", "invalid_email", "rest_not_logged_in"}
FIRST_READ = 20  # comments read at the first poll: the newest, not the site's whole history
PAGE = 100  # the REST API's largest per_page


def basic(username: str, app_password: str) -> str:
    # WordPress shows application passwords in groups of four with spaces; it accepts them either way.
    raw = f"{username}:{app_password.replace(' ', '')}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


def problem_of(response) -> tuple[str, str]:
    """WordPress's error code and message, or the HTTP reason when the answer is not WordPress's JSON."""
    try:
        body = response.json()
        return str(body.get("code", "")), str(body.get("message") or response.reason)
    except (ValueError, AttributeError):
        return "", response.reason or f"HTTP {response.status_code}"


def call(credentials: dict, method: str, path: str, *, what: str, writes=False, **kwargs):
    headers = {
        "Authorization": basic(credentials["username"], credentials["app_password"]),
        **kwargs.pop("headers", {}),
    }
    response = site_request(
        NAME, method, credentials["api"] + path, what=what, writes=writes, headers=headers, **kwargs
    )
    if response.status_code < 400:
        return response.json() if response.content else {}
    code, message = problem_of(response)
    if response.status_code == 401 or code in AUTH_CODES:
        raise NetworkError(
            f"WordPress no longer accepts the application password ({message}); {AGAIN}.", transient=False, auth=True
        )
    if response.status_code == 429 or response.status_code >= 500:
        retry = response.headers.get("Retry-After", "")
        wait = int(retry) if retry.isdigit() else 0
        raise NetworkError(
            f"WordPress failed while {what}: {message}",
            transient=True,
            outcome_unknown=writes and response.status_code >= 500,
            retry_at=datetime.now(timezone.utc) + timedelta(seconds=wait) if wait else None,
        )
    error = NetworkError(f"WordPress refused {what}: {message}", transient=False)
    error.status, error.code = response.status_code, code
    raise error


def categories_of(credentials: dict) -> dict[str, str]:
    found = call(credentials, "GET", "wp/v2/categories", what="listing the categories", params={"per_page": PAGE})
    return {str(c["id"]): c.get("name", "") for c in found}


def gmt(value) -> datetime:
    try:
        return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return datetime.min.replace(tzinfo=timezone.utc)


def rendered(field) -> str:
    return field.get("raw", field.get("rendered", "")) if isinstance(field, dict) else str(field or "")


class WordPressConnector:
    network = "wordpress"
    limits = LIMITS["wordpress"]

    # --- publishing ----------------------------------------------------------------------------

    def publish(self, account, post: OutgoingPost) -> PublishedPost:
        credentials = account.credentials
        if post.reply_to:
            return self.answer_comment(credentials, post)
        made = blog_post(post.text)
        lookup.reserve(account, post.idempotency_key, made.title)
        body = {"title": made.title, "content": made.html, "status": credentials.get("status") or "publish"}
        if post.media:
            featured = self.upload(credentials, post.media[0])
            body["featured_media"] = featured["id"]
            for item in post.media[1:]:
                more = self.upload(credentials, item)
                src, alt = html.escape(more.get("source_url", "")), html.escape(item.alt_text)
                body["content"] += f'\n<figure><img src="{src}" alt="{alt}"></figure>'
        if credentials.get("category"):
            body["categories"] = [int(credentials["category"])]
        if made.tags:
            body["tags"] = [self.tag_id(credentials, name) for name in made.tags]
        created = call(credentials, "POST", "wp/v2/posts", what="publishing the post", writes=True, json=body)
        return PublishedPost(
            remote_id=str(created["id"]), url=created.get("link", ""), published_at=datetime.now(timezone.utc)
        )

    def upload(self, credentials: dict, item) -> dict:
        with default_storage.open(item.path, "rb") as handle:
            data = handle.read()
        extension = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}.get(
            item.mime_type, "img"
        )
        return call(
            credentials,
            "POST",
            "wp/v2/media",
            what="uploading the image",
            writes=True,
            params={"alt_text": item.alt_text} if item.alt_text else None,
            data=data,
            headers={
                "Content-Type": item.mime_type,
                "Content-Disposition": f'attachment; filename="firsthand.{extension}"',
            },
        )

    def tag_id(self, credentials: dict, name: str) -> int:
        """The tag's id, made when the site has none of that name."""
        for tag in call(
            credentials, "GET", "wp/v2/tags", what="looking up a tag", params={"search": name, "per_page": PAGE}
        ):
            if tag.get("name", "").lower() == name.lower():
                return tag["id"]
        try:
            return call(credentials, "POST", "wp/v2/tags", what="adding a tag", writes=True, json={"name": name})["id"]
        except NetworkError as error:
            if getattr(error, "code", "") == "term_exists":  # made meanwhile (or named apart only by case)
                found = call(credentials, "GET", "wp/v2/tags", what="looking up a tag", params={"search": name})
                if found:
                    return found[0]["id"]
            raise

    def answer_comment(self, credentials: dict, post: OutgoingPost) -> PublishedPost:
        """A reply comment under the comment answered, on the same post (WordPress needs both ids)."""
        comment = self.comment(credentials, post.reply_to)
        content = "\n".join(f"<p>{linked(p)}</p>" for p in post.text.strip().split("\n\n") if p.strip())
        made = call(
            credentials,
            "POST",
            "wp/v2/comments",
            what="answering the comment",
            writes=True,
            json={"post": comment["post"], "parent": comment["id"], "content": content},
        )
        return PublishedPost(
            remote_id=str(made["id"]), url=made.get("link", ""), published_at=datetime.now(timezone.utc)
        )

    def comment(self, credentials: dict, remote_id: str) -> dict:
        try:
            return call(
                credentials,
                "GET",
                f"wp/v2/comments/{int(remote_id)}",
                what="reading the comment",
                params={"context": "view"},
            )
        except ValueError:
            raise NetworkError("That is not a WordPress comment.", transient=False) from None

    def find_published(self, account, idempotency_key: str) -> PublishedPost | None:
        reserved = lookup.reservation(account, idempotency_key)
        if reserved is None:
            return None
        credentials = account.credentials
        since = datetime.fromtimestamp(reserved["at"] - 120, timezone.utc)
        # The account's newest posts, whatever their status; `date_gmt` says when each was made, in GMT
        # (the `after` filter would read the site's own time zone).
        posts = call(
            credentials,
            "GET",
            "wp/v2/posts",
            what="looking for the post",
            params={
                "author": credentials["user_id"],
                "status": "publish,draft,future,pending,private",
                "orderby": "date",
                "order": "desc",
                "context": "edit",
                "per_page": 20,
            },
        )
        posts = [p for p in posts if gmt(p.get("date_gmt")) >= since]
        for found in posts:
            if lookup.digest(rendered(found.get("title"))) == reserved["text"]:
                return PublishedPost(remote_id=str(found["id"]), url=found.get("link", ""))
        return None

    def delete(self, account, remote_id: str) -> None:
        try:
            call(account.credentials, "DELETE", f"wp/v2/posts/{int(remote_id)}", what="deleting the post", writes=True)
        except NetworkError as error:
            if getattr(error, "status", 0) not in (404, 410):  # gone already, or already in the trash
                raise

    def fetch_post(self, account, remote_id: str) -> RemotePost:
        try:
            found = call(
                account.credentials,
                "GET",
                f"wp/v2/posts/{int(remote_id)}",
                what="reading the post",
                params={"context": "edit"},
            )
        except NetworkError as error:
            if getattr(error, "status", 0) in (404, 410):
                return RemotePost(remote_id=remote_id, url="", text="", exists=False)
            raise
        return RemotePost(
            remote_id=remote_id,
            url=found.get("link", ""),
            text=rendered(found.get("title")),
            exists=found.get("status") != "trash",
        )

    # --- the inbox -----------------------------------------------------------------------------

    def replies_need_watching(self, account) -> bool:
        return False  # list_interactions reads every comment on the site after its cursor

    def list_interactions(self, account, cursor: str = "") -> InteractionPage:
        """Comments after the cursor: the `date` of the last one read, in the site's own time, since
        WordPress compares `after` with each comment's local date. A second earlier is asked again, so
        comments sharing that second are not lost; the inbox keeps each comment once by its id."""
        credentials = account.credentials
        # The view context: an Author may read comments, but only moderators in the edit context.
        params = {"context": "view", "orderby": "date_gmt"}
        if cursor:
            earlier = datetime.fromisoformat(cursor) - timedelta(seconds=1)
            params.update(after=earlier.isoformat(), order="asc", per_page=PAGE)
        else:
            params.update(order="desc", per_page=FIRST_READ)
        found = call(credentials, "GET", "wp/v2/comments", what="reading comments", params=params)
        # One odd comment (no id: a plugin's answer, not WordPress's) is passed over, never the whole page.
        found = sorted(
            (c for c in found if isinstance(c, dict) and isinstance(c.get("id"), int)),
            key=lambda c: (c["date_gmt"] if isinstance(c.get("date_gmt"), str) else "", c["id"]),
        )
        items = read_each(self.interaction, [c for c in found if c.get("author") != credentials.get("user_id")])
        # Only a date that reads becomes the cursor: the next poll parses it, and one far ahead would hide
        # every comment until then.
        dates = [c["date"] for c in found if cursor_time(c.get("date"))]
        return InteractionPage(items=items, cursor=dates[-1] if dates else cursor)

    @staticmethod
    def interaction(comment: dict) -> Interaction:
        at = gmt(comment.get("date_gmt"))
        # WordPress renders quotes and dashes as entities (&#8217;): the inbox shows the characters.
        text = html.unescape(re.sub(r"<[^>]+>", "", rendered(comment.get("content")))).strip()
        return Interaction(
            remote_id=str(comment["id"]),
            kind="comment",
            author_handle=comment.get("author_name") or "a reader",
            author_name=comment.get("author_name") or "",
            text=text,
            created_at=at,
            in_reply_to=str(comment["post"]) if comment.get("post") else None,
            raw={k: comment.get(k) for k in ("id", "post", "parent", "link", "author_url", "type")},
        )

    def list_replies(self, account, remote_id: str, cursor: str = "") -> InteractionPage:
        return InteractionPage(items=[], cursor=cursor)

    def like(self, account, remote_id: str) -> None:
        raise NetworkError("WordPress has no likes for comments in its REST API.", transient=False)

    def send_message(self, account, thread: str, text: str) -> PublishedPost:
        raise NetworkError("WordPress has no private messages.", transient=False)

    def list_followers(self, account, cursor: str = "") -> FollowerPage:
        return FollowerPage(profiles=[], cursor="")

    def refresh_credentials(self, account) -> dict | None:
        """Checks the application password still works (a revoked one marks the account), and picks up
        categories made since."""
        credentials = account.credentials
        call(credentials, "GET", "wp/v2/users/me", what="checking the application password")
        categories = categories_of(credentials)
        if categories != credentials.get("categories"):
            account.credentials = {**credentials, "categories": categories}
            account.save(update_fields=["credentials_encrypted"])
        return None
