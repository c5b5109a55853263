"""Authenticator apps and recovery codes: turning them on, signing in with them, and what they never leak."""

import logging
import time

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from firsthand.audit.models import AuditEvent
from firsthand.conftest import PASSWORD
from firsthand.team import twofactor
from firsthand.team.models import Device, LoginFailure, RecoveryCode, TotpDevice
from firsthand.team.views.auth import PENDING_SESSION_KEY

pytestmark = pytest.mark.django_db


def secret_of(user) -> str:
    return twofactor._secret(TotpDevice.objects.get(user=user))


def enable_totp(user) -> tuple[str, list[str]]:
    """Turn the app on with the previous step's code, so the current one is still fresh for signing in."""
    twofactor.start_totp_setup(user)
    secret = secret_of(user)
    earlier = time.time() - 30
    codes = twofactor.confirm_totp(user, pyotp.TOTP(secret).at(earlier), at=earlier)
    return secret, codes


def password_step(client, email="manager@corner.example", **extra):
    return client.post(reverse("team:login"), {"email": email, "password": PASSWORD}, **extra)


def second_step(client, code, method="totp", **extra):
    return client.post(reverse("team:two_factor"), {"method": method, "code": code}, **extra)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Turning the app on -----------------------------------------------------------------


def test_the_app_is_on_only_after_a_valid_confirmation_code(team, client_for):
    client = client_for(team.manager)
    client.post(reverse("team:two_factor_app_start"))
    page = client.get(reverse("team:account")).content.decode()
    assert "<svg" in page and "Type the 6-digit code" in page
    assert not twofactor.is_enabled(team.manager)

    client.post(reverse("team:two_factor_app_confirm"), {"code": "000000"}, follow=True)
    assert not twofactor.is_enabled(team.manager)

    code = pyotp.TOTP(secret_of(team.manager)).now()
    page = client.post(reverse("team:two_factor_app_confirm"), {"code": code}, follow=True).content.decode()
    assert twofactor.is_enabled(team.manager)
    assert "Your recovery codes" in page
    assert RecoveryCode.objects.filter(user=team.manager).count() == 10
    # Shown once: the next view of the page no longer has them.
    assert "Your recovery codes" not in client.get(reverse("team:account")).content.decode()


def test_the_secret_is_encrypted_and_the_recovery_codes_hashed_at_rest(team):
    secret, codes = enable_totp(team.staff)
    device = TotpDevice.objects.get(user=team.staff)
    assert secret not in device.secret_encrypted
    stored = set(RecoveryCode.objects.filter(user=team.staff).values_list("code_hash", flat=True))
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)


# --- Signing in -------------------------------------------------------------------------------


def test_password_alone_does_not_sign_in_when_two_factor_is_on(team, client):
    enable_totp(team.manager)
    response = password_step(client)
    assert response.status_code == 302 and response["Location"] == reverse("team:two_factor")
    assert not is_signed_in(client)
    # The pending person can't reach a workspace page either.
    home = client.get(reverse("web:workspace_home", kwargs={"slug": team.workspace.slug}))
    assert home.status_code == 302 and "/signin/" in home["Location"]


