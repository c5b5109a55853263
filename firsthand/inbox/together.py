"""Working a conversation together: who else is on it, notes to each other, answers written once and reused."""

from datetime import timedelta

import regex
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.inbox.models import Interaction, Note, PendingAnswer, Presence, SavedReply, SavedView, Tag
from firsthand.notices.send import notify
from firsthand.team import scope

PRESENT_SECONDS = 15  # the page reports in every 5 s; three missed reports and the person has left
MENTION = regex.compile(r"(?<![\w@])@([\p{L}\p{N}._-]+)")


class TogetherError(Exception):
    pass


# --- who else is here ---------------------------------------------------------------------


def here(conversation, user, *, writing: bool) -> None:
    Presence.objects.update_or_create(
        conversation=conversation, user=user, defaults={"writing": writing, "seen_at": timezone.now()}
    )


def others_here(conversation, user):
    since = timezone.now() - timedelta(seconds=PRESENT_SECONDS)
    return (
        Presence.objects.filter(conversation=conversation, seen_at__gte=since)
        .exclude(user=user)
        .select_related("user")
        .order_by("-writing", "user__name")
    )


def seen_marks(conversation) -> dict:
    """What a page shows as answered when it is opened: the newest answer and the newest answer awaiting approval."""
    answers = conversation.items.filter(direction=Interaction.Direction.OUT).order_by("-pk")
    pending = conversation.pending_answers.order_by("-pk")
    return {
        "seen_answer": answers.values_list("pk", flat=True).first() or 0,
        "seen_pending": pending.values_list("pk", flat=True).first() or 0,
    }


def answered_since(conversation, seen_answer: int, seen_pending: int, user) -> list[tuple]:
    """(who, text, when) for each answer someone else sent, or asked approval for, after the page was opened."""
    sent = conversation.items.filter(direction=Interaction.Direction.OUT, pk__gt=seen_answer).exclude(author=user)
    waiting = conversation.pending_answers.filter(state=PendingAnswer.State.WAITING, pk__gt=seen_pending).exclude(
        author=user
    )
    found = [(item.author, item.text, item.created_at) for item in sent.select_related("author")]
    found += [(pending.author, pending.text, pending.created_at) for pending in waiting.select_related("author")]
    return sorted(found, key=lambda answer: answer[2])


# --- notes ----------------------------------------------------------------------------------


def mentioned(workspace, text: str):
    """The memberships of those named with @ in a note: by first name, full name without spaces, or email name."""
    names = {name.lower() for name in MENTION.findall(text)}
    if not names:
        return []
    found = []
    for membership in workspace.memberships.select_related("user"):
        user = membership.user
        keys = {user.email.split("@")[0].lower(), user.name.replace(" ", "").lower()}
        if user.name.split():
            keys.add(user.name.split()[0].lower())
        if keys & names:
            found.append(membership)
    return found


def add_note(membership, conversation, text: str) -> Note:
    text = text.strip()
    if not text:
        raise TogetherError("Write the note first.")
    if len(text) > 5000:
        raise TogetherError("Keep a note under 5,000 characters.")
    scope.require(membership, conversation.account_id)
    with transaction.atomic():
        note = Note.objects.create(conversation=conversation, author=membership.user, text=text)
        # Told only if they can open it: someone limited to other accounts would follow the link to a 404.
        people = [
            member.user
            for member in mentioned(conversation.workspace, text)
            if member.user != membership.user and scope.may_use(member, conversation.account_id)
        ]
        url = reverse(
            "inbox:conversation", kwargs={"slug": conversation.workspace.slug, "conversation_id": conversation.pk}
        )
        notify(
            conversation.workspace,
            people,
            f"{membership.user} mentioned you about {conversation.person}: “{text[:80]}”",
            url,
        )
    return note


# --- saved replies --------------------------------------------------------------------------


def save_reply(membership, title: str, text: str) -> SavedReply:
    title, text = title.strip(), text.strip()
    if not title or not text:
        raise TogetherError("A saved reply needs a title and a text.")
    if len(title) > 100:
        raise TogetherError("Keep the title under 100 characters.")
    try:
        with transaction.atomic():
            saved = SavedReply.objects.create(
                workspace=membership.workspace, title=title, text=text, created_by=membership.user
            )
    except IntegrityError:
        raise TogetherError(f"There is already a saved reply called “{title}”.") from None
    record(
        "inbox.saved_reply_added",
        f"{membership.user} saved a reply “{title}”",
        actor=membership.user,
        workspace=membership.workspace,
    )
    return saved


def delete_saved_reply(membership, saved: SavedReply) -> None:
    from firsthand.team.permissions import Capability

    if saved.created_by_id != membership.user.pk and not membership.can(Capability.APPROVE):
        raise TogetherError("Only its author, an owner or a manager can delete a saved reply.")
    saved.delete()
    record(
        "inbox.saved_reply_deleted",
        f"{membership.user} deleted the saved reply “{saved.title}”",
        actor=membership.user,
        workspace=membership.workspace,
    )


# --- tags -----------------------------------------------------------------------------------

TAG = regex.compile(r"^[\p{L}\p{N}][\p{L}\p{N} _-]{0,39}$")


def add_tag(membership, conversation, name: str) -> None:
    scope.require(membership, conversation.account_id)
    name = " ".join(name.split()).lower()
    if not TAG.match(name):
        raise TogetherError("A tag is one to forty letters, digits, spaces or dashes.")
    Tag.objects.get_or_create(
        conversation=conversation,
        name=name,
        defaults={"added_by": membership.user, "workspace_id": conversation.workspace_id},
    )


def remove_tag(membership, conversation, name: str) -> None:
    scope.require(membership, conversation.account_id)
    conversation.tags.filter(name=name).delete()


def workspace_tags(membership) -> list[str]:
    """The tags this member has seen: a member limited to some accounts learns none from the others'."""
    from firsthand.team import scope

    tags = scope.within(membership, Tag.objects.filter(workspace=membership.workspace), "conversation__account")
    return list(tags.values_list("name", flat=True).distinct().order_by("name"))


# --- saved views ----------------------------------------------------------------------------

VIEW_FILTERS = ("status", "label", "account", "tag", "q", "escalated")


def save_view(membership, name: str, params) -> SavedView:
    from urllib.parse import urlencode

    name = name.strip()
    if not name or len(name) > 60:
        raise TogetherError("Name the view in one to sixty characters.")
    query = urlencode([(key, params[key]) for key in VIEW_FILTERS if params.get(key)])
    if not query:
        raise TogetherError("Choose some filters first; the plain inbox needs no saved view.")
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                workspace=membership.workspace, name=name, query=query[:500], created_by=membership.user
            )
    except IntegrityError:
        raise TogetherError(f"There is already a view called “{name}”.") from None
