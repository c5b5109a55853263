"""A WordPress site on loopback, written from the REST API handbook, for the connector's tests.

A real WordPress needs PHP and a database server; this answers what firsthand uses with the documented
requests and answers. Each route names its page (developer.wordpress.org/rest-api/):

  GET  /                          using-the-rest-api/discovery/: `Link: <…/wp-json/>; rel="https://api.w.org/"`
  GET  /wp-json/                  using-the-rest-api/discovery/#index: name, namespaces
  auth                            using-the-rest-api/authentication/#application-passwords: HTTP Basic with
                                  the username and an application password (spaces ignored); a wrong one
                                  answers 401 {"code": "incorrect_password"} on any route, public ones too
  GET  /wp/v2/users/me            reference/users/#retrieve-a-user-2 (context=edit: capabilities)
  GET/POST /wp/v2/categories      reference/categories/
  GET/POST /wp/v2/tags            reference/tags/ (search; a name in use: 400 term_exists, data.term_id)
  POST /wp/v2/media               reference/media/#create-a-media-item (raw body, Content-Disposition
                                  filename, alt_text as a parameter; source_url back)
  GET/POST /wp/v2/posts           reference/posts/#list-posts (author, status, orderby, order, per_page,
                                  context=edit: title.raw), #create-a-post (title, content, status,
                                  featured_media, categories, tags; date_gmt set by the site)
  GET/DELETE /wp/v2/posts/<id>    #retrieve-a-post, #delete-a-post (to the trash; again: 410 already_trashed)
  GET/POST /wp/v2/comments        reference/comments/#list-comments (after compares the comment's local
                                  `date`, order, orderby, per_page), #create-a-comment (post, parent, content;
                                  author is the signed-in user)
  GET  /wp/v2/comments/<id>       reference/comments/#retrieve-a-comment
Errors are {"code", "message", "data": {"status"}} (using-the-rest-api/global-parameters/, the REST API's
WP_Error form). The site's clock runs two hours ahead of GMT, as a site's time zone may.
"""

import base64
import html
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

from firsthand.networks.fake_http import LoopbackServer

SITE_OFFSET = timedelta(hours=2)


def iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S")


