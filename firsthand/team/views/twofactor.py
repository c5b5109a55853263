"""Pages and endpoints of two-factor sign-in: the second step of signing in, and the account page's controls.

The passkey endpoints speak JSON to web/static/web/passkeys.js, which calls navigator.credentials.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from firsthand.team import passkeys, throttle, twofactor
from firsthand.team.views.auth import complete_sign_in, pending_next, pending_user, safe_next

# Fresh recovery codes wait here from the action that made them to the account page that shows them once.
FRESH_CODES_SESSION_KEY = "firsthand.fresh_recovery_codes"


def _account():
    return redirect(reverse("team:account") + "#two-factor")


def _show_codes_once(request, codes):
    if codes:
        request.session[FRESH_CODES_SESSION_KEY] = codes


def take_fresh_codes(request) -> list[str]:
    return request.session.pop(FRESH_CODES_SESSION_KEY, [])


def _json_body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


# --- Signing in: the second step -------------------------------------------------------


def _too_many_tries(email: str, address: str) -> str:
    wait = throttle.seconds_locked(email, address)
    if not wait:
        return ""
    return f"Too many wrong codes. Try again in {max(1, round(wait / 60))} minutes."


def sign_in_second_step(request):
    user = pending_user(request)
    if user is None:
        messages.info(request, "Sign-in took too long or wasn't started. Enter your email and password again.")
        return redirect("team:login")
    error, method = "", request.POST.get("method", "totp")
    if request.method == "POST":
        address = throttle.client_address(request)
        code = request.POST.get("code", "")[:64]
        error = _too_many_tries(user.email, address)
        if not error:
            if method == "recovery":
                passed = twofactor.use_recovery_code(user, code)
            else:
                passed = twofactor.verify_totp(user, code)
            if passed:
                target = pending_next(request)
                complete_sign_in(request, user)
                if method == "recovery":
                    left = twofactor.recovery_codes_left(user)
                    messages.warning(
                        request, f"You signed in with a recovery code; {left} left. Make new ones on your account page."
                    )
                return redirect(target or "web:home")
            throttle.note_failure(user.email, address)
            error = _too_many_tries(user.email, address) or (
                "That recovery code isn't valid or was already used."
                if method == "recovery"
                else "That code doesn't match. Type the newest code from your authenticator app."
            )
    return render(
        request,
        "team/two_factor_sign_in.html",
        {
            "pending": user,
            "has_totp": twofactor.has_totp(user),
            "has_passkeys": user.passkeys.exists(),
            "error": error,
            "method": method,
        },
        status=400 if error else 200,
    )


@require_POST
def passkey_sign_in_options(request):
    """Challenge for a passkey: the pending person's own, or any discoverable passkey from the sign-in page."""
    user = pending_user(request)
    return JsonResponse(json.loads(passkeys.authentication_options(request, user)))


@require_POST
def passkey_sign_in(request):
    user = pending_user(request)
    address = throttle.client_address(request)
    email = user.email if user else ""
    refusal = _too_many_tries(email, address)
    if refusal:
        return JsonResponse({"error": refusal}, status=429)
    try:
        signed_in = passkeys.authenticate(request, _json_body(request).get("credential") or {}, user)
    except twofactor.TwoFactorError as error:
        throttle.note_failure(email, address)
        return JsonResponse({"error": str(error)}, status=400)
    target = pending_next(request) if user else safe_next(request, "")
    complete_sign_in(request, signed_in)
    return JsonResponse({"redirect": target or reverse("web:home")})


# --- The account page's controls -------------------------------------------------------


@require_POST
@login_required
def start_app(request):
    try:
        twofactor.start_totp_setup(request.user)
    except twofactor.TwoFactorError as error:
        messages.error(request, str(error))
    return _account()


@require_POST
@login_required
def cancel_app(request):
    twofactor.cancel_totp_setup(request.user)
    return _account()


@require_POST
@login_required
def confirm_app(request):
    try:
        codes = twofactor.confirm_totp(request.user, request.POST.get("code", "")[:64])
    except twofactor.TwoFactorError as error:
        messages.error(request, str(error))
        return _account()
    _show_codes_once(request, codes)
    messages.success(request, "Your authenticator app is on. Signing in now asks for a code from it.")
    return _account()


@require_POST
@login_required
def regenerate_codes(request):
    try:
        _show_codes_once(request, twofactor.regenerate_recovery_codes(request.user))
    except twofactor.TwoFactorError as error:
        messages.error(request, str(error))
        return _account()
    messages.success(request, "New recovery codes made; the old ones no longer work.")
    return _account()


@require_POST
@login_required
def turn_off(request):
    user, address = request.user, throttle.client_address(request)
    # The password guards this like a change of email: a borrowed signed-in browser is not enough.
    if throttle.seconds_locked(user.email, address):
        messages.error(request, "Too many wrong passwords. Try again later.")
        return _account()
    try:
        twofactor.disable(user, request.POST.get("password", ""))
    except twofactor.TwoFactorError as error:
        throttle.note_failure(user.email, address)
        messages.error(request, str(error))
        return _account()
    messages.success(request, "Two-factor sign-in is off. Your password alone signs you in now.")
    return _account()


@require_POST
@login_required
def passkey_options(request):
    return JsonResponse(json.loads(passkeys.registration_options(request, request.user)))


@require_POST
@login_required
def passkey_add(request):
    body = _json_body(request)
    try:
        name, credential = str(body.get("name", "")), body.get("credential") or {}
        passkey, codes = passkeys.register(request, request.user, name, credential)
    except twofactor.TwoFactorError as error:
        return JsonResponse({"error": str(error)}, status=400)
    _show_codes_once(request, codes)
    messages.success(request, f"Passkey “{passkey.name}” added.")
    return JsonResponse({"redirect": reverse("team:account") + "#two-factor"})


@require_POST
@login_required
def passkey_remove(request, passkey_id):
    try:
        passkey = passkeys.remove(request.user, passkey_id)
    except twofactor.TwoFactorError as error:
        messages.error(request, str(error))
        return _account()
    messages.success(request, f"Passkey “{passkey.name}” removed.")
    return _account()
