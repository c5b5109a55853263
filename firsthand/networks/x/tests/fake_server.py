"""X's API v2 on loopback, written from X's public documentation (docs.x.com), for the connector's tests.

X cannot be reached from here, so this answers what firsthand uses with the documented request and
response shapes; each route names the page it follows:

  GET  /i/oauth2/authorize          fundamentals/authentication/oauth-2-0/user-access-token (step 2; the
                                    person approves at once and is sent back with code and state)
  POST /2/oauth2/token              same page, steps 3 and 5: code + code_verifier (S256 checked), or
                                    refresh_token; HTTP Basic for confidential clients; refresh tokens
                                    are single-use; access tokens last expires_in (7200) seconds
  GET  /2/users/me                  x-api/users/get-my-user
  POST /2/tweets                    x-api/posts/create-post (text, reply.in_reply_to_tweet_id, media.media_ids)
  GET/DELETE /2/tweets/:id          x-api/posts/get-post-by-id, x-api/posts/delete-post
  GET  /2/tweets?ids=               x-api/posts/get-posts-by-ids (up to 100; the missing ones in "errors")
  GET  /2/users/:id/tweets          x-api/users/get-posts (start_time)
  GET  /2/users/:id/mentions        x-api/users/get-mentions (since_id, max_results, pagination_token,
                                    newest first, meta.newest_id / next_token, includes.users)
  POST /2/media/upload              x-api/media/upload-media (multipart "media", media_category)
  POST /2/media/metadata            x-api/media/create-media-metadata ({id, metadata.alt_text.text}, 1,000 at most)
  GET  /2/dm_events                 x-api/direct-messages/get-dm-events (403 when the access lacks DMs)
  POST /2/dm_conversations/with/:participant_id/messages   x-api/direct-messages/create-dm-message-by-participant-id
  POST /2/users/:id/likes           x-api/users/like-post
  GET  /2/users/:id/followers       x-api/users/get-followers
Errors are {"title", "detail", "type", "status"} (fundamentals/response-codes-and-errors); every answer
carries x-rate-limit-limit / -remaining / -reset (epoch seconds), and 429 when spent (x-api/fundamentals/rate-limits).
"""

import base64
import hashlib
import secrets
import time
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlencode, urlsplit

from firsthand.networks.fake_http import LoopbackServer
from firsthand.networks.x.tests.fake_world import XWorld, iso

NO_DM_ACCESS = (
    "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a "
    "Twitter developer App that is attached to a Project."
)


