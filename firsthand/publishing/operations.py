"""Writing, scheduling and rescuing posts. Views and commands call these; each checks its rules, then
changes the database in one transaction and writes the audit log. Taking a published post down is in
deleting.py, a first comment's count and retry in comments.py, an account's queue times in queue_times.py."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.guard.verdict import Refused, review
from firsthand.networks import registry
from firsthand.publishing.checks import check_for_account
from firsthand.publishing.comments import comment_problems
from firsthand.publishing.models import Delivery, LinkSettings, MediaFile, Post, PostMedia
from firsthand.publishing.shortlinks import codes as shortlink_codes
from firsthand.publishing.states import DELETABLE_STATES, EDITABLE_STATES, State
from firsthand.team import scope
from firsthand.webhooks import payloads as webhooks


class PublishingError(Exception):
    """A request the rules refuse; the message is shown as is."""


class TimeHasPassed(PublishingError):
    """The moment asked for is behind us (said beside the time field where there is one)."""


def save_post(
    membership,
    *,
    accounts,
    text: str,
    follow_ups=(),
    variants=None,
    images=None,
    campaign: str = "",
    content_warning: str = "",
    audience: str = "public",
    first_comment: str = "",
    comment_variants=None,
    post: Post | None = None,
) -> Post:
    """Create or update a draft for these accounts; nothing is scheduled yet.

    `images` is a list of (MediaFile, alt text); None leaves a post's images as they are. `first_comment`
    goes under the post once it is published, on the networks that allow it; `comment_variants` maps an
    account's id to its own first comment.
    """
    variants = variants or {}
    comment_variants = comment_variants or {}
    follow_ups = [part for part in follow_ups if part.strip()]
    if not accounts:
        raise PublishingError("Choose at least one account to post to.")
    # Both what it goes to now and what it went to before: a limited member may not take a post away
    # from an account outside their access, nor send one there.
    scope.require(membership, *accounts)
    if post is not None:
        scope.require_post(membership, post)
    if not text.strip() and not images and not any(variants.get(a.pk, "").strip() for a in accounts):
        raise PublishingError("Write something first: the post is empty.")
    for media, _alt in images or ():
        if media.workspace_id != membership.workspace.pk:
            raise PublishingError("One of the images belongs to another workspace.")
    with transaction.atomic():
        if post is None:
            post = Post.objects.create(workspace=membership.workspace, author=membership.user, text=text)
        else:
            locked = post.deliveries.exclude(state__in=EDITABLE_STATES)
            if locked.exists():
                raise PublishingError("This post is already going out or has gone out; it can't be edited.")
            post.text = text
            # What an approver approved was the text before this edit: the edited post asks again.
            post.approved_by, post.approved_at, post.approval_overdue_told_at = None, None, None
        post.follow_ups = follow_ups
        post.first_comment = first_comment.strip()
        post.campaign = campaign.strip()
        post.content_warning = content_warning.strip()[:500]
        post.audience = audience if audience in {"public", "unlisted", "followers"} else "public"
        post.save()
        if images is not None:
            post.attachments.all().delete()
            PostMedia.objects.bulk_create(
                [
                    PostMedia(post=post, media=media, position=n, alt_text=alt[:1500])
                    for n, (media, alt) in enumerate(images)
                ]
            )
            for media, alt in images:  # the library learns a description the first time one is written
                if alt.strip():
                    MediaFile.objects.filter(pk=media.pk, alt_text="").update(alt_text=alt.strip()[:1500])
        keep = {account.pk for account in accounts}
        post.deliveries.exclude(account_id__in=keep).delete()
        for account in accounts:
            Delivery.objects.update_or_create(
                post=post,
                account=account,
                defaults={
                    "variant_text": variants.get(account.pk, "").strip(),
                    "comment_variant": comment_variants.get(account.pk, "").strip(),
                },
            )
        back_to_drafts(membership, post)
    return post


def delete_draft(membership, post: Post) -> None:
    """Delete a post nothing of which is waiting to go out or gone out (drafts and held copies only)."""
    scope.require_post(membership, post)
    with transaction.atomic():
        if post.deliveries.select_for_update().exclude(state__in=DELETABLE_STATES).exists():
            raise PublishingError("Only drafts and held posts can be deleted. Move the post back to drafts first.")
        post.delete()
        record(
            "publishing.draft_deleted",
            f"{membership.user} deleted a draft: “{post.text[:60]}”",
            actor=membership.user,
            workspace=membership.workspace,
        )


def back_to_drafts(membership, post: Post) -> None:
    """An edited post's scheduled, waiting and failed copies become drafts: none goes out, nor is tried
    again, with text the check and the approver did not see; it goes out again only through send_on()."""
    moved = 0
    for delivery in post.deliveries.select_for_update().exclude(state=State.DRAFT):
        delivery.move(State.DRAFT, due_at=None, next_attempt_at=None, attempts=0, error="")
        delivery.save(update_fields=["state", "due_at", "next_attempt_at", "attempts", "error", "updated_at"])
        moved += 1
    if moved:
        post.scheduled_for = None
        post.save(update_fields=["scheduled_for", "updated_at"])
        record(
            "publishing.edited",
            f"{membership.user} edited a post; it is checked (and approved, where needed) again before it goes out",
            actor=membership.user,
            workspace=post.workspace,
            post=post.pk,
        )


def problems_with(post: Post, deliveries=None) -> list[str]:
    problems = []
    images = [attachment.media for attachment in post.images()]
    link_settings = LinkSettings.for_workspace(post.workspace)
    for delivery in post.deliveries.select_related("account") if deliveries is None else deliveries:
        parts = shortlink_codes.as_it_would_go(delivery, link_settings)
        check = check_for_account(delivery.account, parts, images, post.content_warning)
        problems += [f"{delivery.account}: {problem}" for problem in check.problems]
        problems += [f"{delivery.account}: {problem}" for problem in comment_problems(delivery, link_settings)]
    return problems


SCHEDULABLE = (State.DRAFT, State.SCHEDULED, State.FAILED, State.AWAITING_APPROVAL)


# What scheduling did: scheduled it, or sent it to the approvers first.
SCHEDULED, AWAITING = "scheduled", "awaiting_approval"


def schedule(membership, post: Post, when: datetime | None, *, anyway: bool = False) -> str:
    """Schedule every delivery of the post for `when`, or, when it is None, for now plus the undo window."""
    now = timezone.now()
    if when is not None and when <= now - timedelta(seconds=30):
        raise TimeHasPassed("That time has already passed. Choose a time in the future, or publish now.")
    # "Publish now" still waits a moment, so that a post sent by mistake can be taken back.
    due = when or now + timedelta(seconds=settings.UNDO_SECONDS)
    what = "publishing now" if when is None else f"scheduled for {due:%Y-%m-%d %H:%M} UTC"
    return schedule_each(membership, post, lambda delivery: due, "publishing.scheduled", what, anyway=anyway)


def add_to_queue(membership, post: Post, *, anyway: bool = False) -> str:
    """Schedule each account's copy at that account's next free queue time."""
    from firsthand.publishing.queue import next_free_slot

    def next_slot(delivery):
        moment = next_free_slot(delivery.account, post.workspace.timezone)
        if moment is None:
            raise PublishingError(
                f"{delivery.account} has no queue times yet. Set them under Calendar → Queue times, or pick a time."
            )
        return moment

    return schedule_each(membership, post, next_slot, "publishing.queued", "added to the queue", anyway=anyway)


def schedule_each(membership, post: Post, due_for, action: str, what: str, *, anyway: bool = False) -> str:
    """Check the post, then move every delivery to scheduled at the moment `due_for(delivery)` gives.

    Scheduling and the queue (the composer's and the post page's doors, which can ask) pass `anyway` as the
    person answered: an approver's own post with findings that need approval then raises AskFirst until they
    say "Publish anyway?". The other doors were already answered (an approval is the yes; a retry, a new time
    or a release follows an earlier one), so they leave it True.
    """
    scope.require_post(membership, post)
    problems = problems_with(post)
    if problems:
        raise PublishingError(" ".join(problems))
    with transaction.atomic():
        deliveries = list(post.deliveries.select_for_update().select_related("account"))
        for delivery in deliveries:
            if delivery.state not in SCHEDULABLE:
                raise PublishingError(f"The post to {delivery.account} is {delivery.get_state_display().lower()}.")
        moments = {delivery.pk: due_for(delivery) for delivery in deliveries}
        return send_on(
            membership, post, deliveries, moments, action=action, summary=f"{membership.user} {what}", anyway=anyway
        )


def send_on(
    membership, post: Post, deliveries, moments: dict, *, action: str, summary: str, anyway: bool = True, **fields
) -> str:
    """The one way to "scheduled", whichever door: scheduling, the queue, an import, a retry, a reschedule,
    an unconfirmed post sent again, a held post released or a pause ended, an approval. Each passes the
    counts, the guard's check (brand rules, banned phrases: a block always refuses) and the approval rules,
    then moves; a rule checked on one door only would be a way around it.

    An approval stands until the post is edited (save_post() clears it), so a retry or a new time does not
    ask again for what an approver already let go. Runs inside the caller's transaction, with the deliveries
    locked; `fields` are set on each delivery too. Returns SCHEDULED, or AWAITING when an approver must decide.
    Raises AskFirst for an approver's own post with findings that need approval, unless `anyway`.
    """
    from firsthand.guard.approvals import request_approval

    # Every door to "scheduled" passes here, so a limited member's way round the others ends here too.
    scope.require(membership, *[delivery.account_id for delivery in deliveries])
    link_settings = LinkSettings.for_workspace(post.workspace)
    for delivery in deliveries:
        # The short links (if the workspace wants them) are made here, once, and counted in the check below;
        # a refusal further down rolls them back with everything else.
        shortlink_codes.prepare(delivery, link_settings)
    problems = problems_with(post, deliveries)
    if problems:
        raise PublishingError(" ".join(problems))
    try:
        # The guard reads where links really lead (an allowed-domains rule must not see only our own address).
        ask_because = review(
            membership,
            post,
            [(d, d.outgoing_parts(link_settings, short=False), d.outgoing_comment(link_settings)) for d in deliveries],
            anyway=anyway,
        )
    except Refused as refusal:
        raise PublishingError(str(refusal)) from None
    post.refresh_from_db(fields=["approved_by", "approved_at"])
    if ask_because and post.approved_by_id is None:
        request_approval(membership, post, deliveries, moments, ask_because)
        post.scheduled_for = min(moments.values())
        Post.objects.filter(pk=post.pk).update(scheduled_for=post.scheduled_for)
        return AWAITING
    anyway_despite = []
    if anyway:
        from firsthand.guard.checks import APPROVAL
        from firsthand.guard.models import Finding

        anyway_despite = list(
            dict.fromkeys(
                Finding.objects.filter(delivery__in=deliveries, severity=APPROVAL).values_list("reason", flat=True)
            )
        )
    for delivery in deliveries:
        delivery.move(
            State.SCHEDULED, due_at=moments[delivery.pk], error="", attempts=0, next_attempt_at=None, **fields
        )
        delivery.save(update_fields=["state", "due_at", "error", "attempts", "next_attempt_at", *fields, "updated_at"])
    waiting = post.deliveries.filter(state=State.SCHEDULED).values_list("due_at", flat=True)
    post.scheduled_for = min(waiting, default=None)
    Post.objects.filter(pk=post.pk).update(scheduled_for=post.scheduled_for)
    which = {"delivery": deliveries[0].pk} if len(deliveries) == 1 else {"deliveries": [d.pk for d in deliveries]}
    record(
        action,
        f"{summary}: “{post.text[:60]}”"
        + (" (published anyway, despite: " + "; ".join(anyway_despite) + ")" if anyway_despite else ""),
        actor=membership.user,
        workspace=post.workspace,
        post=post.pk,
        due_at=min(moments.values()).isoformat(),
        **which,
    )
    webhooks.post_event("post.scheduled", post, deliveries)
    return SCHEDULED


def unschedule(membership, post: Post) -> int:
    """Everything of the post that waits to go out goes back to drafts; returns how many copies moved."""
    scope.require_post(membership, post)
    with transaction.atomic():
        waiting = [State.SCHEDULED, State.RETRYING, State.AWAITING_APPROVAL, State.HELD]
        moved = 0
        for delivery in post.deliveries.select_for_update().filter(state__in=waiting):
            delivery.move(State.DRAFT, due_at=None, next_attempt_at=None)
            delivery.save(update_fields=["state", "due_at", "next_attempt_at", "updated_at"])
            moved += 1
        if moved:
            post.scheduled_for = None
            post.save(update_fields=["scheduled_for", "updated_at"])
            record(
                "publishing.unscheduled",
                f"{membership.user} moved a post back to drafts",
                actor=membership.user,
                workspace=post.workspace,
                post=post.pk,
            )
    return moved


def retry(membership, delivery: Delivery) -> str:
    """Try a failed delivery again now (after the author fixed the cause), through the same check and
    approval as scheduling: what failed may since have been edited, or the rules changed."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("account", "post").get(pk=delivery.pk)
        scope.require(membership, delivery.account)
        if delivery.state != State.FAILED:
            raise PublishingError(
                f"Only a post that failed can be tried again; this one is {delivery.get_state_display().lower()}."
            )
        if delivery.account.needs_reconnect:
            raise PublishingError(f"{delivery.account} needs reconnecting first: {delivery.account.health_reason}")
        return send_on(
            membership,
            delivery.post,
            [delivery],
            {delivery.pk: timezone.now()},
            action="publishing.retried",
            summary=f"{membership.user} retried the post to {delivery.account}",
        )