class FakeWordPress(LoopbackServer):
    def __init__(self, *, rest_api=True, wordpress=True, pretty_permalinks=True):
        super().__init__()
        self.rest_api, self.wordpress, self.pretty = rest_api, wordpress, pretty_permalinks
        self.users = {"editor": "abcd efgh ijkl mnop qrst uvwx"}
        self.user_ids = {"editor": 7, "reader": 9}
        self.capabilities = {"publish_posts": True, "upload_files": True, "edit_posts": True}
        self.posts: dict[int, dict] = {}
        self.media: dict[int, dict] = {}
        self.comments: dict[int, dict] = {}
        self.categories = {1: "Uncategorized", 4: "News", 5: "Recipes"}
        self.tags: dict[int, str] = {12: "bread"}
        self.next_id = 100
        self.lose_next_post_answer = False
        self.refuse_posts: tuple[int, str, str] | None = None  # (status, code, message) for every new post
        self.requests: list[tuple[str, str]] = []
        self.start()

    @property
    def root(self) -> str:
        return f"{self.url}/wp-json/" if self.pretty else f"{self.url}/?rest_route=/"

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def now(self) -> datetime:
        return datetime.now(timezone.utc).replace(microsecond=0)

    def reader_comments(self, post_id: int, text: str, *, parent=0, at: datetime | None = None, author=0, name="Ana"):
        """A reader writes a comment under a post (as WordPress's own comment form would)."""
        at = at or self.now()
        comment = {
            "id": self.new_id(),
            "post": post_id,
            "parent": parent,
            "author": author,
            "author_name": name,
            "author_url": "",
            "date": iso(at + SITE_OFFSET),
            "date_gmt": iso(at),
            "content": {"raw": text, "rendered": f"<p>{html.escape(text)}</p>\n"},
            "link": f"{self.url}/?p={post_id}#comment-{self.next_id}",
            "status": "approved",
            "type": "comment",
        }
        self.comments[comment["id"]] = comment
        return comment

    # --- HTTP ----------------------------------------------------------------------------------

    def route(self, request, method):
        parts = urlsplit(request.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        if "rest_route" in query:
            path = "/wp-json" + query.pop("rest_route")
        self.requests.append((method, path))
        if path == "/" and method == "GET":
            return self.home(request)
        if not path.startswith("/wp-json") or not self.wordpress or not self.rest_api:
            return self.send(request, 404, {"code": "rest_no_route", "message": "Not Found", "data": {"status": 404}})
        raw = self.raw(request)
        user = self.signed_in(request)
        if user is False:
            return self.fail(
                request, 401, "incorrect_password", "The provided password is an invalid application password."
            )
        route = path[len("/wp-json") :].rstrip("/") or "/"
        if route == "/":
            return self.send(
                request, 200, {"name": "Corner Café", "url": self.url, "namespaces": ["oembed/1.0", "wp/v2"]}
            )
        if user is None and (method != "GET" or route == "/wp/v2/users/me"):
            return self.fail(request, 401, "rest_not_logged_in", "You are not currently logged in.")
        body = self.parsed(request, raw)
        for pattern, handler in (
            (r"/wp/v2/users/me", self.me),
            (r"/wp/v2/categories", self.category_list),
            (r"/wp/v2/tags", self.tag_list),
            (r"/wp/v2/media", self.upload),
            (r"/wp/v2/posts", self.post_list),
            (r"/wp/v2/posts/(\d+)", self.one_post),
            (r"/wp/v2/comments", self.comment_list),
            (r"/wp/v2/comments/(\d+)", self.one_comment),
        ):
            found = re.fullmatch(pattern, route)
            if found:
                return handler(request, method, query, body, user, *map(int, found.groups()))
        return self.fail(request, 404, "rest_no_route", "No route was found matching the URL and request method.")

    def home(self, request):
        data = b"<!doctype html><title>Corner Cafe</title><p>Welcome</p>"
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(len(data)))
        if self.wordpress and self.rest_api:
            request.send_header("Link", f'<{self.root}>; rel="https://api.w.org/"')
        request.end_headers()
        request.wfile.write(data)

    def raw(self, request) -> bytes:
        length = int(request.headers.get("Content-Length") or 0)
        return request.rfile.read(length) if length else b""

    def parsed(self, request, raw: bytes) -> dict:
        kind = request.headers.get("Content-Type", "")
        if kind.startswith("application/json"):
            import json

            return json.loads(raw or b"{}")
        if kind.startswith("image/"):
            return {"file": raw, "type": kind, "disposition": request.headers.get("Content-Disposition", "")}
        return {k: v[-1] for k, v in parse_qs(raw.decode()).items()}

    def signed_in(self, request):
        """The user name, None without credentials, False for credentials WordPress refuses."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        name, _, password = base64.b64decode(header[6:]).decode().partition(":")
        expected = self.users.get(name)
        if expected is None or expected.replace(" ", "") != password.replace(" ", ""):
            return False
        return name

    def fail(self, request, status, code, message, **data):
        self.send(request, status, {"code": code, "message": message, "data": {"status": status, **data}})

    # --- routes --------------------------------------------------------------------------------

    def me(self, request, method, query, body, user):
        found = {"id": self.user_ids[user], "name": "Corner Café editor", "slug": user}
        if query.get("context") == "edit":
            found["capabilities"] = self.capabilities
        self.send(request, 200, found)

    def category_list(self, request, method, query, body, user):
        if method == "POST":
            made = self.new_id()
            self.categories[made] = body["name"]
            return self.send(request, 201, {"id": made, "name": body["name"]})
        self.send(request, 200, [{"id": k, "name": v} for k, v in self.categories.items()])

    def tag_list(self, request, method, query, body, user):
        if method == "POST":
            same = next((k for k, v in self.tags.items() if v.lower() == body["name"].lower()), None)
            if same is not None:
                return self.fail(
                    request, 400, "term_exists", "A term with the name provided already exists.", term_id=same
                )
            made = self.new_id()
            self.tags[made] = body["name"]
            return self.send(request, 201, {"id": made, "name": body["name"]})
        search = query.get("search", "").lower()
        self.send(request, 200, [{"id": k, "name": v} for k, v in self.tags.items() if search in v.lower()])

    def upload(self, request, method, query, body, user):
        if method != "POST" or "file" not in body:
            return self.fail(request, 400, "rest_upload_no_data", "No data supplied.")
        if "filename=" not in body["disposition"]:
            return self.fail(request, 400, "rest_upload_no_content_disposition", "No Content-Disposition supplied.")
        made = self.new_id()
        self.media[made] = {"bytes": len(body["file"]), "type": body["type"], "alt_text": query.get("alt_text", "")}
        self.send(
            request,
            201,
            {
                "id": made,
                "source_url": f"{self.url}/wp-content/uploads/{made}.png",
                "alt_text": self.media[made]["alt_text"],
            },
        )

    def post_json(self, post: dict, context: str) -> dict:
        shown = {k: v for k, v in post.items() if k not in ("title", "content")}
        shown["title"] = {"rendered": html.escape(post["title"])}
        shown["content"] = {"rendered": post["content"]}
        if context == "edit":
            shown["title"]["raw"], shown["content"]["raw"] = post["title"], post["content"]
        return shown

    def post_list(self, request, method, query, body, user):
        if method == "POST":
            return self.create_post(request, body, user)
        statuses = query.get("status", "publish").split(",")
        found = [p for p in self.posts.values() if p["status"] in statuses]
        if "author" in query:
            found = [p for p in found if p["author"] == int(query["author"])]
        found.sort(key=lambda p: p["date_gmt"], reverse=query.get("order", "desc") == "desc")
        found = found[: int(query.get("per_page", 10))]
        self.send(request, 200, [self.post_json(p, query.get("context", "view")) for p in found])

    def create_post(self, request, body, user):
        if self.refuse_posts:
            return self.fail(request, *self.refuse_posts)
        if not body.get("title") and not body.get("content"):
            return self.fail(request, 400, "empty_content", "Content, title, and excerpt are empty.")
        if body.get("featured_media") and body["featured_media"] not in self.media:
            return self.fail(request, 400, "rest_invalid_featured_media", "Invalid featured media ID.")
        for tag in body.get("tags", []):
            if tag not in self.tags:
                return self.fail(request, 400, "rest_invalid_param", "Invalid parameter(s): tags")
        made, at = self.new_id(), self.now()
        post = {
            "id": made,
            "author": self.user_ids[user],
            "title": body.get("title", ""),
            "content": body.get("content", ""),
            "status": body.get("status", "draft"),
            "featured_media": body.get("featured_media", 0),
            "categories": body.get("categories", [1]),
            "tags": body.get("tags", []),
            "date": iso(at + SITE_OFFSET),
            "date_gmt": iso(at),
            "link": f"{self.url}/?p={made}",
        }
        self.posts[made] = post
        if self.lose_next_post_answer:
            self.lose_next_post_answer = False
            request.close_connection = True  # made, but the answer never arrives
            request.connection.shutdown(2)
            return None
        self.send(request, 201, self.post_json(post, "edit"))

    def one_post(self, request, method, query, body, user, post_id):
        post = self.posts.get(post_id)
        if post is None:
            return self.fail(request, 404, "rest_post_invalid_id", "Invalid post ID.")
        if method == "DELETE":
            if post["status"] == "trash":
                return self.fail(request, 410, "rest_already_trashed", "The post has already been deleted.")
            post["status"] = "trash"
        self.send(request, 200, self.post_json(post, query.get("context", "view")))

    def comment_list(self, request, method, query, body, user):
        if method == "POST":
            return self.create_comment(request, body, user)
        found = [c for c in self.comments.values() if c.get("status", "approved") == "approved"]
        if "after" in query:
            found = [c for c in found if c.get("date", "9") > query["after"][:19]]  # the local date, to the second
        if "post" in query:
            found = [c for c in found if c.get("post") == int(query["post"])]
        found.sort(key=lambda c: (c.get("date_gmt", ""), c.get("id", 0)), reverse=query.get("order", "desc") == "desc")
        self.send(request, 200, found[: int(query.get("per_page", 10))])

    def create_comment(self, request, body, user):
        post = self.posts.get(int(body.get("post") or 0))
        if post is None:
            return self.fail(
                request,
                403,
                "rest_comment_invalid_post_id",
                "Sorry, you are not allowed to create this comment without a post.",
            )
        parent = int(body.get("parent") or 0)
        if parent and (parent not in self.comments or self.comments[parent]["post"] != post["id"]):
            return self.fail(request, 400, "rest_comment_invalid_parent", "Invalid comment parent ID.")
        made = self.reader_comments(
            post["id"], body.get("content", ""), parent=parent, author=self.user_ids[user], name="Corner Café"
        )
        self.send(request, 201, made)

    def one_comment(self, request, method, query, body, user, comment_id):
        found = self.comments.get(comment_id)
        if found is None:
            return self.fail(request, 404, "rest_comment_invalid_id", "Invalid comment ID.")
        self.send(request, 200, found)
