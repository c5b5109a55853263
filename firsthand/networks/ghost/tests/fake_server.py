"""A Ghost site on loopback, written from Ghost's Admin API documentation, for the connector's tests.

Each route names the part of ghost.org/docs/admin-api/ it follows:

  auth                                #token-authentication: `Authorization: Ghost <JWT>`, HS256 signed with
                                      the hex-decoded secret of the key named by `kid`, aud "/admin/", a life
                                      of at most five minutes; anything else answers 401 (#errors)
  GET  /ghost/api/admin/site/         #site: public, {"site": {title, url, version}}
  GET  /ghost/api/admin/posts/        #browse-posts, #filtering (created_at:>'YYYY-MM-DD HH:MM:SS'), order,
                                      limit, fields
  POST /ghost/api/admin/posts/        #creating-a-post (?source=html: html converted; tags by name, made
                                      when new; status published | draft; title required, 255 at most)
  GET/DELETE /ghost/api/admin/posts/{id}/   #read-a-post, #deleting-a-post (204)
  POST /ghost/api/admin/images/upload/      #uploading-an-image (multipart file, purpose, ref)
Errors are {"errors": [{"message", "context", "type"}]}. There are no comment endpoints: Ghost's Admin API
has none.
"""

import re
import secrets
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import jwt

from firsthand.networks.fake_http import LoopbackServer


class FakeGhost(LoopbackServer):
    def __init__(self, *, ghost=True):
        super().__init__()
        self.ghost = ghost
        self.key_id, self.secret = secrets.token_hex(12), secrets.token_hex(32)
        self.posts: dict[str, dict] = {}
        self.images: list[dict] = []
        self.tags: set[str] = {"News"}
        self.lose_next_post_answer = False
        self.requests: list[tuple[str, str]] = []
        self.start()

    @property
    def admin_key(self) -> str:
        return f"{self.key_id}:{self.secret}"

    def route(self, request, method):
        parts = urlsplit(request.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        self.requests.append((method, path))
        body = self.body(request)
        prefix = "/ghost/api/admin/"
        if not self.ghost or not path.startswith(prefix):
            return self.send(request, 404, {"errors": [{"message": "Resource not found", "type": "NotFoundError"}]})
        route = path[len(prefix) :]
        if route == "site/" and method == "GET":
            return self.send(
                request, 200, {"site": {"title": "Corner Café News", "url": self.url + "/", "version": "5.96"}}
            )
        problem = self.refused(request)
        if problem:
            return self.send(request, 401, {"errors": [{"message": problem, "type": "UnauthorizedError"}]})
        if route == "posts/":
            return self.create(request, query, body) if method == "POST" else self.browse(request, query)
        if route == "images/upload/" and method == "POST":
            return self.upload(request, body)
        found = re.fullmatch(r"posts/([0-9a-f]{24})/", route)
        if found:
            return self.one(request, method, found.group(1))
        return self.send(request, 404, {"errors": [{"message": "Resource not found", "type": "NotFoundError"}]})

    def refused(self, request) -> str:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Ghost" or not token:
            return 'Authorization header format is "Authorization: Ghost [token]"'
        try:
            header = jwt.get_unverified_header(token)
            if header.get("kid") != self.key_id:
                return "Unknown Admin API Key"
            claims = jwt.decode(token, bytes.fromhex(self.secret), algorithms=["HS256"], audience="/admin/")
        except jwt.PyJWTError as error:
            return f"Invalid token: {error}"
        if claims["exp"] - claims["iat"] > 5 * 60:
            return "Invalid token: maxAge exceeded"
        return ""

    def stamp(self) -> str:
        return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def create(self, request, query, body):
        given = (body.get("posts") or [{}])[0]
        title = given.get("title", "")
        if not title:
            return self.send(
                request,
                422,
                {
                    "errors": [
                        {
                            "message": "Validation error, cannot save post.",
                            "context": "Value in [posts.title] cannot be blank.",
                            "type": "ValidationError",
                        }
                    ]
                },
            )
        if len(title) > 255:
            return self.send(
                request,
                422,
                {
                    "errors": [
                        {
                            "message": "Validation error, cannot save post.",
                            "context": "Value in [posts.title] exceeds maximum length of 255 characters.",
                            "type": "ValidationError",
                        }
                    ]
                },
            )
        made = secrets.token_hex(12)
        tags = [t if isinstance(t, str) else t.get("name", "") for t in given.get("tags", [])]
        self.tags.update(tags)
        post = {
            "id": made,
            "title": title,
            # Without ?source=html Ghost ignores the html field (the post is saved empty).
            "html": given.get("html", "") if query.get("source") == "html" else "",
            "status": given.get("status", "draft"),
            "tags": [{"name": t} for t in tags],
            "feature_image": given.get("feature_image"),
            "feature_image_alt": given.get("feature_image_alt"),
            "created_at": self.stamp(),
            "url": f"{self.url}/p/{made}/",
        }
        self.posts[made] = post
        if self.lose_next_post_answer:
            self.lose_next_post_answer = False
            request.close_connection = True
            request.connection.shutdown(2)
            return None
        self.send(request, 201, {"posts": [post]})

    def browse(self, request, query):
        found = list(self.posts.values())
        since = re.fullmatch(r"created_at:>'(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)'", query.get("filter", ""))
        if since:
            found = [p for p in found if p["created_at"][:19].replace("T", " ") > since.group(1)]
        found.sort(key=lambda p: p["created_at"], reverse=query.get("order", "").endswith("desc"))
        found = found[: int(query.get("limit", 15))]
        if "fields" in query:
            found = [{k: p[k] for k in query["fields"].split(",") if k in p} for p in found]
        self.send(request, 200, {"posts": found, "meta": {"pagination": {"limit": int(query.get("limit", 15))}}})

    def one(self, request, method, post_id):
        if post_id not in self.posts:
            return self.send(request, 404, {"errors": [{"message": "Post not found.", "type": "NotFoundError"}]})
        if method == "DELETE":
            del self.posts[post_id]
            return self.send(request, 204, None)
        self.send(request, 200, {"posts": [self.posts[post_id]]})

    def upload(self, request, body):
        if "file" not in body or not isinstance(body["file"], bytes):
            return self.send(
                request, 422, {"errors": [{"message": "Please select an image.", "type": "ValidationError"}]}
            )
        self.images.append({"bytes": len(body["file"]), "purpose": body.get("purpose"), "ref": body.get("ref")})
        url = f"{self.url}/content/images/{len(self.images)}.png"
        self.send(request, 201, {"images": [{"url": url, "ref": body.get("ref")}]})