def resolve_unconfirmed(membership, delivery: Delivery, *, it_was_published: bool) -> str | None:
    """The author looked on the network: mark it published, or check again and publish only if it isn't there."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("account", "post").get(pk=delivery.pk)
        scope.require(membership, delivery.account)
        if it_was_published:
            delivery.move(State.PUBLISHED, published_at=timezone.now())
            delivery.save(update_fields=["state", "published_at", "updated_at"])
            summary = f"{membership.user} confirmed the post to {delivery.account} was published"
        else:
            # Where the network can be asked, the engine still looks first (needs_reconcile stays set), so
            # this never duplicates; where it cannot, the author's word that it is not there is what we have.
            can_ask = registry.limits(delivery.account.network).can_look_up_by_key
            return send_on(
                membership,
                delivery.post,
                [delivery],
                {delivery.pk: timezone.now()},
                action="publishing.unconfirmed_resolved",
                summary=f"{membership.user} asked to publish the post to {delivery.account} again",
                needs_reconcile=delivery.needs_reconcile and can_ask,
            )
        record(
            "publishing.unconfirmed_resolved",
            summary,
            actor=membership.user,
            workspace=delivery.post.workspace,
            delivery=delivery.pk,
        )


def unschedule_account(account) -> int:
    """Move every post waiting to go out through this account back to drafts."""
    moved = 0
    for delivery in Delivery.objects.select_for_update().filter(
        account=account, state__in=[State.SCHEDULED, State.RETRYING]
    ):
        delivery.move(State.DRAFT, due_at=None, next_attempt_at=None)
        delivery.save(update_fields=["state", "due_at", "next_attempt_at", "updated_at"])
        moved += 1
    return moved


def reschedule(membership, post: Post, when: datetime) -> str:
    """Move every scheduled delivery of the post to a new moment (through the check, like any scheduling)."""
    if when <= timezone.now():
        raise TimeHasPassed("That time has already passed. Choose a time in the future.")
    scope.require_post(membership, post)
    with transaction.atomic():
        deliveries = list(post.deliveries.select_for_update().select_related("account").filter(state=State.SCHEDULED))
        if not deliveries:
            raise PublishingError("Nothing in this post is waiting to go out, so there is nothing to reschedule.")
        return send_on(
            membership,
            post,
            deliveries,
            {delivery.pk: when for delivery in deliveries},
            action="publishing.rescheduled",
            summary=f"{membership.user} moved a post to {when:%Y-%m-%d %H:%M} UTC",
        )
