"""/api/v1/posts and /api/v1/media: write, schedule, queue, list, read and delete posts.

Everything goes through publishing.operations, the composer's own door: the counts, the guard (a banned
phrase refuses, an offensive post waits for an approver), the approval rules, the crisis switch (held
when due) and the token's account limits hold here exactly as on the pages.
"""

import hashlib
import json
from datetime import datetime
from typing import Literal

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from ninja import File, Router, UploadedFile

from firsthand.api.models import IdempotentAnswer
from firsthand.api.rest.base import ApiError, Id, Page, Strict, Text, page_of, principal, with_errors
from firsthand.guard.verdict import AskFirst
from firsthand.networks.models import ConnectedAccount
from firsthand.publishing import media as media_files
from firsthand.publishing import operations
from firsthand.publishing.models import Delivery, MediaFile, Post
from firsthand.publishing.states import State
from firsthand.team import scope
from firsthand.team.access import require
from firsthand.team.permissions import Capability

router = Router(tags=["posts"])


class MediaIn(Strict):
    id: Id
    alt_text: Text = ""


class ScheduleIn(Strict):
    at: datetime | None = None  # None: now, after the undo window
    anyway: bool = False  # an approver's own post with findings: "publish anyway?" answered yes


class PostIn(Strict):
    accounts: list[Id] = []
    text: Text = ""
    follow_ups: list[Text] = []
    variants: dict[str, Text] = {}  # account id → that account's own first part
    first_comment: Text = ""  # sent under the post once published, where the network allows comments
    comment_variants: dict[str, Text] = {}  # account id → that account's own first comment
    media: list[MediaIn] = []
    campaign: Text = ""
    content_warning: Text = ""
    audience: Literal["public", "unlisted", "followers"] = "public"
    then: Literal["draft", "schedule", "queue"] = "draft"
    at: datetime | None = None  # with then="schedule"; None means now
    anyway: bool = False


class FindingOut(Strict):
    severity: str
    reason: str


class DeliveryOut(Strict):
    id: int
    account_id: int
    account: str
    network: str
    state: str
    due_at: datetime | None
    variant_text: str
    published_at: datetime | None
    remote_url: str
    error: str
    comment_variant: str
    first_comment: str  # what this account sends as its first comment; empty for none
    comment_state: str  # "", pending, sending, retrying, sent or failed
    comment_error: str
    comment_remote_id: str  # the comment's id on the network, once sent
    findings: list[FindingOut]


class PostOut(Strict):
    id: int
    text: str
    follow_ups: list[str]
    first_comment: str
    campaign: str
    content_warning: str
    audience: str
    author: str
    scheduled_for: datetime | None
    approved_by: str | None
    review_comment: str
    created_at: datetime
    media: list[dict]
    deliveries: list[DeliveryOut]
    outcome: str | None = None  # after scheduling: "scheduled" or "awaiting_approval"


class PostPage(Strict):
    items: list[PostOut]
    page: int
    next_page: int | None


class MediaOut(Strict):
    id: int
    mime_type: str
    size: int
    width: int
    height: int


def shaped(post: Post, who, outcome: str | None = None) -> dict:
    deliveries = scope.within(who, post.deliveries.select_related("account", "post").prefetch_related("findings"))
    return {
        "id": post.pk,
        "text": post.text,
        "follow_ups": list(post.follow_ups or []),
        "first_comment": post.first_comment,
        "campaign": post.campaign,
        "content_warning": post.content_warning,
        "audience": post.audience,
        "author": str(post.author) if post.author else "",
        "scheduled_for": post.scheduled_for,
        "approved_by": str(post.approved_by) if post.approved_by_id else None,
        "review_comment": post.review_comment,
        "created_at": post.created_at,
        "media": [{"id": a.media_id, "alt_text": a.alt_text} for a in post.attachments.order_by("position")],
        "deliveries": [
            {
                "id": d.pk,
                "account_id": d.account_id,
                "account": d.account.handle,
                "network": d.account.network,
                "state": d.state,
                "due_at": d.due_at,
                "variant_text": d.variant_text,
                "published_at": d.published_at,
                "remote_url": d.remote_url,
                "error": d.error,
                "comment_variant": d.comment_variant,
                "first_comment": d.comment_text(),
                "comment_state": d.comment_state,
                "comment_error": d.comment_error,
                "comment_remote_id": d.comment_remote_id,
                "findings": [{"severity": f.severity, "reason": f.reason} for f in d.findings.all()],
            }
            for d in deliveries
        ],
        "outcome": outcome,
    }


