"""Connecting a Mastodon account: register on its server once, then OAuth's authorization-code flow.

https://docs.joinmastodon.org/client/token/ and https://docs.joinmastodon.org/methods/oauth/
"""

import logging

from django.db import IntegrityError
from mastodon import Mastodon
from mastodon import errors as sdk

from firsthand.networks import safe_http
from firsthand.networks.mastodon.client import loopback, message_of, sdk_client
from firsthand.networks.mastodon.models import MastodonInstance

SCOPES = ["read", "write:statuses", "write:media"]
WEBSITE = "https://github.com/firsthand-social/firsthand"


class SignInError(Exception):
    """Why an account could not be connected, in words for the person connecting it."""


logger = logging.getLogger("firsthand.networks.mastodon")


def failed(api_base_url: str, doing: str, error: Exception) -> SignInError:
    """A Mastodon server's refusal in its words; anything else (no answer, or no answer Mastodon would give)
    in one sentence whatever the reason: whether a port was closed, slow, private or spoke something else
    is what someone probing this machine's neighbours wants to learn."""
    if isinstance(error, sdk.MastodonAPIError):
        return SignInError(f"{api_base_url} {doing}: {message_of(error)}")
    logger.info("Mastodon sign-in could not use %s: %r", api_base_url, error)
    return SignInError(f"{api_base_url}: firsthand {safe_http.UNREACHABLE} as a Mastodon server.")


def app_for(api_base_url: str, redirect_uri: str) -> MastodonInstance:
    """firsthand's app registration on this server, made the first time anyone connects there."""
    found = MastodonInstance.objects.filter(api_base_url=api_base_url, redirect_uri=redirect_uri).first()
    if found is not None:
        return found
    try:
        client_id, client_secret = Mastodon.create_app(
            "firsthand",
            scopes=SCOPES,
            redirect_uris=redirect_uri,
            website=WEBSITE,
            api_base_url=api_base_url,
            request_timeout=10,
            session=safe_http.session(),
        )
    except (sdk.MastodonError, KeyError, TypeError) as error:  # Key/TypeError: JSON, but not Mastodon's answer
        raise failed(api_base_url, "did not let firsthand register as an app", error) from None
    instance = MastodonInstance(
        api_base_url=api_base_url,
        redirect_uri=redirect_uri,
        client_id=client_id,
        scopes=" ".join(SCOPES),
    )
    instance.client_secret = client_secret
    read_limits(instance)
    try:
        instance.save()
    except IntegrityError:  # someone else registered at the same moment: use theirs
        return MastodonInstance.objects.get(api_base_url=api_base_url, redirect_uri=redirect_uri)
    return instance


def read_limits(instance: MastodonInstance) -> None:
    """The server's own character and attachment limits (GET /api/v2/instance, configuration)."""
    try:
        configuration = sdk_client(instance.api_base_url).instance_v2().get("configuration") or {}
    except sdk.MastodonError:
        return  # an older server: Mastodon's defaults stand
    statuses = configuration.get("statuses") or {}
    instance.max_characters = int(statuses.get("max_characters") or instance.max_characters)
    instance.max_media_attachments = int(statuses.get("max_media_attachments") or instance.max_media_attachments)
    instance.characters_reserved_per_url = int(
        statuses.get("characters_reserved_per_url") or instance.characters_reserved_per_url
    )


def authorization_url(instance: MastodonInstance, state: str) -> str:
    client = sdk_client(instance.api_base_url, client_id=instance.client_id, client_secret=instance.client_secret)
    try:
        # force_login: the server asks which account to use, so a person signed in to their own
        # account in this browser does not connect it to the business by accident.
        return client.auth_request_url(
            redirect_uris=instance.redirect_uri,
            scopes=SCOPES,
            state=state,
            force_login=True,
            allow_http=loopback(instance.api_base_url),
        )
    except sdk.MastodonError as error:
        raise failed(instance.api_base_url, "could not start the sign-in", error) from None


def finish(instance: MastodonInstance, code: str) -> dict:
    """Trade the code for a token and read who it belongs to."""
    client = sdk_client(instance.api_base_url, client_id=instance.client_id, client_secret=instance.client_secret)
    try:
        token = client.log_in(
            code=code, redirect_uri=instance.redirect_uri, scopes=SCOPES, allow_http=loopback(instance.api_base_url)
        )
        me = client.account_verify_credentials()
    except sdk.MastodonError as error:
        raise failed(instance.api_base_url, "did not complete the sign-in", error) from None
    read_limits(instance)
    instance.save(update_fields=["max_characters", "max_media_attachments", "characters_reserved_per_url"])
    host = instance.api_base_url.split("://", 1)[1]
    return {
        "id": str(me["id"]),
        "handle": f"@{me['acct']}@{host}" if "@" not in me["acct"] else f"@{me['acct']}",
        "display_name": me.get("display_name") or "",
        "avatar_url": me.get("avatar") or "",
        "credentials": {"instance": instance.api_base_url, "access_token": token},
    }
