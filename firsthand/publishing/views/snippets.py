"""The snippets page: the team's saved blocks of text and hashtag groups, each with its fit per network."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from firsthand.publishing import snippets
from firsthand.publishing.models import Snippet
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability


@workspace_view(Capability.VIEW)
def snippet_list(request, membership):
    return page(request, membership)


def page(request, membership, status=200, error="", failed=None, sent=None):
    listed = snippets.for_composer(membership)
    for snippet, _ in listed:
        snippet.changeable = membership.can(Capability.DRAFT) and snippets.may_change(membership, snippet)
    context = {
        "active": "compose",
        "listed": listed,
        "can_draft": membership.can(Capability.DRAFT),
        "kinds": Snippet.Kind.choices,
        "error": error,
        "failed": failed,  # the snippet whose change failed (None: the new one), to show the error beside it
        "sent": sent or {},
    }
    return render(request, "publishing/snippets.html", context, status=status)


def sent_fields(request) -> dict:
    return {key: request.POST.get(key, "")[: snippets.MAX_TEXT + 1] for key in ("kind", "name", "text")}


@require_POST
@workspace_view(Capability.DRAFT)
def snippet_save(request, membership, snippet_id=None):
    snippet = None
    if snippet_id is not None:
        snippet = get_object_or_404(Snippet, pk=snippet_id, workspace=membership.workspace)
        if not snippets.may_change(membership, snippet):
            raise PermissionDenied("Only its author, an owner or a manager can change this snippet.")
    fields = sent_fields(request)
    try:
        saved = snippets.save_snippet(membership, snippet=snippet, **fields)
    except snippets.SnippetError as problem:
        return page(request, membership, status=400, error=str(problem), failed=snippet_id, sent=fields)
    messages.success(request, f"Saved “{saved.name}”. It is in the composer's Insert menu for the whole team.")
    return redirect("publishing:snippets", slug=membership.workspace.slug)


@require_POST
@workspace_view(Capability.DRAFT)
def snippet_delete(request, membership, snippet_id):
    snippet = get_object_or_404(Snippet, pk=snippet_id, workspace=membership.workspace)
    try:
        snippets.delete_snippet(membership, snippet)
        messages.success(request, f"Deleted “{snippet.name}”.")
    except snippets.SnippetError as problem:
        messages.error(request, str(problem))
    return redirect("publishing:snippets", slug=membership.workspace.slug)
