"""Every call to LinkedIn's versioned REST API goes through call(): the pinned LinkedIn-Version, the
Rest.li protocol header, the timeout, and LinkedIn's errors as NetworkError in LinkedIn's words.

learn.microsoft.com/linkedin: marketing/versioning (monthly versions, each supported at least a year;
a sunset version answers 426), marketing/integrations/migrations (the sunset dates below),
shared/api-guide/concepts/rate-limits (429; daily limits reset at midnight UTC), shared/api-guide/
concepts/error-handling ({"status", "serviceErrorCode", "message"}).
"""

from datetime import date, datetime, timedelta, timezone
from urllib.parse import quote

import httpx
from django.conf import settings

from firsthand.networks import http
from firsthand.networks.base import NetworkError

# The one place the version is named, with its sunset date from LinkedIn's migrations table
# (Marketing version 202603, March 2026: sunset 16 March 2027). A test fails after that day.
VERSION = "202603"
END_OF_LIFE = date(2027, 3, 16)


def urn_path(urn: str) -> str:
    """A URN inside a path, encoded as LinkedIn asks (every reserved character, colons included)."""
    return quote(urn, safe="")


def call(
    method: str,
    path: str,
    token: str,
    *,
    what: str,
    writes=False,
    params=None,
    json=None,
    content=None,
    url: str | None = None,
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "LinkedIn-Version": VERSION, "X-Restli-Protocol-Version": "2.0.0"}
    target = url or f"{settings.LINKEDIN_API_URL.rstrip('/')}/rest/{path.lstrip('/')}"
    response = http.request(
        "LinkedIn", method, target, what=what, writes=writes, params=params, json=json, content=content, headers=headers
    )
    if response.status_code < 400:
        return response
    message = http.message_of(response)
    if response.status_code == 429:
        tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        raise NetworkError(f"LinkedIn's daily limit reached while {what}.", transient=True, retry_at=tomorrow)
    if response.status_code == 426:
        raise NetworkError(
            f"LinkedIn no longer serves API version {VERSION}: firsthand needs an update ({message}).", transient=False
        )
    raise http.said_no("LinkedIn", response, message, what=what, writes=writes, again="connect the page again")
