"""Reaching a Mastodon server: its address as a person writes it, the `Mastodon.py` SDK on the guarded
session, and the SDK's errors as NetworkError in the server's own words. The connector (connector.py), the
sign-in (oauth.py) and the stream (stream.py) all go through here.

API references (docs.joinmastodon.org): api/rate-limits, api/guidelines, entities/Error.
"""

import contextlib
import logging
import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

from django.conf import settings
from mastodon import Mastodon
from mastodon import errors as sdk

from firsthand.networks import safe_http
from firsthand.networks.base import NetworkError

logger = logging.getLogger("firsthand.networks.mastodon")


def loopback(url: str) -> bool:
    """Plain http is allowed only to a server on this machine (a test or development server)."""
    return (urlsplit(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


def sdk_client(api_base_url: str, access_token: str | None = None, **credentials) -> Mastodon:
    """The SDK on the guarded session: the server's address is whoever connected it wrote, and the server
    itself names where its stream and media live, so every request is checked (networks/safe_http.py)."""
    return Mastodon(
        session=safe_http.session(),
        api_base_url=api_base_url,
        access_token=access_token,
        ratelimit_method="throw",  # the worker decides when to come back, not a sleeping thread
        request_timeout=settings.NETWORK_TIMEOUT_SECONDS,
        version_check_mode="none",
        user_agent="firsthand",
        **credentials,
    )


@contextlib.contextmanager
def calling(what: str, client: Mastodon | None = None, *, writes: bool = False):
    """Turn the SDK's errors into NetworkError, with the server's own message."""
    try:
        yield
    except sdk.MastodonRatelimitError:
        reset = getattr(client, "ratelimit_reset", None)
        retry_at = datetime.fromtimestamp(reset, timezone.utc) if reset else None
        raise NetworkError(f"Mastodon rate limit reached while {what}.", transient=True, retry_at=retry_at) from None
    except sdk.MastodonNetworkError as error:
        # The SDK's words carry urllib3's (addresses, ports, why a connection failed): the log keeps them.
        logger.info("Mastodon unreachable while %s: %s", what, error)
        raise NetworkError(
            f"The Mastodon server could not be reached while {what}.", transient=True, outcome_unknown=writes
        ) from None
    except sdk.MastodonUnauthorizedError as error:
        raise NetworkError(
            f"The Mastodon server refused the account's token ({message_of(error)}); reconnect it.",
            transient=False,
            auth=True,
        ) from None
    except sdk.MastodonServerError as error:
        raise NetworkError(
            f"The Mastodon server failed while {what}: {message_of(error)}", transient=True, outcome_unknown=writes
        ) from None
    except sdk.MastodonAPIError as error:
        status = error.args[1] if len(error.args) > 1 else 0
        if status == 403 and "token" in message_of(error).lower():
            raise NetworkError(
                f"The Mastodon server refused the account's token ({message_of(error)}); reconnect it.",
                transient=False,
                auth=True,
            ) from None
        raise NetworkError(f"Mastodon refused {what}: {message_of(error)}", transient=False) from None


def message_of(error) -> str:
    args = error.args
    return str(args[3] if len(args) > 3 and args[3] else args[2] if len(args) > 2 else error)


def normalise_instance(address: str) -> str:
    """'mastodon.social', '@me@mastodon.social' or 'https://mastodon.social/' → 'https://mastodon.social'."""
    address = address.strip()
    if re.match(r"^@?[^@\s/]+@[^@\s/]+$", address):
        address = address.rsplit("@", 1)[1]
    if "://" not in address:
        address = "https://" + address
    parts = urlsplit(address)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError("Write the server's address, for example mastodon.social.")
    if parts.scheme == "http" and not loopback(address):
        raise ValueError("Mastodon servers are reached over https.")
    return f"{parts.scheme}://{parts.netloc}".lower()
