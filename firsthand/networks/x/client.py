"""X's SDK set up for firsthand: tweepy's requests rerouted to the configured API address with the network
time-out, and tweepy's and httpx's errors turned into NetworkError with X's own words and reset time.

docs.x.com: x-api/fundamentals/response-codes-and-errors, x-api/fundamentals/rate-limits.
"""

import contextlib
from datetime import datetime, timezone

import httpx
import requests
import tweepy
from django.conf import settings

from firsthand.networks.base import NetworkError

TWEEPY_HOST = "https://api.twitter.com"  # where tweepy sends everything; rerouted to settings.X_API_URL


class Reroute(requests.adapters.HTTPAdapter):
    """Send tweepy's requests for api.twitter.com to the configured API address (X's own by default)."""

    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def send(self, request, **kwargs):
        request.url = self.base_url + request.url[len(TWEEPY_HOST) :]
        kwargs["timeout"] = settings.NETWORK_TIMEOUT_SECONDS
        return super().send(request, **kwargs)


def sdk_client(access_token: str) -> tweepy.Client:
    client = tweepy.Client(access_token)  # OAuth 2.0 user context: the user's token as the bearer
    client.session.mount(TWEEPY_HOST + "/", Reroute(settings.X_API_URL))
    return client


def message_of(error: tweepy.HTTPException) -> str:
    parts = list(getattr(error, "api_messages", []) or [])
    try:
        body = error.response.json()
        parts += [body.get("detail") or body.get("title") or ""] if isinstance(body, dict) else []
    except ValueError:
        pass
    return "; ".join(dict.fromkeys(p for p in parts if p)) or f"HTTP {error.response.status_code}"


@contextlib.contextmanager
def calling(what: str, *, writes: bool = False):
    """tweepy's and httpx's errors as NetworkError, with X's own message and its rate-limit reset."""
    try:
        yield
    except tweepy.TooManyRequests as error:
        reset = error.response.headers.get("x-rate-limit-reset")
        retry_at = datetime.fromtimestamp(int(reset), timezone.utc) if reset and reset.isdigit() else None
        raise NetworkError(f"X's rate limit reached while {what}.", transient=True, retry_at=retry_at) from None
    except tweepy.Unauthorized as error:
        raise NetworkError(
            f"X refused the account's access ({message_of(error)}); connect it again.", transient=False, auth=True
        ) from None
    except tweepy.TwitterServerError as error:
        raise NetworkError(
            f"X failed while {what}: {message_of(error)}", transient=True, outcome_unknown=writes
        ) from None
    except tweepy.HTTPException as error:
        raise NetworkError(f"X refused {what}: {message_of(error)}", transient=False) from None
    except (requests.RequestException, httpx.HTTPError) as error:
        raise NetworkError(
            f"X could not be reached while {what}: {error}", transient=True, outcome_unknown=writes
        ) from None