def post_of(who, post_id: int) -> Post:
    posts = scope.posts_within(who, Post.objects.filter(workspace=who.workspace))
    return get_object_or_404(posts.select_related("author", "approved_by"), pk=post_id)


def refused(error: Exception):
    if isinstance(error, AskFirst):
        return ApiError(409, "confirm", f'{error} Send again with "anyway": true to go ahead.')
    if isinstance(error, scope.OutOfReach):
        return ApiError(403, "out_of_reach", str(error))
    return ApiError(422, "refused", str(error))


def go_on(who, post: Post, then: str, at, anyway: bool) -> str | None:
    if then == "schedule":
        return operations.schedule(who, post, at, anyway=anyway)
    if then == "queue":
        return operations.add_to_queue(who, post, anyway=anyway)
    return None


def write(who, data: PostIn) -> dict:
    require(who, Capability.DRAFT)
    if data.then != "draft":
        require(who, Capability.PUBLISH)
    wanted = set(data.accounts)
    accounts = list(ConnectedAccount.objects.connected().filter(workspace=who.workspace, pk__in=wanted))
    if len(accounts) != len(wanted):
        raise ApiError(422, "unknown_account", "One of the accounts is not connected in this workspace.")
    variants = {}
    for key, text in data.variants.items():
        if not key.isascii() or not key.isdigit() or int(key) not in wanted:
            raise ApiError(422, "invalid", f"variants: “{key[:20]}” is not one of the post's account ids.")
        variants[int(key)] = text
    comment_variants = {}
    for key, text in data.comment_variants.items():
        if not key.isascii() or not key.isdigit() or int(key) not in wanted:
            raise ApiError(422, "invalid", f"comment_variants: “{key[:20]}” is not one of the post's account ids.")
        comment_variants[int(key)] = text
    found = {m.pk: m for m in MediaFile.objects.filter(workspace=who.workspace, pk__in=[m.id for m in data.media])}
    if len(found) != len({m.id for m in data.media}):
        raise ApiError(422, "unknown_media", "One of the media ids is not an upload of this workspace.")
    images = [(found[m.id], m.alt_text) for m in data.media]
    try:
        # One transaction: a post the guard refuses leaves no draft behind; the caller fixes it and sends again.
        with transaction.atomic():
            post = operations.save_post(
                who,
                accounts=accounts,
                text=data.text,
                follow_ups=data.follow_ups,
                variants=variants,
                images=images or None,
                campaign=data.campaign,
                content_warning=data.content_warning,
                audience=data.audience,
                first_comment=data.first_comment,
                comment_variants=comment_variants,
            )
            outcome = go_on(who, post, data.then, data.at, data.anyway)
    except (operations.PublishingError, AskFirst, scope.OutOfReach) as error:
        raise refused(error) from None
    return shaped(Post.objects.get(pk=post.pk), who, outcome)


def body_hash(request) -> str:
    try:
        canonical = json.dumps(json.loads(request.body), sort_keys=True, separators=(",", ":"))
    except ValueError:
        canonical = request.body.decode("utf-8", "replace")
    return hashlib.sha256(canonical.encode()).hexdigest()


