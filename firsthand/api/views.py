from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from firsthand.api import operations
from firsthand.api.forms import TokenForm
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability


@workspace_view(Capability.SETTINGS)
def tokens(request, membership):
    """Settings → API tokens: make one (its secret shown this once), see each one's last use, revoke."""
    workspace = membership.workspace
    form = TokenForm(request.POST or None, workspace=workspace, giver=membership)
    made = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = operations.create(
                membership,
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                accounts=form.cleaned_data["accounts"],
            )
        except operations.TokenError as refusal:
            form.add_error(None, str(refusal))
        else:
            # Rendered, not redirected: the secret lives in this one answer and nowhere else.
            made = {"token": token, "secret": secret}
            form = TokenForm(workspace=workspace, giver=membership)
    response = render(
        request,
        "api/tokens.html",
        {
            "active": "settings",
            "form": form,
            "made": made,
            "tokens": operations.tokens_for(workspace).prefetch_related("limited_to_accounts"),
        },
    )
    if made:
        response["Cache-Control"] = "no-store"
    return response


@require_POST
@workspace_view(Capability.SETTINGS)
def revoke(request, membership, token_id):
    token = get_object_or_404(operations.tokens_for(membership.workspace), pk=token_id)
    try:
        operations.revoke(membership, token)
        messages.success(request, f"Revoked “{token.name}”. Programs using it are refused from now on.")
    except operations.TokenError as refusal:
        messages.error(request, str(refusal))
    return redirect("api:tokens", slug=membership.workspace.slug)


def docs(request):
    """The API's reference for people, rendered here from the OpenAPI description: nothing from a CDN."""
    from firsthand.api.reference import endpoints

    return render(request, "api/docs.html", {"endpoints": endpoints()})
