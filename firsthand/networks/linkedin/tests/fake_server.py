"""LinkedIn's versioned REST API and sign-in on loopback, written from learn.microsoft.com/linkedin, for tests.

  GET  /oauth/v2/authorization            shared/authentication/authorization-code-flow (approved at once)
  POST /oauth/v2/accessToken              same page (client_id and client_secret in the form body)
  GET  /rest/organizationAcls             community-management/organizations/organization-access-control-by-role
  GET  /rest/organizations/{id}           community-management/organizations/organization-lookup-api
  POST /rest/images?action=initializeUpload, PUT {uploadUrl}   community-management/shares/images-api
  POST /rest/posts (201, x-restli-id)     community-management/shares/posts-api
  GET  /rest/posts?q=author, GET/DELETE /rest/posts/{urn}       same page
  GET/POST /rest/socialActions/{urn}/comments                   community-management/shares/comments-api
  POST /rest/reactions?actor=             community-management/shares/reactions-api
Every /rest call needs LinkedIn-Version (the pinned one; others answer 426) and X-Restli-Protocol-Version
2.0.0; errors are {"status", "serviceErrorCode", "code", "message"} (shared/api-guide/concepts/error-handling).
"""

import json
import time
from itertools import count
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from firsthand.networks.fake_http import LoopbackServer
from firsthand.networks.linkedin.rest import VERSION


