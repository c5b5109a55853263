from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from firsthand.inbox import together
from firsthand.inbox.models import SavedReply
from firsthand.inbox.operations import conversations_for
from firsthand.team import scope
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability
from firsthand.web.params import an_id


@require_POST
@workspace_view(Capability.VIEW)
def presence(request, membership, conversation_id):
    """Called by the open page every few seconds: report in, and hear who else is on this conversation."""
    talk = get_object_or_404(conversations_for(membership), pk=conversation_id)
    writing = bool(request.POST.get("text", "").strip()) and membership.can(Capability.REPLY)
    together.here(talk, request.user, writing=writing)
    return render(request, "inbox/_presence.html", {"others": together.others_here(talk, request.user)})


@require_POST
@workspace_view(Capability.REPLY)
def note(request, membership, conversation_id):
    talk = get_object_or_404(conversations_for(membership).select_related("workspace", "person"), pk=conversation_id)
    try:
        together.add_note(membership, talk, request.POST.get("note", ""))
        messages.success(request, "Note added for the team.")
    except together.TogetherError as problem:
        messages.error(request, str(problem))
    return redirect("inbox:conversation", slug=membership.workspace.slug, conversation_id=talk.pk)


@require_POST
@workspace_view(Capability.REPLY)
def save_reply(request, membership):
    try:
        saved = together.save_reply(membership, request.POST.get("title", ""), request.POST.get("text", ""))
        messages.success(request, f"Saved “{saved.title}” for the whole team.")
    except together.TogetherError as problem:
        messages.error(request, str(problem))
    return back(request, membership)


@require_POST
@workspace_view(Capability.REPLY)
def delete_saved_reply(request, membership, saved_id):
    saved = get_object_or_404(SavedReply, pk=saved_id, workspace=membership.workspace)
    try:
        together.delete_saved_reply(membership, saved)
        messages.success(request, f"Deleted “{saved.title}”.")
    except together.TogetherError as problem:
        messages.error(request, str(problem))
    return back(request, membership)


def back(request, membership):
    conversation_id = an_id(request.POST.get("conversation", ""))
    if conversation_id:
        return redirect("inbox:conversation", slug=membership.workspace.slug, conversation_id=conversation_id)
    return redirect("inbox:inbox", slug=membership.workspace.slug)


@require_POST
@workspace_view(Capability.REPLY)
def tag(request, membership, conversation_id, action):
    talk = get_object_or_404(conversations_for(membership), pk=conversation_id)
    try:
        if action == "add":
            together.add_tag(membership, talk, request.POST.get("tag", ""))
        elif action == "remove":
            together.remove_tag(membership, talk, request.POST.get("tag", ""))
    except together.TogetherError as problem:
        messages.error(request, str(problem))
    return redirect("inbox:conversation", slug=membership.workspace.slug, conversation_id=talk.pk)


@workspace_view(Capability.VIEW)
def person(request, membership, person_id):
    """Everything this person has said to the business, across its accounts on that network."""
    from django.db.models import Count, OuterRef, Subquery

    from firsthand.inbox.models import Interaction, Person

    someone = get_object_or_404(Person, pk=person_id, workspace=membership.workspace)
    latest = Interaction.objects.filter(conversation=OuterRef("pk")).order_by("-created_at", "-pk")
    reachable = scope.within(membership, someone.conversations.all())
    if scope.is_limited(membership) and not reachable.exists():
        raise Http404("No such person.")  # they wrote only to accounts outside this member's access
    conversations = (
        reachable.select_related("account", "post")
        .prefetch_related("tags")
        .annotate(last_text=Subquery(latest.values("text")[:1]), note_count=Count("notes", distinct=True))
        .order_by("-last_inbound_at")
    )
    return render(
        request,
        "inbox/person.html",
        {"active": "inbox", "someone": someone, "conversations": conversations},
    )


@require_POST
@workspace_view(Capability.VIEW)
def save_view(request, membership):
    try:
        saved = together.save_view(membership, request.POST.get("name", ""), request.POST)
        messages.success(request, f"Saved the view “{saved.name}”.")
        return redirect(reverse("inbox:inbox", kwargs={"slug": membership.workspace.slug}) + "?" + saved.query)
    except together.TogetherError as problem:
        messages.error(request, str(problem))
    return redirect("inbox:inbox", slug=membership.workspace.slug)


@require_POST
@workspace_view(Capability.VIEW)
def delete_view(request, membership, view_id):
    from firsthand.inbox.models import SavedView

    saved = get_object_or_404(SavedView, pk=view_id, workspace=membership.workspace)
    if saved.created_by_id != request.user.pk and not membership.can(Capability.APPROVE):
        messages.error(request, "Only who saved it, an owner or a manager can delete a view.")
    else:
        saved.delete()
        messages.success(request, f"Deleted the view “{saved.name}”.")
    return redirect("inbox:inbox", slug=membership.workspace.slug)


@require_POST
@workspace_view(Capability.REPLY)
def like(request, membership, conversation_id, item_id):
    from firsthand.inbox import operations

    item = item_in(membership, conversation_id, item_id)
    try:
        operations.like(membership, item)
        messages.success(request, f"Liked, as {item.conversation.account.handle}.")
    except operations.ReplyError as problem:
        messages.error(request, str(problem))
    return redirect("inbox:conversation", slug=membership.workspace.slug, conversation_id=conversation_id)


@require_POST
@workspace_view(Capability.REPLY)
def hide_item(request, membership, conversation_id, item_id):
    from firsthand.inbox import operations

    item = item_in(membership, conversation_id, item_id)
    try:
        operations.hide_on_network(membership, item)
        messages.success(request, "Hidden on the network. It stays here, marked as hidden.")
    except operations.ReplyError as problem:
        messages.error(request, str(problem))
    return redirect("inbox:conversation", slug=membership.workspace.slug, conversation_id=conversation_id)


def item_in(membership, conversation_id, item_id):
    """A customer's item of a conversation in this workspace, or 404."""
    from firsthand.inbox.models import Interaction

    return get_object_or_404(
        scope.within(
            membership,
            Interaction.objects.select_related(
                "conversation__account", "conversation__workspace", "conversation__person"
            ),
            "conversation__account",
        ),
        pk=item_id,
        conversation_id=conversation_id,
        conversation__workspace=membership.workspace,
    )
