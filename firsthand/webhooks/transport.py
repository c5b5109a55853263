"""One POST to an endpoint, through the guarded session of networks/safe_http.py: public addresses only, no
redirects followed, a short timeout, the answer's body read up to a few kilobytes and no further."""

import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings

from firsthand.networks import safe_http

BODY_READ_BYTES = 4096
_local = threading.local()


def session():
    """One guarded session per sending thread, so an endpoint's connection stays open between deliveries
    (each new connection is still checked by the guard as it opens; an open one cannot be pointed elsewhere)."""
    if getattr(_local, "session", None) is None:
        _local.session = safe_http.session()
    return _local.session


@dataclass
class Answer:
    status: int | None  # None: no HTTP answer at all
    body: str
    error: str  # why it failed, in words for the delivery log; "" when it succeeded
    duration_ms: int
    retry_after: int | None = None  # seconds, when the endpoint said (429, 503)
    gone: bool = False  # 410: the endpoint asks to be sent nothing more

    @property
    def ok(self) -> bool:
        return not self.error


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    started = time.monotonic()
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    if urlsplit(url).scheme not in ("http", "https"):
        return Answer(None, "", "Only http and https addresses can receive webhooks.", took())
    try:
        response = session().post(url, data=body, headers=headers, timeout=timeout, stream=True, allow_redirects=False)
        try:
            raw = safe_http.read_capped(response, BODY_READ_BYTES, truncate=True)
        finally:
            response.close()
    except requests.Timeout:
        return Answer(None, "", f"No answer within {timeout} seconds.", took())
    except (requests.RequestException, ValueError, UnicodeError) as error:
        if safe_http.refused_in(error):
            host = urlsplit(url).hostname or url
            return Answer(None, "", f"Refused: {host} is not a public internet address.", took())
        # Which of refused, closed or unknown it was stays unsaid, as everywhere safe_http is used.
        return Answer(None, "", f"Could not connect to {urlsplit(url).hostname or url}.", took())
    text = raw.decode("utf-8", errors="replace")
    status = response.status_code
    if 200 <= status < 300:
        return Answer(status, text, "", took())
    reason = f"Answered {status} {response.reason or ''}".rstrip() + "."
    if response.is_redirect:
        # The spec: redirects are failures; the address should be updated instead.
        reason += f" Redirects are not followed: change the address to {response.headers.get('Location', '?')[:300]}."
    return Answer(
        status, text, reason, took(), retry_after=retry_after(response.headers.get("Retry-After")), gone=status == 410
    )


def retry_after(value: str | None) -> int | None:
    # Only the seconds form: a date is rare from webhook receivers, and the schedule's own wait then applies.
    if value and value.strip().isdigit():
        return int(value.strip())
    return None
