from django.contrib import messages
from django.shortcuts import redirect, render

from firsthand.audit.log import record
from firsthand.publishing.forms import LinkSettingsForm
from firsthand.publishing.links import tag_url, utm_params
from firsthand.publishing.models import LinkSettings
from firsthand.publishing.shortlinks import codes
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability


@workspace_view(Capability.SETTINGS)
def link_settings(request, membership):
    workspace = membership.workspace
    current = LinkSettings.for_workspace(workspace) or LinkSettings(workspace=workspace)
    form = LinkSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        form.save()
        record(
            "publishing.link_settings_changed",
            f"{request.user} changed how links are tagged"
            + (" (short links on)" if form.cleaned_data["short_links"] else " (short links off)"),
            actor=request.user,
            workspace=workspace,
        )
        messages.success(request, "Saved. Links in posts from now on follow these settings.")
        return redirect("publishing:link_settings", slug=workspace.slug)

    class Example:
        network, handle = "bluesky", "@yourshop"

    example = tag_url("https://shop.example/menu", utm_params(current, Example, "")) if current.utm_enabled else ""
    return render(
        request,
        "publishing/link_settings.html",
        {
            "active": "settings",
            "form": form,
            "example": example,
            "short_available": codes.available(),
            "short_example": codes.url_for("k7m3q9td") if codes.available() else "",
        },
        status=400 if form.errors else 200,
    )
