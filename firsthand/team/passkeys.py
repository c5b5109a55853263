"""Passkeys (WebAuthn) with duo-labs' py_webauthn: registering one, and signing in with one.

The relying party is this server: its ID is the host of FIRSTHAND_BASE_URL, or of the address the
browser used when none is configured, and the browser's origin must match exactly. Each ceremony's
challenge sits in the session and is taken out when the answer comes back, so an answer is checked
against one challenge, once.

A passkey answered with user verification (a fingerprint, a face, the device's PIN) is two factors in
one: something held and something known or been. So "Sign in with a passkey" on the sign-in page needs
no password, and the same passkey after a password is the second step.
"""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http.request import split_domain_port
from django.utils import timezone
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from firsthand.audit.log import record
from firsthand.team.models import Passkey, User
from firsthand.team.twofactor import TwoFactorError, ensure_recovery_codes, has_totp

CHALLENGE_SESSION_KEY = "firsthand.webauthn_challenge"
RP_NAME = "firsthand"


def relying_party(request) -> tuple[str, str]:
    """(RP ID, origin) for this request."""
    if settings.BASE_URL:
        base = urlsplit(settings.BASE_URL)
        return base.hostname, f"{base.scheme}://{base.netloc}"
    host = request.get_host()
    domain, _port = split_domain_port(host)
    return domain, f"{request.scheme}://{host}"


def _remember_challenge(request, purpose: str, challenge: bytes, user_id: int | None = None) -> None:
    request.session[CHALLENGE_SESSION_KEY] = {
        "purpose": purpose,
        "challenge": bytes_to_base64url(challenge),
        "user": user_id,
    }


def _take_challenge(request, purpose: str, user_id: int | None = None) -> bytes:
    held = request.session.pop(CHALLENGE_SESSION_KEY, None)
    if not held or held.get("purpose") != purpose or held.get("user") != user_id:
        raise TwoFactorError("That passkey request has expired. Try again.")
    return base64url_to_bytes(held["challenge"])


def _parse(credential: str | dict) -> dict:
    if isinstance(credential, dict):
        return credential
    try:
        parsed = json.loads(credential)
    except (TypeError, ValueError):
        parsed = None
    if not isinstance(parsed, dict):
        raise TwoFactorError("The browser's passkey answer didn't arrive whole. Try again.")
    return parsed


# --- Registration ---------------------------------------------------------------------


def registration_options(request, user: User) -> str:
    rp_id, _origin = relying_party(request)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=RP_NAME,
        user_id=str(user.pk).encode(),
        user_name=user.email,
        user_display_name=user.name or user.email,
        # A discoverable credential (resident key) is what lets the sign-in page offer a passkey without an email.
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=_id_bytes(key.credential_id)) for key in user.passkeys.all()
        ],
    )
    _remember_challenge(request, "register", options.challenge, user.pk)
    return options_to_json(options)


def register(request, user: User, name: str, credential: str | dict) -> tuple[Passkey, list[str]]:
    """Store a new passkey; returns it with new recovery codes when the person had none."""
    name = " ".join((name or "").split())[:60] or "Passkey"
    challenge = _take_challenge(request, "register", user.pk)
    rp_id, origin = relying_party(request)
    try:
        verified = verify_registration_response(
            credential=_parse(credential), expected_challenge=challenge, expected_rp_id=rp_id, expected_origin=origin
        )
    except WebAuthnException:
        raise TwoFactorError("This passkey couldn't be checked, so it wasn't added. Try again.") from None
    credential_id = bytes_to_base64url(verified.credential_id)
    with transaction.atomic():
        if Passkey.objects.filter(credential_id=credential_id).exists():
            raise TwoFactorError("This passkey is already registered.")
        passkey = Passkey.objects.create(
            user=user,
            name=name,
            credential_id=credential_id,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
        )
        record("team.passkey_added", f"{user} added the passkey {name}", actor=user, passkey=name)
        codes = ensure_recovery_codes(user)
    return passkey, codes


def remove(user: User, passkey_id: int) -> Passkey:
    with transaction.atomic():
        passkey = user.passkeys.filter(pk=passkey_id).first()
        if passkey is None:
            raise TwoFactorError("No such passkey.")
        # Removing the last second factor would turn two-factor off without the password that turning it off asks.
        if not has_totp(user) and not user.passkeys.exclude(pk=passkey.pk).exists():
            raise TwoFactorError(
                "This is your only second factor. Add another first, or turn two-factor sign-in off (it asks your "
                "password)."
            )
        passkey.delete()
        record("team.passkey_removed", f"{user} removed the passkey {passkey.name}", actor=user, passkey=passkey.name)
    return passkey


def _id_bytes(credential_id: str) -> bytes:
    return base64url_to_bytes(credential_id)


# --- Signing in -----------------------------------------------------------------------


def authentication_options(request, user: User | None = None) -> str:
    """Options for navigator.credentials.get: the user's own passkeys, or (no user) any discoverable one."""
    rp_id, _origin = relying_party(request)
    keys = user.passkeys.all() if user else []
    allow = [PublicKeyCredentialDescriptor(id=_id_bytes(key.credential_id)) for key in keys]
    options = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=allow,
        # Without a password first, the passkey must prove the person too, not only the device.
        user_verification=UserVerificationRequirement.PREFERRED if user else UserVerificationRequirement.REQUIRED,
    )
    _remember_challenge(request, "authenticate", options.challenge, user.pk if user else None)
    return options_to_json(options)


def authenticate(request, credential: str | dict, user: User | None = None) -> User:
    """The user whose passkey answered the challenge, or TwoFactorError."""
    challenge = _take_challenge(request, "authenticate", user.pk if user else None)
    answer = _parse(credential)
    keys = Passkey.objects.select_related("user")
    passkey = keys.filter(credential_id=str(answer.get("id", ""))[:1400]).first()
    if passkey is None or (user is not None and passkey.user_id != user.pk) or not passkey.user.is_active:
        raise TwoFactorError("This passkey isn't registered to this account.")
    rp_id, origin = relying_party(request)
    try:
        verified = verify_authentication_response(
            credential=answer,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=user is None,
        )
    except WebAuthnException:
        raise TwoFactorError("This passkey couldn't be checked. Try again.") from None
    Passkey.objects.filter(pk=passkey.pk).update(sign_count=verified.new_sign_count, last_used_at=timezone.now())
    return passkey.user
