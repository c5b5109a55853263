"""A Mastodon server on loopback, written from Mastodon's public API documentation, for the connector's tests.

No Mastodon server can run here, so this one answers what firsthand uses with the documented request and
response shapes. Each handler names the page it follows (docs.joinmastodon.org):

  /.well-known/oauth-authorization-server   methods/oauth/#authorization-server-metadata
  POST /api/v1/apps                          methods/apps/#create
  GET  /oauth/authorize                      methods/oauth/#authorize (the person approves at once)
  POST /oauth/token                          methods/oauth/#token
  GET  /api/v1/accounts/verify_credentials   methods/accounts/#verify_credentials
  GET  /api/v2/instance                      methods/instance/#v2 (configuration.statuses, api_versions)
  GET  /api/v1/instance                      methods/instance/#v1 (the version Mastodon.py checks)
  POST /api/v2/media                         methods/media/#v2
  POST /api/v1/statuses                      methods/statuses/#create (Idempotency-Key, 1 hour)
  GET/DELETE /api/v1/statuses/:id            methods/statuses/#get, #delete
  POST /api/v1/statuses/:id/favourite        methods/statuses/#favourite
  GET  /api/v1/notifications                 methods/notifications/#get; paging by Link header,
                                             api/guidelines/#pagination (max_id, min_id, since_id)
  GET  /api/v1/accounts/:id/followers        methods/accounts/#followers
  GET  /api/v1/streaming/user/notification   methods/streaming/#notification: server-sent events,
                                             `event: notification` + `data: <Notification>`, and a
                                             comment line as heartbeat; methods/streaming/#health
Errors are {"error": "..."} (entities/Error); 401 for a bad token; every authenticated answer carries
X-RateLimit-Limit / -Remaining / -Reset (ISO 8601), and 429 when the budget is spent (api/rate-limits).
"""

import json
import secrets
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlencode, urlsplit

from firsthand.networks.fake_http import LoopbackServer
from firsthand.networks.mastodon.tests.fake_world import MastodonWorld, now_iso


