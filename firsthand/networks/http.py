"""The HTTP side shared by the connectors that call a network's REST API with httpx (Facebook's Graph API
and the APIs in its style, LinkedIn, Pinterest): firsthand's timeout, and the same words for the same
trouble. What differs between networks (rate-limit headers, version sunsets, error codes) stays in
their own modules and is checked before said_no(). These calls go to the configured API addresses; an
address a person wrote (a link card's page, a Mastodon server) goes through networks/safe_http.py."""

import httpx
from django.conf import settings

from firsthand.networks.base import NetworkError


def request(name: str, method: str, url: str, *, what: str, writes: bool = False, **kwargs) -> httpx.Response:
    """httpx.request with the network timeout; a network that cannot be reached is worth trying again, and
    after a write nobody knows whether it arrived."""
    try:
        return httpx.request(method, url, timeout=settings.NETWORK_TIMEOUT_SECONDS, **kwargs)
    except httpx.HTTPError as error:
        raise NetworkError(
            f"{name} could not be reached while {what}: {error}", transient=True, outcome_unknown=writes
        ) from None


def message_of(response: httpx.Response) -> str:
    """The network's own explanation: the JSON body's "message", else the HTTP reason."""
    try:
        return response.json().get("message") or response.reason_phrase
    except (ValueError, AttributeError):
        return response.reason_phrase


def said_no(name: str, response: httpx.Response, message: str, *, what: str, writes: bool, again: str) -> NetworkError:
    """The error for an answer that refuses, by its status: the access is gone (401), the network failed
    (5xx: try again), or it refused this (the reason shown to the person)."""
    if response.status_code == 401:
        return NetworkError(f"{name} no longer accepts the access ({message}); {again}.", transient=False, auth=True)
    if response.status_code >= 500:
        return NetworkError(f"{name} failed while {what}: {message}", transient=True, outcome_unknown=writes)
    return NetworkError(f"{name} refused {what}: {message}", transient=False)
