"""Meta's Graph API and Facebook Login on loopback, written from developers.facebook.com, for the tests.

Each route names the page it follows (developers.facebook.com/docs/...):

  GET  /{v}/dialog/oauth                 facebook-login/guides/advanced/manual-flow (the person approves
                                         at once, giving the Pages in `granted_pages`)
  GET  /{v}/oauth/access_token           same page (code + client_secret), and access-tokens/get-long-lived
                                         (grant_type=fb_exchange_token)
  GET  /{v}/me/accounts                  pages-api/overview (Pages with their Page access tokens)
  POST /{v}/{page}/feed                  pages-api/posts (message, attached_media[n])
  POST /{v}/{page}/photos                pages-api/posts#publish-a-photo (source, message, published)
  GET  /{v}/{page}/posts                 graph-api/reference/page/feed (since)
  GET/POST /{v}/{object}/comments        graph-api/reference/object/comments (filter, order, after)
  POST /{v}/{comment}                    graph-api/reference/comment#updating (is_hidden)
  GET/DELETE /{v}/{object}               graph-api/reference/post (error 100 when it does not exist)
  POST /{v}/{object}/likes               graph-api/reference/object/likes
  GET  /{v}/{page}/conversations         graph-api/reference/page/conversations (platform=messenger)
  POST /{v}/{page}/messages              messenger-platform/reference/send-api
Errors are {"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}} (graph-api/guides/
error-handling): 190 for a token no longer valid, 32 / 80001 for rate limits with X-Business-Use-Case-Usage
(graph-api/overview/rate-limiting). Only the pinned version's paths answer.
"""

import time
from datetime import datetime, timezone
from itertools import count
from urllib.parse import parse_qs, urlencode, urlsplit

from firsthand.networks.facebook.graph import VERSION
from firsthand.networks.fake_http import LoopbackServer


def stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


