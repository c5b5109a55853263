from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from firsthand.audit.log import record
from firsthand.team.forms import AccountForm


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
            record("team.password_changed", f"{user} changed their password", actor=user)
            messages.success(request, "Password changed. Other browsers have been signed out.")
            return redirect("team:account")
    status = 400 if (profile_form.errors or password_form.errors) else 200
    memberships = request.user.memberships.select_related("workspace").order_by("workspace__name")
    return render(
        request,
        "team/account.html",
        {"profile_form": profile_form, "password_form": password_form, "memberships": memberships},
        status=status,
    )


@require_POST
@login_required
def sign_out_everywhere(request):
    request.user.end_all_sessions()
    record("team.signed_out_everywhere", f"{request.user} signed out on every device", actor=request.user)
    messages.info(request, "You are signed out on every device.")
    return redirect("team:login")
