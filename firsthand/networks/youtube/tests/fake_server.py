"""Google's sign-in and the YouTube Data API v3 on loopback, written from Google's documentation.

  GET  /o/oauth2/v2/auth                       identity/protocols/oauth2/web-server (approved at once)
  POST /token                                  same page (code + code_verifier, or refresh_token; client
                                               secret in the body; a refresh token only with prompt=consent)
  GET  /youtube/v3/channels?mine=true          youtube/v3/docs/channels/list
  GET  /youtube/v3/commentThreads              youtube/v3/docs/commentThreads/list (allThreadsRelatedToChannelId,
                                               order=time, maxResults, pageToken; part snippet,replies)
  POST /youtube/v3/comments?part=snippet       youtube/v3/docs/comments/insert (snippet.parentId, textOriginal)
  GET/DELETE /youtube/v3/comments?id=          youtube/v3/docs/comments/list, comments/delete
  POST /youtube/v3/comments/setModerationStatus   youtube/v3/docs/comments/setModerationStatus
Errors are {"error": {"code", "message", "errors": [{"reason", "domain"}]}} (youtube/v3/docs/errors).
"""

import time
from datetime import datetime, timedelta, timezone
from itertools import count
from urllib.parse import parse_qs, urlencode, urlsplit

from firsthand.networks.fake_http import LoopbackServer


