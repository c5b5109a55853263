"""Every call firsthand makes to Meta's Graph API goes through call(): the pinned version, the timeout,
and Meta's errors and usage headers turned into NetworkError with Meta's own message.

developers.facebook.com/docs/graph-api: overview/rate-limiting (X-App-Usage, X-Page-Usage,
X-Business-Use-Case-Usage with estimated_time_to_regain_access in minutes; error codes 4, 17, 32, 613,
80001), guides/error-handling (code 190: the token is no longer valid; 1, 2: temporary), and
changelog/versions (the version table below).
"""

import json
from datetime import date, datetime, timedelta, timezone

from django.conf import settings

from firsthand.networks import http
from firsthand.networks.base import NetworkError

# The one place the Graph API version is named, with the end of availability Meta's version table gives
# (developers.facebook.com/docs/graph-api/changelog/versions: v25.0, released 18 February 2026, available
# until 29 July 2028). A test fails once that day has passed, so the upgrade is not forgotten.
VERSION = "v25.0"
END_OF_LIFE = date(2028, 7, 29)

RATE_LIMIT_CODES = {4, 17, 32, 613, 80001, 80004}
TEMPORARY_CODES = {1, 2}
EXPIRED_TOKEN = 190


class Gone(NetworkError):
    """Meta says the object does not exist (error 100, subcode 33): deleted, or never there."""


OBJECT_MISSING = (100, 33)


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
    query, headers = dict(params or {}), {}
    if token and api is None:
        # In a header, not the query: a URL is what HTTP libraries, proxies and servers log. Meta's guides
        # send the Graph API's token this way ("Authorization: OAuth <token>",
        # developers.facebook.com/docs/graph-api/guides/upload).
        headers["Authorization"] = f"OAuth {token}"
    elif token:
        # The Threads API documents the token only as the access_token parameter
        # (developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions); the logs'
        # redaction (firsthand/logs.py) keeps it out of every log line.
        query["access_token"] = token
    response = http.request(
        name, method, url(path, api), what=what, writes=writes, params=query, data=data, files=files, headers=headers
    )
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
    if code == OBJECT_MISSING[0] and (
        error.get("error_subcode") == OBJECT_MISSING[1] or "does not exist" in str(message).lower()
    ):
        raise Gone(f"{name} refused {what}: {message}", transient=False)
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


def moment(value) -> datetime:
    """A time as Meta's APIs write it (2026-11-23T10:15:00+0000); now when it cannot be read."""
    try:
        return datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return datetime.now(timezone.utc)


def wait_for_container(call, token: str, container: str, *, field: str, label: str, wait, polls: int = 10) -> None:
    """Instagram's and Threads' first publishing step: poll the media container until the network has
    fetched and checked it (FINISHED), failing with the network's reason (ERROR, EXPIRED)."""
    for _ in range(polls):
        status = call(
            "GET", container, token, what=f"waiting for {label}", params={"fields": f"{field},status,error_message"}
        )
        code = status.get(field)
        if code in ("FINISHED", "PUBLISHED"):
            return
        if code in ("ERROR", "EXPIRED"):
            reason = status.get("error_message") or status.get("status") or code
            raise NetworkError(f"{label} could not take the post: {reason}.", transient=False)
        wait(1.0)
    raise NetworkError(
        f"{label} was still preparing the post; trying again shortly.", transient=True, outcome_unknown=True
    )
