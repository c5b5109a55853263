"""The media library: every image uploaded in a workspace, found again by its name or description, reused
in new posts with its description, and removed with care.

Removing an image that posts still use asks first. Posts not yet out (drafts, scheduled, waiting for
approval, held, failed) lose it and go back to drafts, their authors told: a scheduled post must not go out
different from what was checked and approved. Posts already out keep it: the file stays for their history
and only leaves the library.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.notices.send import notify
from firsthand.publishing.models import MediaFile, Post, PostMedia
from firsthand.publishing.operations import back_to_drafts
from firsthand.publishing.states import EDITABLE_STATES
from firsthand.team import scope
from firsthand.team.access import require
from firsthand.team.permissions import Capability

PAGE = 48


class LibraryError(Exception):
    """Something the library cannot do as asked; the message says why."""


@dataclass(frozen=True)
class Uses:
    waiting: list[Post]  # not out yet: they would lose the image and go back to drafts
    out: list[Post]  # published (or on their way): they keep it

    @property
    def any(self) -> bool:
        return bool(self.waiting or self.out)


def visible(membership):
    """The library this member sees: a member limited to some accounts sees their own uploads and the
    images of posts to their accounts, as the image address itself allows (views/media.serve)."""
    items = MediaFile.objects.filter(workspace=membership.workspace, removed_at=None)
    if scope.is_limited(membership):
        theirs = scope.posts_within(membership, Post.objects.filter(workspace=membership.workspace))
        used_there = PostMedia.objects.filter(post__in=theirs).values("media")
        items = items.filter(Q(uploaded_by=membership.user) | Q(pk__in=used_there))
    return items


def search(membership, query: str = "", use: str = ""):
    items = visible(membership)
    for word in query.split()[:5]:
        items = items.filter(Q(original_name__icontains=word) | Q(alt_text__icontains=word))
    used = PostMedia.objects.values("media")
    if use == "unused":
        items = items.exclude(pk__in=used)
    elif use == "used":
        items = items.filter(pk__in=used)
    return items.select_related("uploaded_by").order_by("-created_at", "-pk")


def with_use_counts(items: list[MediaFile]) -> list[MediaFile]:
    """The page's images, each with how many posts use it (one query for the page)."""
    counts = dict(
        PostMedia.objects.filter(media__in=items)
        .values("media")
        .annotate(n=Count("post", distinct=True))
        .values_list("media", "n")
    )
    for item in items:
        item.uses = counts.get(item.pk, 0)
    return items


def uses_of(item: MediaFile) -> Uses:
    posts = Post.objects.filter(attachments__media=item).distinct().prefetch_related("deliveries")
    waiting, out = [], []
    for post in posts:
        states = {delivery.state for delivery in post.deliveries.all()}
        (waiting if states <= set(EDITABLE_STATES) else out).append(post)
    return Uses(waiting=waiting, out=out)


def describe(membership, item: MediaFile, alt_text: str) -> None:
    require(membership, Capability.DRAFT)
    alt_text = alt_text.replace("\x00", "").strip()
    if len(alt_text) > 1500:
        raise LibraryError("Keep the description under 1,500 characters.")
    MediaFile.objects.filter(pk=item.pk).update(alt_text=alt_text)


def remove(membership, item: MediaFile, *, confirmed: bool = False) -> Uses:
    """Take an image out of the library. Unless `confirmed`, an image posts use is left as it is and its
    uses are returned, for the page to ask."""
    require(membership, Capability.DRAFT)
    if item.uploaded_by_id != membership.user.pk and not membership.can(Capability.APPROVE):
        raise LibraryError("Only the person who uploaded it, an owner or a manager can remove this image.")
    with transaction.atomic():
        item = MediaFile.objects.select_for_update().get(pk=item.pk)
        uses = uses_of(item)
        if uses.waiting and not confirmed:
            return uses
        for post in uses.waiting:
            scope.require_post(membership, post)
        for post in uses.waiting:
            PostMedia.objects.filter(post=post, media=item).delete()
            back_to_drafts(membership, post)
        name = item.original_name or "an image"
        if uses.out:
            MediaFile.objects.filter(pk=item.pk).update(removed_at=timezone.now())
        else:
            stored = item.file.name
            item.delete()
            transaction.on_commit(lambda: item.file.storage.delete(stored))
        record(
            "publishing.media_removed",
            f"{membership.user} removed {name} from the library"
            + (f"; {len(uses.waiting)} post(s) not yet out lost it and went back to drafts" if uses.waiting else ""),
            actor=membership.user,
            workspace=membership.workspace,
            media=item.pk,
        )
    for post in uses.waiting:
        if post.author_id and post.author_id != membership.user.pk:
            notify(
                membership.workspace,
                [post.author],
                f"{membership.user} removed an image your post used; the post is a draft again: "
                "check it and send it on.",
                url=f"/w/{membership.workspace.slug}/posts/{post.pk}/",
            )
    return Uses(waiting=[], out=[])
