"""OAuth 2.0's authorization-code flow with PKCE, as the networks that use it share it (RFC 6749, RFC 7636).

Each network module says where its pages are (a Provider); this module does the rest the same way for
all: a fresh state and code verifier per attempt, the code exchanged with the verifier (and the app's
secret by HTTP Basic, for confidential clients), and refresh before expiry. Tokens come back as a
dict to store encrypted on the account: access_token, refresh_token, expires_at (epoch seconds), scope.

A refresh that fails keeps nothing half-done: the caller gets a SignInError(auth=True) and the account's
stored refresh token is left as it was, so a reconnect never throws away one that still works.
"""

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
from django.conf import settings

REFRESH_MARGIN_SECONDS = 300  # refresh when less than this is left, not at the last second


@dataclass(frozen=True)
class Provider:
    name: str  # what people call it: "X"
    authorize_url: str
    token_url: str
    scopes: tuple[str, ...]
    scope_separator: str = " "
    pkce: bool = True  # False where the network does not take PKCE from a web app (LinkedIn)
    client_auth: str = "basic"  # how the app proves itself at the token endpoint: "basic" or "body"


@dataclass(frozen=True)
class Attempt:
    """What is kept (in the person's session) between sending them to the network and their return."""

    state: str
    code_verifier: str

    @classmethod
    def new(cls) -> "Attempt":
        return cls(state=secrets.token_urlsafe(24), code_verifier=secrets.token_urlsafe(64)[:96])

    @property
    def code_challenge(self) -> str:
        digest = hashlib.sha256(self.code_verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class SignInError(Exception):
    """Why the network would not give or renew access, in words for the person connecting."""

    def __init__(self, message: str, *, auth: bool = False, retry_at: float | None = None):
        super().__init__(message)
        self.auth = auth  # the grant itself is gone: a person has to connect the account again
        self.retry_at = retry_at


def authorization_url(provider: Provider, client_id: str, redirect_uri: str, attempt: Attempt, **extra) -> str:
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": provider.scope_separator.join(provider.scopes),
        "state": attempt.state,
        **({"code_challenge": attempt.code_challenge, "code_challenge_method": "S256"} if provider.pkce else {}),
        **extra,
    }
    return f"{provider.authorize_url}?{urlencode(query)}"


def exchange_code(provider, client_id, client_secret, redirect_uri: str, code: str, attempt: Attempt) -> dict:
    return _token_request(
        provider,
        client_id,
        client_secret,
        {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
        code_verifier=attempt.code_verifier if provider.pkce else None,
    )


def refresh(provider: Provider, client_id: str, client_secret: str, tokens: dict) -> dict:
    """New tokens for old; the refresh token is kept when the network does not send a new one."""
    if not tokens.get("refresh_token"):
        raise SignInError(f"{provider.name} gave no refresh token; connect the account again.", auth=True)
    fresh = _token_request(
        provider, client_id, client_secret, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    )
    return {**tokens, **fresh, "refresh_token": fresh.get("refresh_token") or tokens["refresh_token"]}


def needs_refresh(tokens: dict, now: float | None = None) -> bool:
    expires_at = tokens.get("expires_at")
    return bool(expires_at) and float(expires_at) - (now or time.time()) < REFRESH_MARGIN_SECONDS


def _token_request(provider, client_id, client_secret, form: dict, code_verifier: str | None = None) -> dict:
    form = {**form, "client_id": client_id}
    if code_verifier:
        form["code_verifier"] = code_verifier
    auth = None
    if client_secret and provider.client_auth == "basic":
        auth = httpx.BasicAuth(client_id, client_secret)
    elif client_secret:
        form["client_secret"] = client_secret
    try:
        response = httpx.post(provider.token_url, data=form, auth=auth, timeout=settings.NETWORK_TIMEOUT_SECONDS)
    except httpx.HTTPError as error:
        raise SignInError(f"{provider.name} could not be reached: {error}.") from None
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code == 429:
        reset = response.headers.get("x-rate-limit-reset")
        raise SignInError(
            f"{provider.name} asks to wait before trying again.", retry_at=float(reset) if reset else None
        )
    if response.status_code >= 500:
        raise SignInError(f"{provider.name} failed ({response.status_code}); try again in a moment.")
    if response.status_code != 200 or not isinstance(body, dict) or "access_token" not in body:
        reason = (body.get("error_description") or body.get("error") if isinstance(body, dict) else None) or ""
        reason = reason.rstrip(".") or f"HTTP {response.status_code}"
        # A refused refresh token is spent, expired or revoked (X says invalid_request, others invalid_grant):
        # nothing but a new sign-in helps. A refused code is only this attempt's problem.
        gone = form["grant_type"] == "refresh_token" or (
            isinstance(body, dict) and body.get("error") == "invalid_client"
        )
        raise SignInError(f"{provider.name} refused: {reason}.", auth=gone)
    tokens = {"access_token": body["access_token"], "scope": body.get("scope", "")}
    if body.get("refresh_token"):
        tokens["refresh_token"] = body["refresh_token"]
    if body.get("expires_in"):
        tokens["expires_at"] = time.time() + float(body["expires_in"])
    return tokens


def refresh_account(account, provider: Provider, app) -> dict:
    """Renew an account's tokens with the workspace's app, saving them at once (some networks spend the old
    refresh token on use); a refusal becomes the NetworkError the health check and the engine understand."""
    from datetime import datetime, timezone

    from firsthand.networks.base import NetworkError

    if app is None:
        raise NetworkError(
            f"The workspace's {provider.name} app keys are gone; an owner enters them under Accounts.",
            transient=False,
            auth=True,
        )
    try:
        fresh = refresh(provider, app.client_id, app.client_secret, account.credentials)
    except SignInError as error:
        retry_at = datetime.fromtimestamp(error.retry_at, timezone.utc) if error.retry_at else None
        raise NetworkError(str(error), transient=not error.auth, auth=error.auth, retry_at=retry_at) from None
    account.credentials = fresh
    account.save(update_fields=["credentials_encrypted"])
    return fresh
