from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render

from firsthand.team import operations
from firsthand.team.forms import InviteSignUpForm
from firsthand.team.operations import wrong_person


def accept(request, token):
    """The page an invite link opens: join as the signed-in person, or create an account."""
    invite, reason = operations.find_pending_invite(token)
    if invite is None:
        return render(request, "team/invite_invalid.html", {"reason": reason}, status=404)

    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                membership = operations.accept_invite(token, request.user)
            except operations.TeamError as error:
                messages.error(request, str(error))
                return redirect("web:home")
            messages.success(request, f"Welcome to {membership.workspace}.")
            return redirect("web:workspace_home", slug=membership.workspace.slug)
        return render(
            request,
            "team/invite_accept.html",
            {"invite": invite, "wrong_person": "" if invite.is_for(request.user.email) else wrong_person(invite)},
        )

    form = InviteSignUpForm(request.POST or None, initial={"email": invite.email})
    if invite.email:  # only this address can accept it: shown, not asked
        form.fields["email"].widget.attrs["readonly"] = True
    if request.method == "POST" and form.is_valid():
        try:
            membership = operations.sign_up_with_invite(token, **form.cleaned_data)
        except operations.TeamError as error:
            form.add_error(None, str(error))
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {membership.workspace}.")
            return redirect("web:workspace_home", slug=membership.workspace.slug)
    return render(
        request, "team/invite_sign_up.html", {"invite": invite, "form": form}, status=400 if form.errors else 200
    )
