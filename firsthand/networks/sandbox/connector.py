"""The sandbox network's connector: the same interface as a real network, backed by tables in firsthand's database.

It commits its own writes on its own, like a remote server would, so a worker
that dies after the sandbox created a post leaves exactly the situation a
real network leaves: a post that exists out there and is not yet recorded here.
"""

import random
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from firsthand.networks.base import (
    Interaction,
    InteractionPage,
    NetworkError,
    NetworkLimits,
    OutgoingPost,
    PublishedPost,
    RemotePost,
)
from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent, SandboxFault, SandboxPost

LIMITS = NetworkLimits(label="Sandbox", max_length=500, counting="graphemes", max_images=4)

# Tests and benchmarks seed this to make fault injection repeatable.
chance = random.Random()


class SandboxConnector:
    network = "sandbox"
    limits = LIMITS

    # --- connecting ---------------------------------------------------------------------

    @staticmethod
    def sign_up(handle: str, display_name: str = "") -> SandboxAccount:
        """Create an account on the sandbox network itself (what a person does on the network's website)."""
        return SandboxAccount.objects.create(handle=handle, display_name=display_name or handle)

    @staticmethod
    def authorize(sandbox_account: SandboxAccount) -> dict:
        """The credentials an OAuth-like grant would hand over."""
        return {"token": sandbox_account.token}

    # --- the interface ---------------------------------------------------------------------

    def _account(self, account) -> SandboxAccount:
        token = account.credentials.get("token", "")
        remote = SandboxAccount.objects.filter(token=token).first()
        if remote is None or remote.token_revoked:
            raise NetworkError("The sandbox refused the access token (revoked).", transient=False, auth=True)
        return remote

    def publish(self, account, post: OutgoingPost) -> PublishedPost:
        remote = self._account(account)
        fault = self._fault(remote)
        if fault in (SandboxFault.Kind.TIMEOUT, SandboxFault.Kind.SERVER_ERROR):
            message = "The sandbox timed out." if fault == SandboxFault.Kind.TIMEOUT else "The sandbox answered 503."
            raise NetworkError(message, transient=True, outcome_unknown=True)
        if fault == SandboxFault.Kind.REVOKED_TOKEN:
            SandboxAccount.objects.filter(pk=remote.pk).update(token_revoked=True)
            raise NetworkError("The sandbox refused the access token (revoked).", transient=False, auth=True)
        if fault == SandboxFault.Kind.INVALID_CONTENT:
            raise NetworkError("The sandbox refused the post: content not allowed.", transient=False)
        self._check_rate_limit(remote, fault)

        created = self._create(remote, post)
        if fault == SandboxFault.Kind.LOST_ANSWER:
            raise NetworkError(
                "The connection closed before the sandbox answered.", transient=True, outcome_unknown=True
            )
        return PublishedPost(remote_id=created.remote_id, url=created.url, published_at=created.created_at)

    def find_published(self, account, idempotency_key: str) -> PublishedPost | None:
        remote = self._account(account)
        found = SandboxPost.objects.filter(account=remote, idempotency_key=idempotency_key).first()
        if found is None:
            return None
        return PublishedPost(remote_id=found.remote_id, url=found.url, published_at=found.created_at)

    def delete(self, account, remote_id: str) -> None:
        remote = self._account(account)
        updated = SandboxPost.objects.filter(account=remote, remote_id=remote_id, deleted_at=None).update(
            deleted_at=timezone.now()
        )
        if not updated and not SandboxPost.objects.filter(account=remote, remote_id=remote_id).exists():
            raise NetworkError("The sandbox has no such post.", transient=False)

    def fetch_post(self, account, remote_id: str) -> RemotePost:
        remote = self._account(account)
        post = SandboxPost.objects.filter(account=remote, remote_id=remote_id).first()
        if post is None:
            raise NetworkError("The sandbox has no such post.", transient=False)
        return RemotePost(
            remote_id=post.remote_id,
            url=post.url,
            text=post.text,
            exists=post.deleted_at is None,
            like_count=post.like_count,
            reply_count=post.replies.count(),
        )

    def list_interactions(self, account, cursor: str = "") -> InteractionPage:
        remote = self._account(account)
        events = SandboxEvent.objects.filter(account=remote).select_related("post").order_by("pk")
        if cursor:
            events = events.filter(pk__gt=int(cursor))
        items = list(events[:100])
        page = [
            Interaction(
                remote_id=event.remote_id,
                kind=event.kind,
                author_handle=event.author_handle,
                author_name=event.author_name,
                text=event.text,
                created_at=event.created_at,
                in_reply_to=event.post.remote_id if event.post else None,
                raw={"id": event.pk, "kind": event.kind, "text": event.text},
            )
            for event in items
        ]
        return InteractionPage(items=page, cursor=str(items[-1].pk) if items else cursor)

    def refresh_credentials(self, account) -> dict | None:
        self._account(account)  # raises when revoked
        return None  # sandbox tokens do not expire

    # --- inside the pretend network ---------------------------------------------------------

    def _create(self, remote: SandboxAccount, post: OutgoingPost) -> SandboxPost:
        reply_to = SandboxPost.objects.filter(remote_id=post.reply_to).first() if post.reply_to else None
        try:
            with transaction.atomic():
                return SandboxPost.objects.create(
                    account=remote,
                    text=post.text,
                    media=[{"path": m.path, "alt": m.alt_text, "type": m.mime_type} for m in post.media],
                    reply_to=reply_to,
                    idempotency_key=post.idempotency_key,
                )
        except IntegrityError:
            # Like Mastodon's Idempotency-Key: the same key returns the post already made.
            return SandboxPost.objects.get(account=remote, idempotency_key=post.idempotency_key)

    def _check_rate_limit(self, remote: SandboxAccount, fault) -> None:
        window = timedelta(seconds=remote.rate_limit_window_seconds)
        if fault == SandboxFault.Kind.RATE_LIMITED:
            reset = timezone.now() + timedelta(seconds=self._last_fault_reset)
        else:
            since = timezone.now() - window
            recent = SandboxPost.objects.filter(account=remote, created_at__gte=since)
            if recent.count() < remote.rate_limit_posts:
                return
            oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
            reset = oldest + window
        raise NetworkError(
            f"The sandbox rate limit is reached until {reset:%H:%M:%S} UTC.", transient=True, retry_at=reset
        )

    def _fault(self, remote: SandboxAccount):
        faults = SandboxFault.objects.filter(Q(account=remote) | Q(account=None)).exclude(remaining=0)
        for fault in faults:
            if chance.random() < fault.probability:
                if fault.remaining is not None:
                    SandboxFault.objects.filter(pk=fault.pk, remaining__gt=0).update(remaining=F("remaining") - 1)
                self._last_fault_reset = fault.reset_seconds
                return fault.kind
        return None
