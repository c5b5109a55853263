"""The Threads API and Threads' sign-in on loopback, written from developers.facebook.com/docs/threads.

  GET  /oauth/authorize                          get-started/get-access-tokens-and-permissions (approved at once)
  POST /oauth/access_token                       same page (a short-lived token and the user id)
  GET  /access_token?grant_type=th_exchange_token    get-started/long-lived-tokens (60 days)
  GET  /refresh_access_token?grant_type=th_refresh_token   same page
  GET  /v1.0/me                                  threads-profiles
  POST /v1.0/{user}/threads                      posts (media_type TEXT, IMAGE, CAROUSEL; text, image_url,
                                                 alt_text, reply_to_id, is_carousel_item, children)
  GET  /v1.0/{container}?fields=status           troubleshooting (IN_PROGRESS, FINISHED, ERROR, EXPIRED)
  POST /v1.0/{user}/threads_publish              posts (creation_id; a container once)
  GET  /v1.0/{user}/threads, /v1.0/{user}/replies    retrieve-and-discover-posts
  GET  /v1.0/{user}/mentions                     threads-mentions (threads_manage_mentions; since/until as
                                                 Unix seconds, cursor paging with before/after only)
  GET  /v1.0/{media}/conversation                retrieve-and-manage-replies (is_reply_owned_by_me)
  POST /v1.0/{reply}/manage_reply                same page (hide)
  GET/DELETE /v1.0/{media}                       posts (permalink), delete-posts
Errors are Meta's {"error": {"message", "type", "code"}}.
"""

import time
from datetime import datetime, timezone
from itertools import count
from urllib.parse import parse_qs, urlencode, urlsplit

from firsthand.networks.fake_http import LoopbackServer
from firsthand.networks.threads.connector import VERSION


def stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