def iso(moment) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeYouTube(LoopbackServer):
    def __init__(self, client_id="g-client", client_secret="g-secret"):
        super().__init__()
        self.client_id, self.client_secret = client_id, client_secret
        self.ids = count(1)
        self.channels = {}  # id → {title, customUrl}
        self.signing_in_as = None
        self.threads = []  # newest first: {id, videoId, top: comment, replies: [comments]}
        self.comments = {}  # id → comment
        self.codes, self.access, self.refresh_tokens = {}, {}, {}
        self.quota_left = 10_000
        self.requests: list[tuple[str, str, dict]] = []
        self.clock = datetime.now(timezone.utc) - timedelta(hours=1)
        self.start()

    def new_channel(self, title, handle) -> str:
        channel_id = f"UC{next(self.ids):022d}"
        self.channels[channel_id] = {"title": title, "customUrl": handle}
        return channel_id

    def _comment(self, comment_id, author_channel, author_name, text, parent=None) -> dict:
        self.clock += timedelta(seconds=1)
        comment = {
            "kind": "youtube#comment",
            "id": comment_id,
            "snippet": {
                "textOriginal": text,
                "textDisplay": text,
                "authorDisplayName": author_name,
                "authorChannelId": {"value": author_channel},
                "publishedAt": iso(self.clock),
                "updatedAt": iso(self.clock),
                "moderationStatus": "published",
                **({"parentId": parent} if parent else {}),
            },
        }
        self.comments[comment_id] = comment
        return comment

    def viewer_comment(self, video_id, name, text) -> str:
        comment_id = f"Ug{next(self.ids):020d}"
        top = self._comment(comment_id, f"UCviewer{abs(hash(name)) % 10**6}", name, text)
        self.threads.insert(0, {"id": comment_id, "videoId": video_id, "top": top, "replies": []})
        return comment_id

    def viewer_reply(self, thread_id, name, text) -> str:
        reply_id = f"{thread_id}.{next(self.ids):010d}"
        reply = self._comment(reply_id, f"UCviewer{abs(hash(name)) % 10**6}", name, text, parent=thread_id)
        next(t for t in self.threads if t["id"] == thread_id)["replies"].append(reply)
        return reply_id

    # --- HTTP -----------------------------------------------------------------------------------

    def route(self, request, method):
        parts = urlsplit(request.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        body = self.body(request)
        self.requests.append((method, parts.path, {**query, **(body if isinstance(body, dict) else {})}))
        path = parts.path
        if path == "/o/oauth2/v2/auth":
            code = f"4/{next(self.ids)}"
            self.codes[code] = (self.signing_in_as, query["code_challenge"], query["redirect_uri"], query.get("prompt"))
            return self.redirect(
                request, f"{query['redirect_uri']}?{urlencode({'state': query['state'], 'code': code})}"
            )
        if path == "/token":
            return self.token(request, body)
        found = self.access.get(request.headers.get("Authorization", "").removeprefix("Bearer "))
        if not found or found[1] < time.time():
            return self.error(request, 401, "Request had invalid authentication credentials.", "authError")
        if self.quota_left <= 0:
            return self.error(
                request, 403, "The request cannot be completed because you have exceeded your quota.", "quotaExceeded"
            )
        self.quota_left -= 1
        channel = found[0]
        match (method, path):
            case ("GET", "/youtube/v3/channels"):
                info = self.channels[channel]
                item = {
                    "id": channel,
                    "snippet": {
                        "title": info["title"],
                        "customUrl": info["customUrl"],
                        "thumbnails": {"default": {"url": "https://yt3.example/a.jpg"}},
                    },
                }
                return self.send(request, 200, {"items": [item]})
            case ("GET", "/youtube/v3/commentThreads"):
                return self.list_threads(request, query)
            case ("POST", "/youtube/v3/comments"):
                parent = body["snippet"]["parentId"]
                if parent not in self.comments:
                    return self.error(
                        request,
                        404,
                        "The comment identified by the parentId parameter could not be found.",
                        "parentCommentNotFound",
                    )
                reply_id = f"{parent}.{next(self.ids):010d}"
                reply = self._comment(
                    reply_id, channel, self.channels[channel]["title"], body["snippet"]["textOriginal"], parent=parent
                )
                next(t for t in self.threads if t["id"] == parent)["replies"].append(reply)
                return self.send(request, 200, reply)
            case ("GET", "/youtube/v3/comments"):
                found_comment = self.comments.get(query.get("id"))
                return self.send(request, 200, {"items": [found_comment] if found_comment else []})
            case ("DELETE", "/youtube/v3/comments"):
                if self.comments.pop(query.get("id"), None) is None:
                    return self.error(request, 404, "The comment could not be found.", "commentNotFound")
                return self.send(request, 204, {})
            case ("POST", "/youtube/v3/comments/setModerationStatus"):
                self.comments[query["id"]]["snippet"]["moderationStatus"] = query["moderationStatus"]
                return self.send(request, 204, {})
        return self.error(request, 404, f"Not found: {method} {path}", "notFound")

    def token(self, request, form):
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return self.send(request, 401, {"error": "invalid_client", "error_description": "Unauthorized"})
        if form.get("grant_type") == "refresh_token":
            channel = self.refresh_tokens.get(form.get("refresh_token"))
            if channel is None:
                return self.send(
                    request, 400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
                )
            access = f"ya29.{next(self.ids)}"
            self.access[access] = (channel, time.time() + 3599)
            return self.send(
                request,
                200,
                {
                    "access_token": access,
                    "expires_in": 3599,
                    "scope": "https://www.googleapis.com/auth/youtube.force-ssl",
                    "token_type": "Bearer",
                },
            )
        import base64
        import hashlib

        found = self.codes.pop(form.get("code"), None)
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if not found or found[1] != challenge or found[2] != form.get("redirect_uri"):
            return self.send(request, 400, {"error": "invalid_grant", "error_description": "Bad Request"})
        channel = found[0]
        access = f"ya29.{next(self.ids)}"
        self.access[access] = (channel, time.time() + 3599)
        answer = {
            "access_token": access,
            "expires_in": 3599,
            "scope": "https://www.googleapis.com/auth/youtube.force-ssl",
            "token_type": "Bearer",
        }
        if found[3] == "consent":
            refresh = f"1//{next(self.ids)}"
            self.refresh_tokens[refresh] = channel
            answer["refresh_token"] = refresh
        return self.send(request, 200, answer)

    def list_threads(self, request, query):
        size = int(query.get("maxResults", 20))
        start = int(query.get("pageToken", "0") or 0)
        chunk = self.threads[start : start + size]
        items = [
            {
                "kind": "youtube#commentThread",
                "id": t["id"],
                "snippet": {"videoId": t["videoId"], "topLevelComment": t["top"], "totalReplyCount": len(t["replies"])},
                **({"replies": {"comments": t["replies"]}} if t["replies"] else {}),
            }
            for t in chunk
        ]
        answer = {"items": items, "pageInfo": {"totalResults": len(self.threads), "resultsPerPage": size}}
        if start + size < len(self.threads):
            answer["nextPageToken"] = str(start + size)
        return self.send(request, 200, answer)

    def error(self, request, status, message, reason):
        return self.send(
            request,
            status,
            {
                "error": {
                    "code": status,
                    "message": message,
                    "errors": [{"message": message, "domain": "youtube", "reason": reason}],
                }
            },
        )

    def expire_access(self):
        self.access = {token: (channel, time.time() - 1) for token, (channel, _) in self.access.items()}