class FakeX(LoopbackServer, XWorld):
    def __init__(self, client_id="app-id", client_secret="app-secret"):
        LoopbackServer.__init__(self)
        XWorld.__init__(self)
        self.client_id, self.client_secret = client_id, client_secret
        self.codes = {}  # code → (user id, code_challenge, redirect_uri)
        self.approving_as = None
        self.dm_allowed = True
        self.lose_next_tweet_answer = False
        self.rate_limit_remaining = 900
        self.requests: list[tuple[str, str, dict]] = []
        self.start()

    # --- HTTP -----------------------------------------------------------------------------------

    def route(self, request, method):
        parts = urlsplit(request.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        body = self.body(request)
        self.requests.append((method, parts.path, {**query, **{k: v for k, v in body.items() if k != "media"}}))
        path = parts.path.rstrip("/")
        segments = path.strip("/").split("/")
        if path == "/i/oauth2/authorize":
            return self.authorize(request, query)
        if path == "/2/oauth2/token":
            return self.token(request, body)
        user = self.authenticated(request)
        if user is None:
            return self.send(
                request, 401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
            )
        if self.rate_limit_remaining <= 0:
            return self.send(request, 429, {"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429})
        self.rate_limit_remaining -= 1
        match (method, segments):
            case ("GET", ["2", "users", "me"]):
                return self.send(request, 200, {"data": self.users[user]})
            case ("POST", ["2", "tweets"]):
                return self.create_tweet(request, user, body)
            case ("GET", ["2", "tweets"]):
                return self.get_tweets(request, query.get("ids", ""))
            case ("GET", ["2", "tweets", tweet_id]):
                return self.get_tweet(request, tweet_id)
            case ("DELETE", ["2", "tweets", tweet_id]):
                return self.delete_tweet(request, user, tweet_id)
            case ("GET", ["2", "users", uid, "tweets"]):
                return self.user_tweets(request, uid, query)
            case ("GET", ["2", "users", uid, "mentions"]):
                return self.mentions(request, uid, query)
            case ("POST", ["2", "media", "upload"]):
                return self.upload(request, body)
            case ("POST", ["2", "media", "metadata"]):
                text = ((body.get("metadata") or {}).get("alt_text") or {}).get("text", "")
                if body.get("id") not in self.media or len(text) > 1000:
                    return self.send(
                        request,
                        400,
                        {"title": "Invalid Request", "detail": "Unknown media or alt text too long", "status": 400},
                    )
                self.media[body["id"]]["alt_text"] = text
                return self.send(request, 200, {"data": {"id": body["id"], "associated_metadata": True}})
            case ("GET", ["2", "dm_events"]):
                return self.dm_events(request, user, query)
            case ("POST", ["2", "dm_conversations", "with", participant, "messages"]):
                return self.send_dm(request, user, participant, body)
            case ("POST", ["2", "users", uid, "likes"]):
                self.likes.add((uid, body["tweet_id"]))
                return self.send(request, 200, {"data": {"liked": True}})
            case ("GET", ["2", "users", uid, "followers"]):
                return self.followers_of(request, uid, query)
        return self.send(
            request, 404, {"title": "Not Found Error", "detail": f"no route {method} {path}", "status": 404}
        )

    def authenticated(self, request) -> str | None:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        found = self.access.get(token)
        return found[0] if found and found[1] > time.time() else None

    def extra_headers(self) -> dict:
        return {
            "x-rate-limit-limit": "900",
            "x-rate-limit-remaining": str(max(self.rate_limit_remaining, 0)),
            "x-rate-limit-reset": str(int(time.time()) + 900),
        }

    # --- OAuth 2.0 ----------------------------------------------------------------------------

    def authorize(self, request, query):
        if query.get("client_id") != self.client_id or query.get("code_challenge_method") != "S256":
            return self.send(request, 400, {"error": "invalid_request"})
        code = secrets.token_urlsafe(16)
        self.codes[code] = (self.user_id(self.approving_as), query["code_challenge"], query["redirect_uri"])
        self.redirect(request, f"{query['redirect_uri']}?{urlencode({'state': query['state'], 'code': code})}")

    def token(self, request, form):
        basic = request.headers.get("Authorization", "").removeprefix("Basic ")
        if base64.b64decode(basic or b"").decode() != f"{self.client_id}:{self.client_secret}":
            return self.send(
                request, 401, {"error": "invalid_client", "error_description": "Missing valid authorization header"}
            )
        if form.get("grant_type") == "authorization_code":
            found = self.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if not found or found[1] != challenge or found[2] != form.get("redirect_uri"):
                return self.send(
                    request,
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": "Value passed for the authorization code was invalid.",
                    },
                )
            user = found[0]
        elif form.get("grant_type") == "refresh_token":
            user = self.refresh_tokens.pop(form.get("refresh_token", ""), None)  # single use
            if user is None:
                return self.send(
                    request,
                    400,
                    {"error": "invalid_request", "error_description": "Value passed for the token was invalid."},
                )
        else:
            return self.send(request, 400, {"error": "unsupported_grant_type"})
        access, refresh = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self.access[access] = (user, time.time() + 7200)
        self.refresh_tokens[refresh] = user
        scope = "tweet.read tweet.write users.read follows.read like.write dm.read dm.write media.write offline.access"
        return self.send(
            request,
            200,
            {
                "token_type": "bearer",
                "expires_in": 7200,
                "access_token": access,
                "scope": scope,
                "refresh_token": refresh,
            },
        )

    # --- posts ------------------------------------------------------------------------------------

    def create_tweet(self, request, user, body):
        text = body.get("text", "")
        if len(text) > 280:
            return self.send(
                request,
                400,
                {"title": "Invalid Request", "detail": "text: must be 280 characters or fewer", "status": 400},
            )
        if any(t["text"] == text and t["author_id"] == user for t in self.tweets.values()):
            return self.send(
                request,
                403,
                {
                    "title": "Forbidden",
                    "detail": "You are not allowed to create a Tweet with duplicate content.",
                    "status": 403,
                },
            )
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        tweet_id = self.tweet(user, text, reply_to=reply_to)
        if (body.get("media") or {}).get("media_ids"):
            self.tweets[tweet_id]["attachments"] = {"media_keys": [f"3_{m}" for m in body["media"]["media_ids"]]}
        if self.lose_next_tweet_answer:
            self.lose_next_tweet_answer = False
            return self.send(
                request, 503, {"title": "Service Unavailable", "detail": "Service Unavailable", "status": 503}
            )
        return self.send(request, 201, {"data": {"id": tweet_id, "text": text, "edit_history_tweet_ids": [tweet_id]}})

    def get_tweets(self, request, ids: str):
        wanted = [i for i in ids.split(",") if i]
        if not 1 <= len(wanted) <= 100:
            return self.send(request, 400, {"title": "Invalid Request", "detail": "ids: 1 to 100", "status": 400})
        found = [self.tweets[i] for i in wanted if i in self.tweets]
        errors = [
            {"value": i, "detail": f"Could not find tweet with id: [{i}].", "title": "Not Found Error"}
            for i in wanted
            if i not in self.tweets
        ]
        return self.send(request, 200, {**({"data": found} if found else {}), **({"errors": errors} if errors else {})})

    def get_tweet(self, request, tweet_id):
        if tweet_id not in self.tweets:
            error = {
                "value": tweet_id,
                "detail": f"Could not find tweet with id: [{tweet_id}].",
                "title": "Not Found Error",
                "resource_type": "tweet",
                "parameter": "id",
                "resource_id": tweet_id,
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            }
            return self.send(request, 200, {"errors": [error]})
        return self.send(request, 200, {"data": self.tweets[tweet_id]})

    def delete_tweet(self, request, user, tweet_id):
        if tweet_id not in self.tweets:
            return self.send(
                request,
                404,
                {"title": "Not Found Error", "detail": f"Could not find tweet with id: [{tweet_id}].", "status": 404},
            )
        del self.tweets[tweet_id]
        return self.send(request, 200, {"data": {"deleted": True}})

    def user_tweets(self, request, uid, query):
        since = query.get("start_time")
        found = [t for t in self.tweets.values() if t["author_id"] == uid and (not since or t["created_at"] >= since)]
        found.sort(key=lambda t: int(t["id"]), reverse=True)
        return self.send(
            request,
            200,
            {"data": found[:100], "meta": {"result_count": len(found[:100])}}
            if found
            else {"meta": {"result_count": 0}},
        )

    def mentions(self, request, uid, query):
        handle = "@" + self.users[uid]["username"].lower()
        found = [
            t
            for t in self.tweets.values()
            if t["author_id"] != uid
            and (
                handle in t["text"].lower()
                or any(self.tweets.get(r["id"], {}).get("author_id") == uid for r in t.get("referenced_tweets", []))
            )
        ]
        found.sort(key=lambda t: int(t["id"]), reverse=True)  # newest first
        if query.get("since_id"):
            found = [t for t in found if int(t["id"]) > int(query["since_id"])]
        return self.page(request, found, query, users=[t["author_id"] for t in found])

    def page(self, request, found, query, users=()):
        size = min(int(query.get("max_results", 10)), 100)
        start = int(query.get("pagination_token", "0") or 0)
        chunk = found[start : start + size]
        if not chunk:
            return self.send(request, 200, {"meta": {"result_count": 0}})
        meta = {"result_count": len(chunk), "newest_id": chunk[0]["id"], "oldest_id": chunk[-1]["id"]}
        if start + size < len(found):
            meta["next_token"] = str(start + size)
        includes = {"users": [self.users[u] for u in dict.fromkeys(users) if u in self.users]}
        return self.send(request, 200, {"data": chunk, "includes": includes, "meta": meta})

    def upload(self, request, body):
        if not body.get("media"):
            return self.send(request, 400, {"title": "Invalid Request", "detail": "media is required", "status": 400})
        media_id = str(next(self.ids))
        self.media[media_id] = {"size": len(body["media"])}
        return self.send(
            request, 200, {"data": {"id": media_id, "media_key": f"3_{media_id}", "size": len(body["media"])}}
        )

    # --- direct messages, likes, followers ----------------------------------------------------------

    def dm_events(self, request, user, query):
        if not self.dm_allowed:
            return self.send(
                request,
                403,
                {
                    "title": "Forbidden",
                    "detail": NO_DM_ACCESS,
                    "status": 403,
                },
            )
        mine = [e for e in self.dms if user in e["dm_conversation_id"].split("-")]
        mine.sort(key=lambda e: int(e["id"]), reverse=True)
        size = min(int(query.get("max_results", 100)), 100)
        start = int(query.get("pagination_token", "0") or 0)
        chunk = mine[start : start + size]
        meta = {"result_count": len(chunk)}
        if start + size < len(mine):
            meta["next_token"] = str(start + size)
        users = [self.users[e["sender_id"]] for e in chunk]
        return self.send(
            request, 200, {"data": chunk, "includes": {"users": users}, "meta": meta} if chunk else {"meta": meta}
        )

    def send_dm(self, request, user, participant, body):
        event_id = str(next(self.ids))
        self.dms.append(
            {
                "id": event_id,
                "event_type": "MessageCreate",
                "text": body.get("text", ""),
                "sender_id": user,
                "dm_conversation_id": "-".join(sorted([user, participant])),
                "created_at": iso(datetime.now(timezone.utc)),
            }
        )
        return self.send(
            request,
            201,
            {"data": {"dm_conversation_id": "-".join(sorted([user, participant])), "dm_event_id": event_id}},
        )

    def followers_of(self, request, uid, query):
        people = [self.users[f] for f in self.followers.get(uid, [])]
        size = min(int(query.get("max_results", 100)), 1000)
        start = int(query.get("pagination_token", "0") or 0)
        chunk = people[start : start + size]
        meta = {"result_count": len(chunk)}
        if start + size < len(people):
            meta["next_token"] = str(start + size)
        return self.send(request, 200, {"data": chunk, "meta": meta})