@router.post("/posts", response=with_errors({201: PostOut, 200: PostOut}), summary="Create a post")
def create_post(request, data: PostIn):
    """Create a draft for some accounts, and optionally schedule it (`then: "schedule"`, `at`) or add it to
    the queue. Send an `Idempotency-Key` header to make a retry safe: the same key with the same body gets
    the first answer again; with a different body, 409."""
    who = principal(request)
    key = request.headers.get("Idempotency-Key", "")
    if not key:
        return 201, write(who, data)
    if len(key) > 255 or "\x00" in key:
        raise ApiError(422, "invalid", "The Idempotency-Key is at most 255 characters.")
    digest = body_hash(request)
    kept = IdempotentAnswer.objects.filter(token=who.token, key=key).first()
    if kept is None:
        try:
            with transaction.atomic():
                # Kept as it went out the first time, so a replay is the same JSON to the byte.
                answer = PostOut.model_validate(write(who, data)).model_dump(mode="json")
                IdempotentAnswer.objects.create(token=who.token, key=key, body_hash=digest, status=201, answer=answer)
            return 201, answer
        except IntegrityError:
            kept = IdempotentAnswer.objects.filter(token=who.token, key=key).first()  # a twin request won the race
    if kept is None or kept.body_hash != digest:
        raise ApiError(409, "idempotency_conflict", "This Idempotency-Key was used before with a different body.")
    return 200, kept.answer


@router.get("/posts", response=with_errors({200: PostPage}), summary="List posts")
def list_posts(request, state: State | None = None, page: Page = 1):
    """Newest first; with `state`, only posts with a copy in that state."""
    who = principal(request)
    posts = scope.posts_within(who, Post.objects.filter(workspace=who.workspace))
    if state:
        posts = posts.filter(pk__in=scope.within(who, Delivery.objects.filter(state=state)).values("post_id"))
    posts = posts.select_related("author", "approved_by").order_by("-created_at", "-pk")
    return page_of(posts, page, lambda post: shaped(post, who))


@router.get("/posts/{post_id}", response=with_errors({200: PostOut}), summary="Read a post")
def get_post(request, post_id: Id):
    who = principal(request)
    return shaped(post_of(who, post_id), who)


@router.post("/posts/{post_id}/schedule", response=with_errors({200: PostOut}), summary="Schedule a post")
def schedule_post(request, post_id: Id, data: ScheduleIn):
    """At `at`, or now (after the undo window) without it; through the guard and the approval rules."""
    who = principal(request)
    require(who, Capability.PUBLISH)
    post = post_of(who, post_id)
    try:
        outcome = operations.schedule(who, post, data.at, anyway=data.anyway)
    except (operations.PublishingError, AskFirst, scope.OutOfReach) as error:
        raise refused(error) from None
    return shaped(post_of(who, post_id), who, outcome)


class QueueIn(Strict):
    anyway: bool = False


@router.post("/posts/{post_id}/queue", response=with_errors({200: PostOut}), summary="Add a post to the queue")
def queue_post(request, post_id: Id, data: QueueIn):
    who = principal(request)
    require(who, Capability.PUBLISH)
    post = post_of(who, post_id)
    try:
        outcome = operations.add_to_queue(who, post, anyway=data.anyway)
    except (operations.PublishingError, AskFirst, scope.OutOfReach) as error:
        raise refused(error) from None
    return shaped(post_of(who, post_id), who, outcome)


@router.delete("/posts/{post_id}", response=with_errors({204: None}), summary="Delete a draft")
def delete_post(request, post_id: Id):
    who = principal(request)
    require(who, Capability.DRAFT)
    post = post_of(who, post_id)
    try:
        operations.delete_draft(who, post)
    except (operations.PublishingError, scope.OutOfReach) as error:
        raise refused(error) from None
    return 204, None


@router.post("/media", response=with_errors({201: MediaOut}), summary="Upload an image")
def upload_media(request, file: File[UploadedFile]):
    """An image for posts (JPEG, PNG, GIF or WebP); give its id in a post's `media`."""
    who = principal(request)
    require(who, Capability.DRAFT)
    try:
        stored = media_files.store(who.workspace, who.user, file)
    except media_files.MediaProblem as problem:
        raise ApiError(422, "bad_media", str(problem)) from None
    return 201, {
        "id": stored.pk,
        "mime_type": stored.mime_type,
        "size": stored.size,
        "width": stored.width,
        "height": stored.height,
    }