class FakeLinkedIn(LoopbackServer):
    def __init__(self, client_id="li-app", client_secret="li-secret"):
        super().__init__()
        self.client_id, self.client_secret = client_id, client_secret
        self.ids = count(7_100_000_000_000_000_000)
        self.organizations = {}  # urn → {id, localizedName, vanityName}
        self.admin_of: list[str] = []
        self.posts, self.comments, self.reactions, self.uploads = {}, {}, [], {}
        self.codes, self.tokens = {}, set()
        self.daily_limit_reached = False
        self.lose_next_post_answer = False
        self.lose_next_comment_answer = False  # the comment is made, the answer is a 504
        self.requests: list[tuple[str, str, dict]] = []
        self.start()

    def new_organization(self, name, vanity) -> str:
        org_id = str(next(self.ids))[-8:]
        urn = f"urn:li:organization:{org_id}"
        self.organizations[urn] = {"id": int(org_id), "localizedName": name, "vanityName": vanity}
        return urn

    def member_comment(self, post_urn, member_id, text) -> str:
        activity = post_urn.rsplit(":", 1)[-1]
        comment_id = str(next(self.ids))
        urn = f"urn:li:comment:(urn:li:activity:{activity},{comment_id})"
        self.comments.setdefault(post_urn, []).append(
            {
                "id": comment_id,
                "commentUrn": urn,
                "actor": f"urn:li:person:{member_id}",
                "message": {"text": text},
                "created": {"time": int(time.time() * 1000)},
                "object": post_urn,
            }
        )
        return urn

    def route(self, request, method):
        parts = urlsplit(request.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        raw = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        body = {}
        if request.headers.get("Content-Type", "").startswith("application/json"):
            body = json.loads(raw or b"{}")
        elif request.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            body = {k: v[-1] for k, v in parse_qs(raw.decode()).items()}
        self.requests.append((method, parts.path, {**query, **(body if isinstance(body, dict) else {})}))
        path = parts.path
        if path == "/oauth/v2/authorization":
            code = f"code{next(self.ids)}"
            self.codes[code] = query["redirect_uri"]
            return self.redirect(
                request, f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
            )
        if path == "/oauth/v2/accessToken":
            ok = body.get("client_id") == self.client_id and body.get("client_secret") == self.client_secret
            if not ok or self.codes.pop(body.get("code", ""), None) != body.get("redirect_uri"):
                return self.send(
                    request, 400, {"error": "invalid_request", "error_description": "Unable to retrieve access token"}
                )
            token = f"li-{next(self.ids)}"
            self.tokens.add(token)
            return self.send(
                request,
                200,
                {
                    "access_token": token,
                    "expires_in": 5184000,
                    "scope": "r_organization_social,w_organization_social,rw_organization_admin",
                },
            )
        if path.startswith("/upload/"):
            self.uploads[path.rsplit("/", 1)[-1]] = len(raw)
            return self.send(request, 201, {})
        if request.headers.get("Authorization", "").removeprefix("Bearer ") not in self.tokens:
            return self.fail(request, 401, "Invalid access token", 65600)
        if request.headers.get("LinkedIn-Version") != VERSION:
            return self.fail(request, 426, "Requested version is not active", 100)
        if request.headers.get("X-Restli-Protocol-Version") != "2.0.0":
            return self.fail(request, 400, "X-Restli-Protocol-Version 2.0.0 is required", 100)
        if self.daily_limit_reached:
            return self.fail(
                request,
                429,
                "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
                101,
            )
        segments = [unquote(s) for s in path.removeprefix("/rest/").split("/")]
        match (method, segments):
            case ("GET", ["organizationAcls"]):
                return self.send(
                    request,
                    200,
                    {
                        "elements": [
                            {"organization": o, "role": "ADMINISTRATOR", "state": "APPROVED"} for o in self.admin_of
                        ]
                    },
                )
            case ("GET", ["organizations", org_id]):
                return self.send(request, 200, self.organizations[f"urn:li:organization:{org_id}"])
            case ("POST", ["images"]):
                image = f"urn:li:image:{next(self.ids)}"
                return self.send(
                    request,
                    200,
                    {
                        "value": {
                            "uploadUrl": f"{self.url}/upload/{image.rsplit(':', 1)[-1]}",
                            "image": image,
                            "uploadUrlExpiresAt": int(time.time() * 1000) + 3600000,
                        }
                    },
                )
            case ("POST", ["posts"]):
                return self.create_post(request, body)
            case ("GET", ["posts"]):
                mine = [p for p in reversed(list(self.posts.values())) if p["author"] == query.get("author")]
                return self.send(
                    request, 200, {"elements": mine[: int(query.get("count", 10))], "paging": {"start": 0, "count": 10}}
                )
            case ("GET", ["posts", urn]):
                return (
                    self.send(request, 200, self.posts[urn])
                    if urn in self.posts
                    else self.fail(request, 404, "Not Found", 100)
                )
            case ("DELETE", ["posts", urn]):
                if self.posts.pop(urn, None) is None:
                    return self.fail(request, 404, "Not Found", 100)
                return self.send(request, 204, {})
            case ("GET", ["socialActions", urn, "comments"]):
                found = self.comments.get(urn, [])
                start, size = int(query.get("start", 0)), int(query.get("count", 10))
                return self.send(
                    request,
                    200,
                    {
                        "elements": found[start : start + size],
                        "paging": {"start": start, "count": size, "total": len(found)},
                    },
                )
            case ("POST", ["socialActions", urn, "comments"]):
                comment_id = str(next(self.ids))
                made = {
                    "id": comment_id,
                    "commentUrn": f"urn:li:comment:({urn},{comment_id})",
                    "actor": body["actor"],
                    "message": body["message"],
                    "object": body["object"],
                    "parentComment": body.get("parentComment"),
                    "created": {"time": int(time.time() * 1000)},
                }
                self.comments.setdefault(urn, []).append(made)
                if self.lose_next_comment_answer:
                    self.lose_next_comment_answer = False
                    return self.fail(request, 504, "Gateway Timeout", 0)
                return self.send(request, 201, made)
            case ("POST", ["reactions"]):
                self.reactions.append((query.get("actor"), body["root"], body["reactionType"]))
                return self.send(request, 201, {})
        return self.fail(request, 404, f"No route {method} {path}", 100)

    def create_post(self, request, body):
        if body.get("author") not in self.organizations or body.get("lifecycleState") != "PUBLISHED":
            return self.fail(request, 422, "Field Value validation failed in REQUEST_BODY", 100)
        urn = f"urn:li:share:{next(self.ids)}"
        self.posts[urn] = {"id": urn, **body}
        if self.lose_next_post_answer:
            self.lose_next_post_answer = False
            return self.fail(request, 504, "Gateway Timeout", 0)
        return self.send(request, 201, {}, headers={"x-restli-id": urn})

    def fail(self, request, status, message, code):
        return self.send(
            request, status, {"status": status, "serviceErrorCode": code, "code": "ERROR", "message": message}
        )
