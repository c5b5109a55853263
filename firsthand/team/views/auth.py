import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from firsthand.team import throttle, twofactor
from firsthand.team.forms import SignInForm
from firsthand.team.models import User
from firsthand.web.links import local_path

# Between a right password and the second factor the person is not signed in: the session holds only who
# they said they are, for a few minutes.
PENDING_SESSION_KEY = "firsthand.two_factor_pending"
PENDING_SECONDS = 5 * 60


def safe_next(request, fallback="web:home"):
    return local_path(request, request.POST.get("next") or request.GET.get("next") or "") or fallback


def sign_in(request):
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.is_enabled(form.user):
            request.session[PENDING_SESSION_KEY] = {
                "user": form.user.pk,
                "until": time.time() + PENDING_SECONDS,
                "next": safe_next(request, ""),
            }
            return redirect("team:two_factor")
        complete_sign_in(request, form.user)
        return redirect(safe_next(request))
    status = 400 if request.method == "POST" else 200
    first_run = not User.objects.exists()
    return render(
        request,
        "team/sign_in.html",
        {"form": form, "next": safe_next(request, ""), "first_run": first_run},
        status=status,
    )


def pending_user(request) -> User | None:
    """The person between password and second factor, while the marker is fresh."""
    pending = request.session.get(PENDING_SESSION_KEY)
    if not pending or pending.get("until", 0) < time.time():
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    return User.objects.filter(pk=pending.get("user"), is_active=True).first()


def pending_next(request) -> str:
    return (request.session.get(PENDING_SESSION_KEY) or {}).get("next") or ""


def complete_sign_in(request, user) -> None:
    """Sign the person in for real: every factor checked. The device is recorded on their next request."""
    throttle.forget_failures(user.email, throttle.client_address(request))
    request.session.pop(PENDING_SESSION_KEY, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")


@require_POST
def sign_out(request):
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("team:login")


class PasswordReset(auth_views.PasswordResetView):
    template_name = "team/password_reset.html"
    email_template_name = "team/email/password_reset.txt"
    subject_template_name = "team/email/password_reset_subject.txt"
    success_url = reverse_lazy("team:password_reset_done")

    def get_context_data(self, **kwargs):
        return super().get_context_data(email_configured=settings.EMAIL_CONFIGURED, **kwargs)

    def form_valid(self, form):
        # Reset links point at the public address when one is configured.
        if settings.BASE_URL:
            self.extra_email_context = {"base_url": settings.BASE_URL}
        return super().form_valid(form)


class PasswordResetDone(auth_views.PasswordResetDoneView):
    template_name = "team/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(email_configured=settings.EMAIL_CONFIGURED, **kwargs)


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "team/password_reset_confirm.html"
    success_url = reverse_lazy("team:password_reset_complete")
    post_reset_login = False


class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "team/password_reset_complete.html"
