"""Two-factor sign-in: authenticator apps (TOTP), recovery codes, and the workspace policy.

Passkeys live in team/passkeys.py. Every change a person makes to their second factors is written to the
audit log here, never with a secret or a code in the entry. TOTP secrets are encrypted at rest with the
same keys as the networks' tokens (networks/crypto.py); recovery codes are kept only as a keyed hash.

A code is accepted one 30-second step either side of now (clocks drift), and never twice: the step of
the last accepted code is stored and a code at or before it is refused, so a code read over a shoulder
can't be replayed within its window.
"""

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.networks.crypto import decrypt_json, encrypt_json
from firsthand.team.models import Membership, RecoveryCode, TotpDevice, TwoFactorPolicy, User
from firsthand.team.permissions import Role

ISSUER = "firsthand"
STEP_SECONDS = 30
RECOVERY_CODE_COUNT = 10
COVERED_ROLES = {
    TwoFactorPolicy.NOBODY: frozenset(),
    TwoFactorPolicy.MANAGERS: frozenset({Role.OWNER, Role.MANAGER}),
    TwoFactorPolicy.EVERYONE: frozenset(Role),
}


# --- Who has what ---------------------------------------------------------------------


def has_totp(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def is_enabled(user: User) -> bool:
    """Whether signing in takes a second factor: a confirmed authenticator app or a passkey."""
    return has_totp(user) or user.passkeys.exists()


def is_covered(membership: Membership) -> bool:
    """Whether the workspace's policy asks this member for a second factor."""
    return Role(membership.role) in COVERED_ROLES[TwoFactorPolicy(membership.workspace.two_factor_policy)]


def users_with_two_factor(users) -> set[int]:
    """The ids among `users` who have a second factor: one query each kind, for the team page."""
    ids = [user.pk for user in users]
    with_totp = TotpDevice.objects.filter(user_id__in=ids, confirmed_at__isnull=False).values_list("user_id", flat=True)
    with_passkey = User.objects.filter(pk__in=ids, passkeys__isnull=False).values_list("pk", flat=True)
    return set(with_totp) | set(with_passkey)


# --- Authenticator app ----------------------------------------------------------------


def _secret(device: TotpDevice) -> str:
    return decrypt_json(device.secret_encrypted)["secret"]


def pending_setup(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()


def start_totp_setup(user: User) -> TotpDevice:
    """A fresh secret, not yet in use: it counts only once a code from the app confirms it."""
    if has_totp(user):
        raise TwoFactorError("An authenticator app is already set up. Turn it off first to replace it.")
    device, _ = TotpDevice.objects.update_or_create(
        user=user,
        defaults={"secret_encrypted": encrypt_json({"secret": pyotp.random_base32()}), "last_step": 0},
    )
    return device


def cancel_totp_setup(user: User) -> None:
    TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).delete()


def setup_details(device: TotpDevice) -> dict:
    """What the account page shows while setting up: the secret in text, and the same as a QR code (inline SVG)."""
    secret = _secret(device)
    uri = pyotp.TOTP(secret).provisioning_uri(name=device.user.email, issuer_name=ISSUER)
    qr = segno.make(uri, error="m").svg_inline(scale=4, dark="#1f2328", title="QR code for your authenticator app")
    # Groups of four are easier to type into an app by hand; apps ignore the spaces.
    return {"secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)), "qr_svg": qr}


def _matching_step(secret: str, code: str, at: float) -> int | None:
    code = "".join(code.split())
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    now_step = int(at) // STEP_SECONDS
    for step in (now_step - 1, now_step, now_step + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _claim_code(device: TotpDevice, code: str, at: float | None) -> bool:
    step = _matching_step(_secret(device), code, time.time() if at is None else at)
    if step is None:
        return False
    # The conditional update is the claim: the same code sent twice at once is accepted once.
    return bool(TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step))


def confirm_totp(user: User, code: str, *, at: float | None = None) -> list[str]:
    """Turn the app on once a code from it checks out. Returns new recovery codes when the person had none."""
    device = pending_setup(user)
    if device is None:
        raise TwoFactorError("Start setting up the authenticator app again: that setup is no longer open.")
    if not _claim_code(device, code, at):
        raise TwoFactorError("That code doesn't match. Check your phone's clock and type the newest code.")
    with transaction.atomic():
        TotpDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
        record("team.two_factor_enabled", f"{user} turned on an authenticator app", actor=user, method="totp")
        return ensure_recovery_codes(user)


def verify_totp(user: User, code: str, *, at: float | None = None) -> bool:
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    return device is not None and _claim_code(device, code, at)


# --- Recovery codes -------------------------------------------------------------------


def _hash_code(code: str) -> str:
    # Keyed with SECRET_KEY: the codes are random (50 bits), so a fast keyed hash is enough, and a copy of
    # the database alone can't be used to test guesses.
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return hmac.new(settings.SECRET_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread from paper
    raw = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _store_new_codes(user: User) -> list[str]:
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_hash_code(code)) for code in codes])
    return codes


def ensure_recovery_codes(user: User) -> list[str]:
    """New codes when the person has none left unused; [] when they still hold some."""
    if RecoveryCode.objects.filter(user=user, used_at__isnull=True).exists():
        return []
    return _store_new_codes(user)


def regenerate_recovery_codes(user: User) -> list[str]:
    if not is_enabled(user):
        raise TwoFactorError("Turn on two-factor sign-in first.")
    with transaction.atomic():
        codes = _store_new_codes(user)
        record("team.recovery_codes_regenerated", f"{user} made new recovery codes", actor=user)
    return codes


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def use_recovery_code(user: User, code: str) -> bool:
    if not code.strip():
        return False
    with transaction.atomic():
        # Conditional on used_at being empty: a code used twice at once still works only once.
        used = RecoveryCode.objects.filter(user=user, code_hash=_hash_code(code), used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if used:
            left = recovery_codes_left(user)
            record(
                "team.recovery_code_used", f"{user} signed in with a recovery code ({left} left)", actor=user, left=left
            )
    return bool(used)


# --- Off ------------------------------------------------------------------------------


def disable(user: User, password: str) -> None:
    """Remove every second factor (app, passkeys, recovery codes): password-only sign-in again."""
    if not user.check_password(password or ""):
        raise TwoFactorError("That isn't your password.")
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).delete()
        user.passkeys.all().delete()
        RecoveryCode.objects.filter(user=user).delete()
        record("team.two_factor_disabled", f"{user} turned off two-factor sign-in", actor=user)


class TwoFactorError(Exception):
    """A refusal; the message is shown to the person as is."""