class FakeMastodon(LoopbackServer, MastodonWorld):
    def __init__(self, max_characters=500):
        LoopbackServer.__init__(self)
        MastodonWorld.__init__(self, self.url, max_characters)
        self.approving_as = None  # the account a person signs in as on the authorize page
        self.deny_next = False
        self.lose_next_status_answer = False
        self.rate_limit_remaining = 300
        self.requests: list[tuple[str, str, dict]] = []
        self.open_streams = 0
        self.streams_refused = False  # the streaming server answers 401, as for a revoked token
        self.stream_generation = 0  # bumped by drop_streams(): open streams end
        self.stopping = False
        self.start()

    def stop(self):
        with self.news:
            self.stopping = True
            self.news.notify_all()
        super().stop()

    def drop_streams(self):
        """The streaming server restarts: every open stream ends."""
        with self.news:
            self.stream_generation += 1
            self.news.notify_all()

    # --- HTTP ----------------------------------------------------------------------------

    def route(self, request, method):
        parts = urlsplit(request.path)
        query = {k: v if k.endswith("[]") else v[-1] for k, v in parse_qs(parts.query).items()}
        body = self.body(request)
        self.requests.append((method, parts.path, {**query, **body}))
        path = parts.path.rstrip("/")
        routes = {
            ("GET", "/.well-known/oauth-authorization-server"): self.oauth_metadata,
            ("POST", "/api/v1/apps"): self.create_app,
            ("GET", "/oauth/authorize"): self.authorize,
            ("POST", "/oauth/token"): self.token,
            ("GET", "/api/v2/instance"): self.instance,
            ("GET", "/api/v1/instance"): self.instance_v1,
            ("GET", "/api/v1/streaming/health"): self.streaming_health,
        }
        if (method, path) in routes:
            return routes[(method, path)](request, query, body)
        account = self.authenticated(request)
        if account is None or (self.streams_refused and path.startswith("/api/v1/streaming")):
            return self.send(request, 401, {"error": "The access token is invalid"})
        if (method, path) == ("GET", "/api/v1/streaming/user/notification"):
            return self.stream_notifications(request, account)
        if self.rate_limit_remaining <= 0:
            return self.send(request, 429, {"error": "Too many requests"})
        self.rate_limit_remaining -= 1
        if (method, path) == ("GET", "/api/v1/accounts/verify_credentials"):
            return self.send(request, 200, account)
        if (method, path) == ("POST", "/api/v2/media"):
            return self.upload(request, account, body)
        if (method, path) == ("POST", "/api/v1/statuses"):
            return self.create_status(request, account, body)
        if method == "POST" and path.startswith("/api/v1/statuses/") and path.endswith("/favourite"):
            return self.favourite(request, path.split("/")[4])
        if path.startswith("/api/v1/statuses/"):
            return self.one_status(request, method, account, path.rsplit("/", 1)[1])
        if (method, path) == ("GET", "/api/v1/notifications"):
            return self.list_notifications(request, account, query)
        if method == "GET" and path.startswith("/api/v1/accounts/") and path.endswith("/followers"):
            return self.followers(request, path.split("/")[4], query)
        return self.send(request, 404, {"error": "Record not found"})

    def extra_headers(self) -> dict:
        return {
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": str(max(self.rate_limit_remaining, 0)),
            "X-RateLimit-Reset": now_iso(datetime.now(timezone.utc) + timedelta(minutes=5)),
        }

    def authenticated(self, request):
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        found = self.tokens.get(token)
        if not found or found["revoked"]:
            return None
        return self.accounts[found["account"]]

    # --- OAuth ---------------------------------------------------------------------------

    def oauth_metadata(self, request, query, body):
        self.send(
            request,
            200,
            {
                "issuer": self.url + "/",
                "authorization_endpoint": self.url + "/oauth/authorize",
                "token_endpoint": self.url + "/oauth/token",
                "revocation_endpoint": self.url + "/oauth/revoke",
                "scopes_supported": ["read", "write", "write:statuses", "write:media", "follow", "push"],
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code", "client_credentials"],
                "code_challenge_methods_supported": ["S256"],
            },
        )

    def create_app(self, request, query, body):
        if not body.get("client_name") or not body.get("redirect_uris"):
            return self.send(request, 422, {"error": "Validation failed: Application name can't be blank"})
        client_id = secrets.token_urlsafe(12)
        app = {
            "id": self.new_id(),
            "name": body["client_name"],
            "website": body.get("website"),
            "scopes": str(body.get("scopes", "read")).split(),
            "redirect_uri": body["redirect_uris"],
            "redirect_uris": [body["redirect_uris"]],
            "client_id": client_id,
            "client_secret": secrets.token_urlsafe(24),
        }
        self.apps[client_id] = app
        self.send(request, 200, app)

    def authorize(self, request, query, body):
        app = self.apps.get(query.get("client_id", ""))
        if app is None or query.get("redirect_uri") not in app["redirect_uris"]:
            return self.send(request, 400, {"error": "invalid_client"})
        back = {"state": query.get("state", "")}
        if self.deny_next:
            self.deny_next = False
            back.update(
                error="access_denied",
                error_description="The resource owner or authorization server denied the request.",
            )
        else:
            code = secrets.token_urlsafe(16)
            self.codes[code] = {
                "client_id": app["client_id"],
                "account": self.approving_as["id"],
                "scope": query.get("scope", ""),
            }
            back["code"] = code
        self.redirect(request, query["redirect_uri"] + "?" + urlencode(back))

    def token(self, request, query, body):
        grant = self.codes.pop(body.get("code", ""), None)
        app = self.apps.get(body.get("client_id", ""))
        if grant is None or app is None or app["client_secret"] != body.get("client_secret"):
            return self.send(
                request,
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "The provided authorization grant is invalid, expired, revoked",
                },
            )
        token = self.token_for(self.accounts[grant["account"]])
        self.send(
            request,
            200,
            {"access_token": token, "token_type": "Bearer", "scope": grant["scope"], "created_at": 1700000000},
        )

    def instance(self, request, query, body):
        self.send(
            request,
            200,
            {
                "domain": "127.0.0.1",
                "title": "Fake Mastodon",
                "version": "4.5.0",
                "api_versions": {"mastodon": 6},
                "configuration": {
                    "statuses": {
                        "max_characters": self.max_characters,
                        "max_media_attachments": 4,
                        "characters_reserved_per_url": 23,
                    },
                    "media_attachments": {"image_size_limit": 16777216},
                },
            },
        )

    def instance_v1(self, request, query, body):
        # methods/instance/#v1: deprecated but still served; Mastodon.py reads the version from it.
        self.send(
            request,
            200,
            {
                "uri": "127.0.0.1",
                "title": "Fake Mastodon",
                "version": "4.5.0",
                "urls": {"streaming_api": self.url.replace("http://", "ws://")},
                "configuration": {"statuses": {"max_characters": self.max_characters, "max_media_attachments": 4}},
            },
        )

    # --- statuses and media --------------------------------------------------------------

    def upload(self, request, account, body):
        if not isinstance(body.get("file"), bytes | bytearray) or not body["file"]:
            return self.send(request, 422, {"error": "Validation failed: File can't be blank"})
        media_id = self.new_id()
        focus = str(body.get("focus") or "0.0,0.0").split(",")
        self.media[media_id] = {
            "id": media_id,
            "type": "image",
            "url": f"{self.url}/media/{media_id}.png",
            "preview_url": f"{self.url}/media/{media_id}-small.png",
            "remote_url": None,
            "text_url": None,
            "description": body.get("description"),
            "blurhash": None,
            "meta": {"focus": {"x": float(focus[0]), "y": float(focus[1])}},
            "bytes_for_test": len(body["file"]),
        }
        self.send(request, 200, self.media[media_id])

    def create_status(self, request, account, body):
        key = request.headers.get("Idempotency-Key")
        if key and (account["id"], key) in self.idempotency:
            status_id, made = self.idempotency[(account["id"], key)]
            if datetime.now(timezone.utc) - made < timedelta(hours=1):
                return self.send(request, 200, self.statuses[status_id])
        text = body.get("status", "")
        if not text and not body.get("media_ids[]"):
            return self.send(request, 422, {"error": "Validation failed: Text can't be blank"})
        if len(text) > self.max_characters:
            return self.send(
                request, 422, {"error": f"Validation failed: Text character limit of {self.max_characters} exceeded"}
            )
        reply_to = body.get("in_reply_to_id")
        if reply_to and reply_to not in self.statuses:
            return self.send(request, 404, {"error": "Record not found"})
        media_ids = body.get("media_ids[]", [])
        if any(m not in self.media for m in media_ids):
            return self.send(request, 422, {"error": "Validation failed: Media attachments are invalid"})
        mentions = [a for a in self.accounts.values() if f"@{a['acct']}" in text and a["id"] != account["id"]]
        if body.get("visibility", "public") not in ("public", "unlisted", "private", "direct"):
            return self.send(request, 422, {"error": "Validation failed: Visibility is not included in the list"})
        status = self.write(
            account,
            text,
            in_reply_to=reply_to,
            visibility=body.get("visibility", "public"),
            mentions=mentions,
            media_ids=media_ids,
            spoiler_text=body.get("spoiler_text", ""),
        )
        if key:
            self.idempotency[(account["id"], key)] = (status["id"], datetime.now(timezone.utc))
        if self.lose_next_status_answer:
            self.lose_next_status_answer = False
            request.close_connection = True
            request.connection.shutdown(2)  # made, but the answer never arrives
            return
        self.send(request, 200, status)

    def favourite(self, request, status_id):
        # methods/statuses/#favourite: idempotent; answers with the status, favourited.
        status = self.statuses.get(status_id)
        if status is None:
            return self.send(request, 404, {"error": "Record not found"})
        if not status.get("favourited"):
            status["favourited"] = True
            status["favourites_count"] += 1
        self.send(request, 200, status)

    def one_status(self, request, method, account, status_id):
        status = self.statuses.get(status_id)
        if status is None:
            return self.send(request, 404, {"error": "Record not found"})
        if method == "DELETE":
            if status["account"]["id"] != account["id"]:
                return self.send(request, 403, {"error": "This action is not allowed"})
            del self.statuses[status_id]
            return self.send(request, 200, {**status, "text": status["text_for_test"]})
        self.send(request, 200, status)

    # --- notifications and followers ------------------------------------------------------

    def list_notifications(self, request, account, query):
        limit = min(int(query.get("limit", 40)), 80)
        types = query.get("types[]")
        mine = [n for n in self.notifications if n["for"] == account["id"] and (not types or n["type"] in types)]
        mine.sort(key=lambda n: int(n["id"]))
        if query.get("min_id"):  # the page right after min_id, oldest first, then shown newest first
            page = [n for n in mine if int(n["id"]) > int(query["min_id"])][:limit]
        else:
            if query.get("max_id"):
                mine = [n for n in mine if int(n["id"]) < int(query["max_id"])]
            if query.get("since_id"):
                mine = [n for n in mine if int(n["id"]) > int(query["since_id"])]
            page = mine[-limit:]
        page = list(reversed(page))
        links = []
        if page:
            base = f"{self.url}/api/v1/notifications"
            links.append(f'<{base}?max_id={page[-1]["id"]}>; rel="next"')
            links.append(f'<{base}?min_id={page[0]["id"]}>; rel="prev"')
        shown = [{k: v for k, v in n.items() if k != "for"} for n in page]
        self.send(request, 200, shown, {"Link": ", ".join(links)} if links else None)

    def followers(self, request, account_id, query):
        limit = min(int(query.get("limit", 40)), 80)
        ids = list(reversed(self.follows.get(account_id, [])))  # newest follow first
        start = int(query.get("max_id", 0))
        page = ids[start : start + limit]
        headers = {}
        if start + limit < len(ids):
            headers["Link"] = f'<{self.url}/api/v1/accounts/{account_id}/followers?max_id={start + limit}>; rel="next"'
        self.send(request, 200, [self.accounts[i] for i in page], headers)

    # --- streaming -------------------------------------------------------------------------

    def streaming_health(self, request, query, body):
        data = b"OK"
        request.send_response(200)
        request.send_header("Content-Type", "text/plain")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def stream_notifications(self, request, account):
        """Notifications made after the stream opened, as they come; a heartbeat comment between."""
        request.send_response(200)
        request.send_header("Content-Type", "text/event-stream")
        request.send_header("Cache-Control", "no-store")
        request.send_header("Connection", "close")  # no length: the stream is read until it closes
        request.end_headers()
        request.close_connection = True
        with self.news:
            sent, generation = len(self.notifications), self.stream_generation
            self.open_streams += 1
        try:
            request.wfile.write(b":)\n")
            request.wfile.flush()
            while True:
                with self.news:
                    self.news.wait(timeout=0.5)
                    if self.stopping or self.stream_generation != generation:
                        return
                    new, sent = self.notifications[sent:], len(self.notifications)
                for notification in new:
                    if notification["for"] == account["id"]:
                        shown = json.dumps({k: v for k, v in notification.items() if k != "for"})
                        request.wfile.write(f"event: notification\ndata: {shown}\n\n".encode())
                request.wfile.write(b":thump\n")
                request.wfile.flush()
        except OSError:
            return  # the client closed the stream
        finally:
            with self.news:
                self.open_streams -= 1