def test_the_right_code_completes_sign_in_and_only_then_records_the_device(team, client):
    secret, _ = enable_totp(team.manager)
    password_step(client, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
    assert not Device.objects.filter(user=team.manager).exists()
    response = second_step(client, pyotp.TOTP(secret).now())
    assert response.status_code == 302
    assert is_signed_in(client)
    client.get(reverse("team:account"), HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0")
    assert Device.objects.filter(user=team.manager).count() == 1


def test_the_same_code_is_refused_the_second_time(team):
    secret, _ = enable_totp(team.manager)
    code = pyotp.TOTP(secret).now()
    assert twofactor.verify_totp(team.manager, code)
    assert not twofactor.verify_totp(team.manager, code)


def test_a_code_one_step_early_or_late_is_accepted_two_steps_is_not(team):
    secret, _ = enable_totp(team.manager)
    totp = pyotp.TOTP(secret)
    now = time.time() + 3600  # later steps than the one used to turn it on
    assert not twofactor.verify_totp(team.manager, totp.at(now - 60), at=now)
    assert twofactor.verify_totp(team.manager, totp.at(now + 30), at=now)


def test_a_recovery_code_signs_in_once_only(team, client):
    _, codes = enable_totp(team.manager)
    password_step(client)
    response = second_step(client, codes[0].upper().replace("-", " "), method="recovery")
    assert response.status_code == 302 and is_signed_in(client)
    assert AuditEvent.objects.filter(action="team.recovery_code_used", actor=team.manager).exists()

    again = Client()
    password_step(again)
    response = second_step(again, codes[0], method="recovery")
    assert response.status_code == 400 and not is_signed_in(again)
    assert "already used" in response.content.decode()


def test_a_wrong_code_is_refused_and_counted_by_the_throttle(team, client, settings):
    settings.LOGIN_FAILURES_PER_EMAIL = 3
    secret, _ = enable_totp(team.manager)
    password_step(client)
    response = second_step(client, "123456")
    assert response.status_code == 400 and not is_signed_in(client)
    assert LoginFailure.objects.filter(email="manager@corner.example").count() == 1
    # A right password again does not wipe the count: otherwise each password entry would buy more guesses.
    password_step(client)
    second_step(client, "654321")
    second_step(client, "111111", method="recovery")
    assert LoginFailure.objects.filter(email="manager@corner.example").count() == 3
    response = second_step(client, pyotp.TOTP(secret).now())
    assert response.status_code == 400 and "Too many" in response.content.decode()
    assert not is_signed_in(client)


def test_the_pending_marker_expires(team, client):
    secret, _ = enable_totp(team.manager)
    password_step(client)
    session = client.session
    session[PENDING_SESSION_KEY]["until"] = time.time() - 1
    session.save()
    response = second_step(client, pyotp.TOTP(secret).now())
    assert response.status_code == 302 and response["Location"] == reverse("team:login")
    assert not is_signed_in(client)


def test_the_second_step_without_a_password_first_goes_back_to_sign_in(team, client):
    response = second_step(client, "123456")
    assert response.status_code == 302 and response["Location"] == reverse("team:login")


def test_sign_in_keeps_the_next_page_through_the_second_step(team, client):
    secret, _ = enable_totp(team.manager)
    target = reverse("team:account")
    client.post(reverse("team:login") + f"?next={target}", {"email": "manager@corner.example", "password": PASSWORD})
    assert second_step(client, pyotp.TOTP(secret).now())["Location"] == target


# --- Recovery codes, turning off ----------------------------------------------------------------


def test_new_recovery_codes_replace_the_old_ones(team, client_for):
    _, old = enable_totp(team.manager)
    client = client_for(team.manager)
    page = client.post(reverse("team:two_factor_recovery_codes"), follow=True).content.decode()
    assert "Your recovery codes" in page
    assert not twofactor.use_recovery_code(team.manager, old[0])
    assert AuditEvent.objects.filter(action="team.recovery_codes_regenerated").exists()


def test_turning_off_asks_for_the_password(team, client_for):
    enable_totp(team.manager)
    client = client_for(team.manager)
    client.post(reverse("team:two_factor_off"), {"password": "not it"})
    assert twofactor.is_enabled(team.manager)
    assert LoginFailure.objects.filter(email="manager@corner.example").count() == 1
    client.post(reverse("team:two_factor_off"), {"password": PASSWORD})
    assert not twofactor.is_enabled(team.manager)
    assert not RecoveryCode.objects.filter(user=team.manager).exists()
    assert AuditEvent.objects.filter(action="team.two_factor_disabled", actor=team.manager).exists()


def test_no_secret_or_code_reaches_the_log_or_the_audit_entries(team, client, caplog):
    caplog.set_level(logging.DEBUG)
    secret, codes = enable_totp(team.manager)
    password_step(client)
    second_step(client, "000000")
    second_step(client, codes[1], method="recovery")
    client.post(reverse("team:two_factor_recovery_codes"))
    fresh = client.session.get("firsthand.fresh_recovery_codes")
    text = caplog.text + " ".join(f"{e.summary} {e.data}" for e in AuditEvent.objects.all())
    assert AuditEvent.objects.filter(action="team.two_factor_enabled").exists()
    for value in [secret, *codes, *fresh]:
        assert value not in text


def test_the_server_administrator_can_reset_a_locked_out_persons_second_factors(team):
    from django.core.management import CommandError, call_command

    enable_totp(team.manager)
    call_command("reset_two_factor", "Manager@corner.example")
    assert not twofactor.is_enabled(team.manager)
    assert AuditEvent.objects.filter(action="team.two_factor_reset", data__target="manager@corner.example").exists()
    with pytest.raises(CommandError):
        call_command("reset_two_factor", "nobody@corner.example")


def test_rotating_the_encryption_key_re_encrypts_authenticator_secrets(team, settings):
    from django.core.management import call_command

    secret, _ = enable_totp(team.manager)
    old_key = settings.FIRSTHAND_ENCRYPTION_KEYS[0]
    settings.FIRSTHAND_ENCRYPTION_KEYS = ["a brand new key for this installation", old_key]
    call_command("rotate_encryption_key")
    settings.FIRSTHAND_ENCRYPTION_KEYS = ["a brand new key for this installation"]  # the old key is dropped
    assert secret_of(team.manager) == secret
