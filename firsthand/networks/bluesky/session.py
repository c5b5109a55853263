"""Signing in to Bluesky and talking to it: the app-password sign-in, the client, and the SDK's errors
turned into NetworkError with Bluesky's own message.

https://docs.bsky.app/docs/api/com-atproto-server-create-session
"""

import contextlib
from datetime import datetime, timezone

from atproto import Client, IdResolver
from atproto_client import exceptions as sdk
from atproto_client.request import Request
from django.conf import settings

from firsthand.networks.base import NetworkError

APP_PASSWORD_SCOPE = "com.atproto.appPass"  # nosec B105 # a scope name, not a password
AUTH_ERRORS = {"ExpiredToken", "InvalidToken", "AuthenticationRequired", "AccountTakedown", "AccountDeactivated"}


class SignInError(Exception):
    """Why an account could not be connected, in words for the person connecting it."""


@contextlib.contextmanager
def calling(what: str, *, writes: bool = False):
    """Turn the SDK's errors into NetworkError, with the network's own message."""
    try:
        yield
    except sdk.RateLimitExceededError as error:
        raise NetworkError(
            f"Bluesky rate limit reached while {what}.", transient=True, retry_at=error.reset_at
        ) from None
    except sdk.InvokeTimeoutError:
        raise NetworkError(
            f"Bluesky did not answer in time while {what}.", transient=True, outcome_unknown=writes
        ) from None
    except sdk.NetworkError as error:
        raise NetworkError(
            f"Bluesky could not be reached while {what}: {error}", transient=True, outcome_unknown=writes
        ) from None
    except sdk.LoginRequiredError:
        raise NetworkError(
            "The Bluesky session is missing; reconnect the account.", transient=False, auth=True
        ) from None
    except sdk.RequestErrorBase as error:
        name, message = error_of(error)
        status = error.response.status_code if error.response is not None else 0
        if isinstance(error, sdk.UnauthorizedError) or name in AUTH_ERRORS:
            raise NetworkError(
                f"Bluesky refused the account's session ({message}); reconnect it with a new app password.",
                transient=False,
                auth=True,
            ) from None
        raise NetworkError(
            f"Bluesky refused {what}: {message}", transient=status >= 500, outcome_unknown=writes and status >= 500
        ) from None


def error_of(error) -> tuple[str, str]:
    content = error.response.content if error.response is not None else None
    name = getattr(content, "error", "") or ""
    message = getattr(content, "message", "") or name or str(error)
    return name, message


def utc(value: str | None) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(timezone.utc)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def new_client(base_url: str) -> Client:
    return Client(base_url=base_url, request=Request(timeout=settings.NETWORK_TIMEOUT_SECONDS))


def sign_in(handle: str, app_password: str) -> dict:
    """Resolve the handle to its PDS, sign in there, and return what the account row needs."""
    handle = handle.strip().lstrip("@").lower()
    try:
        did = new_client(settings.BLUESKY_SERVICE_URL).resolve_handle(handle).did
    except sdk.BadRequestError:
        raise SignInError(f"Bluesky knows no account @{handle}.") from None
    except sdk.AtProtocolError as error:
        raise SignInError(f"Bluesky could not be reached to look up @{handle}: {error}") from None
    resolver = IdResolver(plc_url=settings.BLUESKY_PLC_URL, timeout=settings.NETWORK_TIMEOUT_SECONDS)
    try:
        pds = resolver.did.resolve_atproto_data(did).pds
    except Exception as error:  # the resolver raises several kinds; each means "cannot find the server"
        raise SignInError(f"The server of @{handle} could not be found: {error}") from None
    client = new_client(pds)
    try:
        profile = client.login(did, app_password)
    except sdk.UnauthorizedError:
        raise SignInError("Bluesky refused that app password. Check it, or create a new one.") from None
    except sdk.AtProtocolError as error:
        raise SignInError(f"Bluesky refused the sign-in: {error}") from None
    if client._session.access_jwt_payload.scope != APP_PASSWORD_SCOPE:
        # Never keep a session made with the main password: it can change the password and delete the account.
        with contextlib.suppress(sdk.AtProtocolError):
            client.com.atproto.server.delete_session(headers={"Authorization": f"Bearer {client._session.refresh_jwt}"})
        raise SignInError(
            "That is the account's main password. Create an app password in Bluesky (Settings → Privacy and "
            "security → App passwords) and use it here."
        )
    return {
        "did": did,
        "handle": profile.handle if profile else handle,
        "display_name": (profile.display_name if profile else "") or "",
        "avatar_url": (profile.avatar if profile else "") or "",
        "credentials": {"session": client.export_session_string(), "did": did, "pds": pds},
    }