class FakeThreads(LoopbackServer):
    def __init__(self, app_id="th-app", app_secret="th-secret"):
        super().__init__()
        self.app_id, self.app_secret = app_id, app_secret
        self.ids = count(17_900_000_000_000_001)
        self.users = {}  # id → {id, username, name}
        self.signing_in_as = None
        self.codes, self.tokens = {}, {}  # token → (user, expires)
        self.containers, self.media = {}, {}
        self.requests: list[tuple[str, str, dict]] = []
        self.mentions_refused = False  # the app was not granted threads_manage_mentions
        self.start()

    def new_user(self, username) -> str:
        user_id = str(next(self.ids))
        self.users[user_id] = {"id": user_id, "username": username, "name": username.title()}
        return user_id

    def someone_replies(self, media_id, username, text) -> str:
        reply_id = str(next(self.ids))
        self.media[reply_id] = {
            "id": reply_id,
            "text": text,
            "username": username,
            "timestamp": stamp(),
            "owner": None,
            "reply_to": media_id,
            "hidden": False,
        }
        return reply_id

    def someone_mentions(self, user_id, username, text, at: float | None = None) -> str:
        """A public post by someone else that tags the account."""
        post_id = str(next(self.ids))
        when = datetime.fromtimestamp(at or time.time(), timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")
        self.media[post_id] = {
            "id": post_id,
            "text": text,
            "username": username,
            "timestamp": when,
            "permalink": f"https://www.threads.net/@{username}/post/{post_id}",
            "owner": None,
            "mentions": [user_id],
            "hidden": False,
        }
        return post_id

    def posts_of(self, user_id) -> list[dict]:
        return [m for m in self.media.values() if m["owner"] == user_id]

    def route(self, request, method):
        parts = urlsplit(request.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        body = self.body(request)
        self.requests.append((method, parts.path, {**query, **body}))
        path = parts.path
        if path == "/oauth/authorize":
            code = f"AQ{next(self.ids)}"
            self.codes[code] = (self.signing_in_as, query["redirect_uri"])
            return self.redirect(
                request, f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}#_"
            )
        if path == "/oauth/access_token":
            found = self.codes.pop(body.get("code", ""), None)
            if body.get("client_secret") != self.app_secret or not found or found[1] != body.get("redirect_uri"):
                return self.fail(request, 1, "Invalid verification code format.")
            return self.send(request, 200, {"access_token": self.issue(found[0], 3600), "user_id": int(found[0])})
        if path == "/access_token":
            user = self.tokens.get(query.get("access_token"), (None, 0))[0]
            if query.get("client_secret") != self.app_secret or user is None:
                return self.fail(request, 190, "Invalid OAuth access token.")
            return self.send(
                request, 200, {"access_token": self.issue(user, 5184000), "token_type": "bearer", "expires_in": 5184000}
            )
        if path == "/refresh_access_token":
            user, expires = self.tokens.get(query.get("access_token"), (None, 0))
            if user is None or expires < time.time():
                return self.fail(request, 190, "Invalid OAuth access token.")
            return self.send(
                request, 200, {"access_token": self.issue(user, 5184000), "token_type": "bearer", "expires_in": 5184000}
            )
        user, expires = self.tokens.get(query.get("access_token"), (None, 0))
        if user is None or expires < time.time():
            return self.fail(request, 190, "Error validating access token: Session has expired.")
        segments = path.strip("/").split("/")
        if segments[0] != VERSION:
            return self.fail(request, 2635, "Unsupported version")
        match (method, segments[1:]):
            case ("GET", ["me"]):
                return self.send(request, 200, self.users[user])
            case ("POST", [owner, "threads"]) if owner == user:
                return self.make_container(request, body)
            case ("POST", [owner, "threads_publish"]) if owner == user:
                return self.publish(request, user, body.get("creation_id"))
            case ("GET", [owner, "threads"]) if owner == user:
                mine = [m for m in self.posts_of(user) if not m.get("reply_to")]
                return self.send(
                    request,
                    200,
                    {"data": [{k: m[k] for k in ("id", "text", "timestamp", "permalink")} for m in reversed(mine)]},
                )
            case ("GET", [owner, "replies"]) if owner == user:
                mine = [m for m in self.posts_of(user) if m.get("reply_to")]
                return self.send(
                    request, 200, {"data": [{k: m[k] for k in ("id", "text", "timestamp")} for m in reversed(mine)]}
                )
            case ("GET", [object_id]) if object_id in self.containers:
                container = self.containers[object_id]
                container["polls"] -= 1
                return self.send(
                    request, 200, {"id": object_id, "status": "FINISHED" if container["polls"] <= 0 else "IN_PROGRESS"}
                )
            case ("GET", [owner, "mentions"]) if owner == user:
                if self.mentions_refused:
                    return self.fail(request, 10, "Application does not have permission for this action")
                return self.list_mentions(request, user, query)
            case ("GET", [media_id, "conversation"]):
                replies = [m for m in self.media.values() if m.get("reply_to") == media_id]
                start = int(query["after"]) if query.get("after", "").isdigit() else 0
                chunk = replies[start : start + int(query.get("limit", 25))]
                data = [
                    {
                        "id": r["id"],
                        "text": r["text"],
                        "username": r["username"],
                        "timestamp": r["timestamp"],
                        "is_reply_owned_by_me": r["owner"] == user,
                    }
                    for r in chunk
                ]
                paging = {"cursors": {"before": str(start), "after": str(start + len(chunk))}} if chunk else {}
                return self.send(request, 200, {"data": data, "paging": paging})
            case ("POST", [reply_id, "manage_reply"]):
                self.media[reply_id]["hidden"] = body.get("hide") == "true"
                return self.send(request, 200, {"success": True})
            case ("GET", [media_id]):
                found = self.media.get(media_id)
                if found is None:
                    return self.fail(request, 100, f"Object with ID '{media_id}' does not exist")
                return self.send(request, 200, {k: found.get(k) for k in ("id", "text", "permalink")})
            case ("DELETE", [media_id]):
                if self.media.pop(media_id, None) is None:
                    return self.fail(request, 100, f"Object with ID '{media_id}' does not exist")
                return self.send(request, 200, {"success": True})
        return self.fail(request, 100, f"Unknown path {path}")

    def list_mentions(self, request, user, query):
        def seconds(media):
            return datetime.strptime(media["timestamp"], "%Y-%m-%dT%H:%M:%S%z").timestamp()

        since = float(query.get("since", 0))
        tagged = [m for m in self.media.values() if user in m.get("mentions", ()) and seconds(m) >= since]
        tagged.sort(key=seconds, reverse=True)  # newest first
        start = int(query["after"]) if query.get("after", "").isdigit() else 0
        chunk = tagged[start : start + int(query.get("limit", 25))]
        fields = query.get("fields", "id").split(",")
        paging = {"cursors": {"before": str(start), "after": str(start + len(chunk))}} if chunk else {}
        return self.send(request, 200, {"data": [{k: m.get(k) for k in fields} for m in chunk], "paging": paging})

    def issue(self, user, seconds) -> str:
        token = f"TH{next(self.ids)}"
        self.tokens[token] = (user, time.time() + seconds)
        return token

    def make_container(self, request, body):
        kind = body.get("media_type")
        if kind == "IMAGE" and not body.get("image_url"):
            return self.fail(request, 100, "The parameter image_url is required")
        if kind == "TEXT" and not body.get("text"):
            return self.fail(request, 100, "The parameter text is required")
        container_id = str(next(self.ids))
        self.containers[container_id] = {"polls": 2, **body}
        return self.send(request, 200, {"id": container_id})

    def publish(self, request, user, creation_id):
        container = self.containers.get(creation_id)
        if container is None or container["polls"] > 0 or container.get("published"):
            return self.fail(request, 24, "The media is not ready to be published or was published already")
        container["published"] = True
        media_id = str(next(self.ids))
        self.media[media_id] = {
            "id": media_id,
            "text": container.get("text", ""),
            "owner": user,
            "timestamp": stamp(),
            "permalink": f"https://www.threads.net/@x/post/{media_id}",
            "reply_to": container.get("reply_to_id"),
            "container": creation_id,
            "username": self.users[user]["username"],
        }
        return self.send(request, 200, {"id": media_id})

    def fail(self, request, code, message):
        return self.send(
            request,
            400,
            {
                "error": {
                    "message": message,
                    "type": "OAuthException" if code == 190 else "THApiException",
                    "code": code,
                }
            },
        )