class FakeFacebook(LoopbackServer):
    def __init__(self, app_id="meta-app", app_secret="meta-secret"):
        super().__init__()
        self.app_id, self.app_secret = app_id, app_secret
        self.ids = count(100_000_000_000_001)
        self.pages = {}  # page id → {id, name, token}
        self.objects = {}  # id → post, photo or comment
        self.comments = {}  # parent id → [comment ids], oldest first
        self.conversations = {}  # page id → [{id, messages: [...]}]
        self.sent_messages = []
        self.likes = set()
        self.codes, self.user_tokens = {}, set()
        self.granted_pages: list[str] = []
        self.rate_limited = False
        self.lose_next_post_answer = False
        self.requests: list[tuple[str, str, dict]] = []
        self.start()

    # --- the world ------------------------------------------------------------------------------

    def new_page(self, name) -> str:
        page_id = str(next(self.ids))
        self.pages[page_id] = {"id": page_id, "name": name, "token": f"page-token-{page_id}"}
        return page_id

    def new_id(self, prefix: str = "") -> str:
        return f"{prefix}_{next(self.ids)}" if prefix else str(next(self.ids))

    def comment(self, parent, name, message, author_id=None) -> str:
        comment_id = self.new_id(parent.split("_")[-1])
        self.objects[comment_id] = {
            "id": comment_id,
            "message": message,
            "from": {"id": author_id or f"person-{abs(hash(name)) % 10**8}", "name": name},
            "created_time": stamp(),
            "is_hidden": False,
        }
        self.comments.setdefault(parent, []).append(comment_id)
        return comment_id

    def messenger(self, page_id, person_id, name, text) -> str:
        return self.add_message(self.conversations, page_id, {"id": person_id, "name": name}, text)

    def add_message(self, box: dict, page_id: str, sender: dict, text: str, prefix="m_") -> str:
        """A message from `sender` to the Page, newest first in its conversation in `box`."""
        mid = f"{prefix}{next(self.ids)}"
        threads = box.setdefault(page_id, [])
        thread = next((t for t in threads if t["person"] == sender["id"]), None)
        if thread is None:
            thread = {"id": f"t_{next(self.ids)}", "person": sender["id"], "messages": []}
            threads.append(thread)
        thread["messages"].insert(0, {"id": mid, "message": text, "from": sender, "created_time": stamp()})
        return mid

    def posts_of(self, page_id) -> list[dict]:
        return [o for o in self.objects.values() if o.get("page") == page_id]

    def revoke(self):
        for page in self.pages.values():
            page["token"] = None

    # --- HTTP -----------------------------------------------------------------------------------

    def header_token(self, request) -> str | None:
        """The token as Meta also takes it: "Authorization: OAuth <token>" (or Bearer)."""
        scheme, _, value = (request.headers.get("Authorization") or "").partition(" ")
        return value if scheme.lower() in ("oauth", "bearer") and value else None

    def route(self, request, method):
        parts = urlsplit(request.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        body = self.body(request)
        self.requests.append((method, parts.path, {**query, **{k: v for k, v in body.items() if k != "source"}}))
        segments = parts.path.strip("/").split("/")
        if not segments or segments[0] != VERSION:
            return self.fail(request, 2635, "Unsupported version", status=400)
        path, token = segments[1:], query.get("access_token") or self.header_token(request)
        if path == ["dialog", "oauth"]:
            return self.dialog(request, query)
        if path == ["oauth", "access_token"]:
            return self.access_token(request, query)
        if path == ["me", "accounts"]:
            if token not in self.user_tokens:
                return self.fail(request, 190, "Error validating access token")
            given = [self.pages[p] for p in self.granted_pages]
            return self.send(
                request,
                200,
                {
                    "data": [
                        {
                            "id": p["id"],
                            "name": p["name"],
                            "access_token": p["token"],
                            "picture": {"data": {"url": "https://example.test/p.png"}},
                        }
                        for p in given
                    ]
                },
            )
        page = next((p for p in self.pages.values() if p["token"] and p["token"] == token), None)
        if page is None:
            return self.fail(
                request,
                190,
                "Error validating access token: The session has been invalidated because the user changed their "
                "password or Facebook has changed the session for security reasons.",
            )
        if self.rate_limited:
            usage = '{"%s": [{"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 42}]}' % page["id"]
            return self.fail(request, 32, "Page request limit reached", headers={"X-Business-Use-Case-Usage": usage})
        return self.graph(request, method, path, query, body, page)

    def graph(self, request, method, path, query, body, page):
        match (method, path):
            case ("POST", [_, "feed"]):
                return self.create_post(request, page, body)
            case ("POST", [_, "photos"]):
                return self.create_photo(request, page, body)
            case ("GET", [_, "posts"]):
                since = int(query.get("since", 0))
                found = [p for p in self.posts_of(page["id"]) if p["created_epoch"] >= since]
                return self.send(
                    request,
                    200,
                    {"data": [{k: p[k] for k in ("id", "message", "created_time")} for p in reversed(found)]},
                )
            case ("GET", [_, "conversations"]):
                data = [
                    {"id": t["id"], "messages": {"data": t["messages"][:25]}}
                    for t in self.conversations.get(page["id"], [])
                ]
                return self.send(request, 200, {"data": data})
            case ("POST", [_, "messages"]):
                return self.send_message(request, page, body)
            case ("GET", [object_id, "comments"]):
                return self.list_comments(request, object_id, query)
            case ("POST", [object_id, "comments"]):
                if object_id not in self.objects:
                    return self.fail(request, 100, f"Object with ID '{object_id}' does not exist")
                comment_id = self.comment(object_id, page["name"], body.get("message", ""), author_id=page["id"])
                return self.send(request, 200, {"id": comment_id})
            case ("POST", [object_id, "likes"]):
                self.likes.add(object_id)
                return self.send(request, 200, {"success": True})
            case ("POST", [object_id]):
                if object_id not in self.objects:
                    return self.fail(request, 100, f"Object with ID '{object_id}' does not exist")
                self.objects[object_id]["is_hidden"] = body.get("is_hidden") == "true"
                return self.send(request, 200, {"success": True})
            case ("DELETE", [object_id]):
                if self.objects.pop(object_id, None) is None:
                    return self.fail(
                        request, 100, f"Unsupported delete request. Object with ID '{object_id}' does not exist"
                    )
                return self.send(request, 200, {"success": True})
            case ("GET", [object_id]):
                found = self.objects.get(object_id)
                if found is None:
                    return self.fail(
                        request, 100, f"Unsupported get request. Object with ID '{object_id}' does not exist"
                    )
                shown = {k: v for k, v in found.items() if k in ("id", "message", "created_time")}
                comments = len(self.comments.get(object_id, []))
                return self.send(
                    request,
                    200,
                    {
                        **shown,
                        "permalink_url": f"https://www.facebook.com/{object_id}",
                        "comments": {"data": [], "summary": {"total_count": comments}},
                        "reactions": {"data": [], "summary": {"total_count": 0}},
                    },
                )
        return self.fail(request, 100, f"Unknown path {path}")

    def fail(self, request, code, message, status=400, headers=None):
        kind = "OAuthException" if code in (190, 100, 200) else "GraphMethodException"
        return self.send(
            request,
            status,
            {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "Afake"}},
            headers=headers,
        )

    # --- Facebook Login ---------------------------------------------------------------------------

    def dialog(self, request, query):
        if query.get("client_id") != self.app_id:
            return self.fail(request, 101, "Invalid app ID")
        code = f"code-{next(self.ids)}"
        self.codes[code] = query["redirect_uri"]
        self.redirect(request, f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}#_=_")

    def access_token(self, request, query):
        if query.get("client_id") != self.app_id or query.get("client_secret") != self.app_secret:
            return self.fail(request, 1, "Error validating client secret.")
        if query.get("grant_type") == "fb_exchange_token":
            if query.get("fb_exchange_token") not in self.user_tokens:
                return self.fail(request, 190, "Invalid OAuth access token.")
            token = f"long-{next(self.ids)}"
            self.user_tokens.add(token)
            return self.send(request, 200, {"access_token": token, "token_type": "bearer", "expires_in": 5183944})
        if self.codes.pop(query.get("code", ""), None) != query.get("redirect_uri"):
            return self.fail(request, 100, "This authorization code has been used.")
        token = f"short-{next(self.ids)}"
        self.user_tokens.add(token)
        return self.send(request, 200, {"access_token": token, "token_type": "bearer", "expires_in": 5400})

    # --- posts and comments -------------------------------------------------------------------------

    def new_post(self, page, message, **extra) -> str:
        post_id = f"{page['id']}_{next(self.ids)}"
        self.objects[post_id] = {
            "id": post_id,
            "page": page["id"],
            "message": message,
            "created_time": stamp(),
            "created_epoch": int(time.time()),
            **extra,
        }
        return post_id

    def create_post(self, request, page, body):
        attached = [v for k, v in sorted(body.items()) if k.startswith("attached_media[")]
        post_id = self.new_post(page, body.get("message", ""), attached_media=attached)
        if self.lose_next_post_answer:
            self.lose_next_post_answer = False
            return self.send(
                request,
                500,
                {
                    "error": {
                        "message": "An unknown error has occurred.",
                        "type": "OAuthException",
                        "code": 1,
                        "is_transient": True,
                    }
                },
            )
        return self.send(request, 200, {"id": post_id})

    def create_photo(self, request, page, body):
        if not body.get("source"):
            return self.fail(request, 324, "Requires upload file")
        photo_id = str(next(self.ids))
        self.objects[photo_id] = {
            "id": photo_id,
            "photo_of": page["id"],
            "alt_text_custom": body.get("alt_text_custom", ""),
            "bytes": len(body["source"]),
        }
        if body.get("published") == "false":
            return self.send(request, 200, {"id": photo_id})
        post_id = self.new_post(page, body.get("message", ""), photo=photo_id)
        return self.send(request, 200, {"id": photo_id, "post_id": post_id})

    def list_comments(self, request, object_id, query):
        ids = list(self.comments.get(object_id, []))
        if query.get("order") == "reverse_chronological":
            ids.reverse()
        start = int(query["after"]) if query.get("after", "").isdigit() else 0
        size = int(query.get("limit", 25))
        chunk = ids[start : start + size]
        data = [{k: v for k, v in self.objects[i].items() if k != "is_hidden"} for i in chunk if i in self.objects]
        paging = {"cursors": {"before": str(start), "after": str(start + len(chunk))}} if chunk else {}
        return self.send(request, 200, {"data": data, "paging": paging})

    def send_message(self, request, page, body):
        import json

        recipient, message = json.loads(body["recipient"]), json.loads(body["message"])
        mid = f"m_{next(self.ids)}"
        self.sent_messages.append(
            {"page": page["id"], "to": recipient["id"], "text": message["text"], "type": body.get("messaging_type")}
        )
        return self.send(request, 200, {"recipient_id": recipient["id"], "message_id": mid})
