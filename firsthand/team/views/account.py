from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from firsthand.audit.log import record
from firsthand.team import email_change, operations, twofactor
from firsthand.team.devices import DEVICE_SESSION_KEY
from firsthand.team.forms import AccountForm
from firsthand.team.models import EmailChange
from firsthand.team.views.twofactor import take_fresh_codes
from firsthand.web.links import base_url_for


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
            new_email = profile_form.cleaned_data["email"]
            user = profile_form.save(commit=False)
            user.email = before  # the new address waits for its link (email_change.request_email_change)
            user.save(update_fields=["name", "personal_handles"])
            if new_email == before.lower():
                messages.success(request, "Your profile is saved.")
                return redirect("team:account")
            try:
                change = email_change.request_email_change(user, new_email, base_url=base_url_for(request))
            except operations.TeamError as error:
                profile_form.add_error("email", str(error))
            else:
                messages.success(
                    request,
                    f"Profile saved. To finish changing your email, open the link we sent to {change.new_email}.",
                )
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
            "email_change": EmailChange.objects.filter(user=request.user).first(),
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


@login_required
def confirm_email(request, token):
    """The link sent to a new address: opened by the person who asked (signed in, or after signing in)."""
    try:
        email = email_change.confirm_email_change(request.user, token)
    except email_change.EmailChangeRefused as error:
        return render(request, "team/email_change_invalid.html", {"reason": str(error)}, status=error.status)
    messages.success(request, f"Your email is now {email}.")
    return redirect("team:account")


@require_POST
@login_required
def resend_email_change(request):
    try:
        change = email_change.resend_email_change(request.user, base_url=base_url_for(request))
    except operations.TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"A new link is on its way to {change.new_email}. Earlier links no longer work.")
    return redirect("team:account")


@require_POST
@login_required
def cancel_email_change(request):
    email_change.cancel_email_change(request.user)
    messages.info(request, "The email change is cancelled. Links already sent no longer work.")
    return redirect("team:account")
