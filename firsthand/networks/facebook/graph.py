"""Every call firsthand makes to Meta's Graph API goes through call(): the pinned version, the timeout,
and Meta's errors and usage headers turned into NetworkError with Meta's own message.

developers.facebook.com/docs/graph-api: overview/rate-limiting (X-App-Usage, X-Page-Usage,
X-Business-Use-Case-Usage with estimated_time_to_regain_access in minutes; error codes 4, 17, 32, 613,
80001), guides/error-handling (code 190: the token is no longer valid; 1, 2: temporary), and
changelog/versions (the version table below).
"""

import json
from datetime import date, datetime, timedelta, timezone

import httpx
from django.conf import settings

from firsthand.networks.base import NetworkError

# The one place the Graph API version is named, with the end of availability Meta's version table gives
# (developers.facebook.com/docs/graph-api/changelog/versions: v25.0, released 18 February 2026, available
# until 29 July 2028). A test fails once that day has passed, so the upgrade is not forgotten.
VERSION = "v25.0"
END_OF_LIFE = date(2028, 7, 29)

RATE_LIMIT_CODES = {4, 17, 32, 613, 80001, 80004}
TEMPORARY_CODES = {1, 2}
EXPIRED_TOKEN = 190


def url(path: str, api: tuple[str, str] | None = None) -> str:
    base, version = api or (settings.FACEBOOK_GRAPH_URL, VERSION)
    return f"{base.rstrip('/')}/{version}/{path.lstrip('/')}" if version else f"{base.rstrip('/')}/{path.lstrip('/')}"


def call(
    method: str,
    path: str,
    token: str | None,
    *,
    what: str,
    writes=False,
    params=None,
    data=None,
    files=None,
    api=None,
    name="Facebook",
):
    """The answer's JSON; a NetworkError with Meta's words when Meta says no. `api`: (base URL, version) of
    another Meta API in the same style (Threads), instead of the Graph API's."""
    query = dict(params or {})
    if token:
        query["access_token"] = token
    try:
        response = httpx.request(
            method, url(path, api), params=query, data=data, files=files, timeout=settings.NETWORK_TIMEOUT_SECONDS
        )
    except httpx.HTTPError as error:
        raise NetworkError(
            f"{name} could not be reached while {what}: {error}", transient=True, outcome_unknown=writes
        ) from None
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code < 400 and not (isinstance(body, dict) and "error" in body):
        return body
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    code, message = error.get("code"), error.get("error_user_msg") or error.get("message") or response.reason_phrase
    if code == EXPIRED_TOKEN or response.status_code == 401:
        raise NetworkError(
            f"{name} no longer accepts the account's access ({message}); connect it again.", transient=False, auth=True
        )
    if code in RATE_LIMIT_CODES or response.status_code == 429:
        raise NetworkError(f"{name}'s rate limit reached while {what}.", transient=True, retry_at=regain_at(response))
    if code in TEMPORARY_CODES or response.status_code >= 500 or error.get("is_transient"):
        raise NetworkError(f"{name} failed while {what}: {message}", transient=True, outcome_unknown=writes)
    raise NetworkError(f"{name} refused {what}: {message}", transient=False)


def regain_at(response) -> datetime:
    """When Meta says calls will work again (the longest wait among the usage headers), else in 10 minutes."""
    minutes = 10
    header = response.headers.get("x-business-use-case-usage")
    if header:
        try:
            for entries in json.loads(header).values():
                for entry in entries:
                    minutes = max(minutes, int(entry.get("estimated_time_to_regain_access") or 0))
        except (ValueError, AttributeError, TypeError):
            pass
    return datetime.now(timezone.utc) + timedelta(minutes=minutes)
