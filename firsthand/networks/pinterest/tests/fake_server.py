"""Pinterest's API v5 and sign-in on loopback, written from developers.pinterest.com/docs/api/v5.

  GET  /oauth/                 getting-started/set-up-authentication-and-authorization (approved at once)
  POST /v5/oauth/token         oauth-token (HTTP Basic with the app id and secret; authorization_code,
                               refresh_token; access 30 days)
  GET  /v5/user_account        user_account-get
  GET  /v5/boards              boards-list (page_size, bookmark)
  POST /v5/pins                pins-create (board_id, title, description, link, alt_text, media_source
                               image_base64 / multiple_image_base64)
  GET/DELETE /v5/pins/{id}     pins-get, pins-delete
  GET  /v5/boards/{id}/pins    boards-list_pins (newest first)
Errors are {"code", "message"}.
"""

import base64
import time
from itertools import count
from urllib.parse import parse_qs, urlencode, urlsplit

from firsthand.networks.fake_http import LoopbackServer


class FakePinterest(LoopbackServer):
    def __init__(self, app_id="pin-app", app_secret="pin-secret"):
        super().__init__()
        self.app_id, self.app_secret = app_id, app_secret
        self.ids = count(1_000_000_000_001)
        self.username = "cornercafe"
        self.boards = {}  # id → name
        self.pins = {}  # id → pin
        self.codes, self.tokens, self.refresh_tokens = {}, {}, set()
        self.lose_next_pin_answer = False
        self.rate_limited = False
        self.requests: list[tuple[str, str, dict]] = []
        self.start()

    def new_board(self, name) -> str:
        board_id = str(next(self.ids))
        self.boards[board_id] = name
        return board_id

    def route(self, request, method):
        parts = urlsplit(request.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        body = self.body(request)
        self.requests.append((method, parts.path, {**query, **{k: v for k, v in body.items() if k != "media_source"}}))
        path = parts.path
        if path == "/oauth/":
            code = f"c{next(self.ids)}"
            self.codes[code] = query["redirect_uri"]
            return self.redirect(
                request, f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
            )
        if path == "/v5/oauth/token":
            return self.token(request, body)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if self.tokens.get(token, 0) < time.time():
            return self.send(request, 401, {"code": 2, "message": "Authentication failed."})
        if self.rate_limited:
            return self.send(
                request, 429, {"code": 429, "message": "Rate limit exceeded."}, headers={"Retry-After": "120"}
            )
        segments = path.removeprefix("/v5/").split("/")
        match (method, segments):
            case ("GET", ["user_account"]):
                return self.send(
                    request,
                    200,
                    {
                        "username": self.username,
                        "account_type": "BUSINESS",
                        "business_name": "Corner Café",
                        "profile_image": "https://i.pinimg.com/a.jpg",
                    },
                )
            case ("GET", ["boards"]):
                return self.send(
                    request,
                    200,
                    {
                        "items": [{"id": b, "name": n, "privacy": "PUBLIC"} for b, n in self.boards.items()],
                        "bookmark": None,
                    },
                )
            case ("POST", ["pins"]):
                return self.create_pin(request, body)
            case ("GET", ["pins", pin_id]):
                return (
                    self.send(request, 200, self.pins[pin_id])
                    if pin_id in self.pins
                    else self.send(request, 404, {"code": 50, "message": "Pin not found."})
                )
            case ("DELETE", ["pins", pin_id]):
                if self.pins.pop(pin_id, None) is None:
                    return self.send(request, 404, {"code": 50, "message": "Pin not found."})
                return self.send(request, 204, {})
            case ("GET", ["boards", board_id, "pins"]):
                found = [p for p in reversed(list(self.pins.values())) if p["board_id"] == board_id]
                return self.send(request, 200, {"items": found[: int(query.get("page_size", 25))], "bookmark": None})
        return self.send(request, 404, {"code": 404, "message": f"No route {method} {path}"})

    def token(self, request, form):
        basic = base64.b64decode(request.headers.get("Authorization", "").removeprefix("Basic ") or b"").decode()
        if basic != f"{self.app_id}:{self.app_secret}":
            return self.send(request, 401, {"code": 1, "message": "Authentication failed."})
        if form.get("grant_type") == "refresh_token":
            if form.get("refresh_token") not in self.refresh_tokens:
                return self.send(request, 400, {"code": 1, "message": "Invalid refresh token."})
        elif self.codes.pop(form.get("code", ""), None) != form.get("redirect_uri"):
            return self.send(request, 400, {"code": 1, "message": "Invalid authorization code."})
        access, refresh = f"pina_{next(self.ids)}", f"pinr_{next(self.ids)}"
        self.tokens[access] = time.time() + 2592000
        self.refresh_tokens.add(refresh)
        return self.send(
            request,
            200,
            {
                "access_token": access,
                "refresh_token": refresh,
                "response_type": "authorization_code",
                "token_type": "bearer",
                "expires_in": 2592000,
                "refresh_token_expires_in": 31536000,
                "scope": "boards:read,pins:read,pins:write,user_accounts:read",
            },
        )

    def create_pin(self, request, body):
        if body.get("board_id") not in self.boards:
            return self.send(request, 400, {"code": 3, "message": "Board not found."})
        media = body.get("media_source") or {}
        if media.get("source_type") not in ("image_base64", "multiple_image_base64"):
            return self.send(request, 400, {"code": 1, "message": "Invalid media source."})
        pin_id = str(next(self.ids))
        images = media.get("items") or [media]
        self.pins[pin_id] = {
            "id": pin_id,
            **{k: v for k, v in body.items() if k != "media_source"},
            "image_bytes": [len(base64.b64decode(i["data"])) for i in images],
        }
        if self.lose_next_pin_answer:
            self.lose_next_pin_answer = False
            return self.send(request, 503, {"code": 8, "message": "Service unavailable."})
        return self.send(request, 201, self.pins[pin_id])
