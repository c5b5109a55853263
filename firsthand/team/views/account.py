from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from firsthand.audit.log import record
from firsthand.team import twofactor
from firsthand.team.devices import DEVICE_SESSION_KEY
from firsthand.team.forms import AccountForm
from firsthand.team.views.twofactor import take_fresh_codes


@login_required
def account(request):
    profile_form = AccountForm(instance=request.user, prefix="profile")
    password_form = PasswordChangeForm(request.user, prefix="password")
    # Django focuses the old-password box; on this page the profile comes first.
    password_form.fields["old_password"].widget.attrs.pop("autofocus", None)
    if request.method == "POST" and "profile-name" in request.POST:
        profile_form = AccountForm(request.POST, instance=request.user, prefix="profile", request=request)
        if profile_form.is_valid():
            before = profile_form.email_before
            user = profile_form.save()
            if user.email != before.lower():
                record("team.email_changed", f"{user} changed their email", actor=user, old=before, new=user.email)
            messages.success(request, "Your profile is saved.")
            return redirect("team:account")
    elif request.method == "POST":
        password_form = PasswordChangeForm(request.user, request.POST, prefix="password")
        if password_form.is_valid():
            user = password_form.save()
            # Other browsers are signed out by the new hash; this one stays in.
            update_session_auth_hash(request, user)
            user.devices.exclude(pk=request.session.get(DEVICE_SESSION_KEY)).delete()
            record("team.password_changed", f"{user} changed their password", actor=user)
            messages.success(request, "Password changed. Other browsers have been signed out.")
            return redirect("team:account")
    status = 400 if (profile_form.errors or password_form.errors) else 200
    memberships = request.user.memberships.select_related("workspace").order_by("workspace__name")
    return render(
        request,
        "team/account.html",
        {
            "profile_form": profile_form,
            "password_form": password_form,
            "memberships": memberships,
            "devices": request.user.devices.all(),
            "this_device": request.session.get(DEVICE_SESSION_KEY),
            **two_factor_context(request),
        },
        status=status,
    )


def two_factor_context(request) -> dict:
    user = request.user
    setup = twofactor.pending_setup(user)
    return {
        "two_factor_on": twofactor.is_enabled(user),
        "has_totp": twofactor.has_totp(user),
        "totp_setup": twofactor.setup_details(setup) if setup else None,
        "passkeys": user.passkeys.all(),
        "recovery_codes_left": twofactor.recovery_codes_left(user),
        # Shown on this one page view only: they are stored hashed, so they can't be shown again.
        "fresh_codes": take_fresh_codes(request),
        "required_by": [m.workspace for m in user.memberships.select_related("workspace") if twofactor.is_covered(m)],
    }


@require_POST
@login_required
def sign_out_everywhere(request):
    request.user.end_all_sessions()
    record("team.signed_out_everywhere", f"{request.user} signed out on every device", actor=request.user)
    messages.info(request, "You are signed out on every device.")
    return redirect("team:login")


@require_POST
@login_required
def end_device(request, device_id):
    # Only one's own: another person's device id is a 404.
    device = get_object_or_404(request.user.devices, pk=device_id)
    device.delete()
    record("team.device_signed_out", f"{request.user} signed out {device}", actor=request.user)
    if device.pk == request.session.get(DEVICE_SESSION_KEY):
        return redirect("team:login")
    messages.info(request, f"{device} is signed out.")
    return redirect("team:account")
