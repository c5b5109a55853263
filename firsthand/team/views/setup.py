from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render

from firsthand.team import operations
from firsthand.team.forms import SetupForm


def first_run(request, token):
    """Create the first owner. Works only through the link `firsthand serve` printed, and only once."""
    if not operations.setup_token_is_valid(token):
        raise Http404("This setup link is not valid: firsthand is already set up, or the link is wrong.")
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = operations.create_first_owner(
                token,
                name=data["name"],
                email=data["email"],
                password=data["password"],
                workspace_name=data["workspace_name"],
                timezone_name=data["timezone"],
            )
        except operations.TeamError as error:
            form.add_error(None, str(error))
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("web:workspace_home", slug=membership.workspace.slug)
    return render(request, "team/setup.html", {"form": form}, status=400 if form.errors else 200)
