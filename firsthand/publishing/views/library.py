"""The media library page, and the composer's picker that reuses an image with its description."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from firsthand.publishing import library
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability
from firsthand.web.params import page_number


def found_or_404(membership, media_id):
    return get_object_or_404(library.visible(membership), pk=media_id)


@workspace_view(Capability.VIEW)
def library_page(request, membership):
    query, use = request.GET.get("q", "")[:200], request.GET.get("use", "")
    number = page_number(request.GET)
    items = list(library.search(membership, query, use)[(number - 1) * library.PAGE : number * library.PAGE + 1])
    more = len(items) > library.PAGE
    items = library.with_use_counts(items[: library.PAGE])
    for item in items:
        item.removable = membership.can(Capability.DRAFT) and (
            item.uploaded_by_id == request.user.pk or membership.can(Capability.APPROVE)
        )
    asking = None
    ask_id = request.GET.get("remove")
    if ask_id and ask_id.isdigit() and len(ask_id) < 12:
        item = library.visible(membership).filter(pk=int(ask_id)).first()
        if item is not None:
            asking = (item, library.uses_of(item))
    context = {
        "active": "compose",
        "items": items,
        "query": query,
        "use": use,
        "page": number,
        "more": more,
        "asking": asking,
        "can_draft": membership.can(Capability.DRAFT),
    }
    return render(request, "publishing/library.html", context)


@require_POST
@workspace_view(Capability.DRAFT)
def describe(request, membership, media_id):
    item = found_or_404(membership, media_id)
    try:
        library.describe(membership, item, request.POST.get("alt_text", ""))
        messages.success(request, f"Saved the description of {item.original_name or 'the image'}.")
    except library.LibraryError as problem:
        messages.error(request, str(problem))
    return redirect(reverse("publishing:library", kwargs={"slug": membership.workspace.slug}) + f"#media-{item.pk}")


@require_POST
@workspace_view(Capability.DRAFT)
def remove(request, membership, media_id):
    item = found_or_404(membership, media_id)
    back = reverse("publishing:library", kwargs={"slug": membership.workspace.slug})
    try:
        left = library.remove(membership, item, confirmed=request.POST.get("confirmed") == "yes")
    except library.LibraryError as problem:
        raise PermissionDenied(str(problem)) from None
    if left.waiting:  # used by posts not yet out: ask first, on the library page
        return redirect(f"{back}?remove={item.pk}#remove-{item.pk}")
    messages.success(request, f"Removed {item.original_name or 'the image'} from the library.")
    return redirect(back)


@workspace_view(Capability.DRAFT)
def pick(request, membership, media_id):
    """htmx: the composer's row for a library image, with the library's description filled in."""
    item = found_or_404(membership, media_id)
    return render(request, "publishing/_media_item.html", {"item": item, "alt": item.alt_text})
