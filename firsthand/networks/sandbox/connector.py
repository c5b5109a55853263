"""The sandbox network's connector: the same interface as a real network, backed by tables in firsthand's database.

It commits its own writes on its own, like a remote server would, so a worker
that dies after the sandbox created a post leaves exactly the situation a
real network leaves: a post that exists out there and is not yet recorded here.
"""

import hashlib
import random
from datetime import timedelta

from django.db import connection
from django.db.models import Count, F, Q
from django.utils import timezone

from firsthand.networks.base import (
    FollowerPage,
    Interaction,
    InteractionPage,
    NetworkError,
    NetworkLimits,
    OutgoingPost,
    PostMetrics,
    PublishedPost,
    RemotePost,
    read_each,
)
from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent, SandboxFault, SandboxPost

DEFAULT_WINDOW_SECONDS = 60
PUBLISHING_LOOKUP = """
    SELECT a.id, a.handle, a.token_revoked, a.rate_limit_posts, a.rate_limit_window_seconds,
        (SELECT COUNT(*) FROM sandbox_sandboxpost p WHERE p.account_id = a.id AND p.created_at >= %s),
        EXISTS (SELECT 1 FROM sandbox_sandboxfault f
                WHERE (f.account_id = a.id OR f.account_id IS NULL) AND (f.remaining IS NULL OR f.remaining > 0))
    FROM sandbox_sandboxaccount a WHERE a.token = %s
"""
LIMITS = NetworkLimits(label="Sandbox", max_length=500, counting="graphemes", max_images=4)

# Tests and benchmarks seed this to make fault injection repeatable.
chance = random.Random()  # nosec B311 # the sandbox's fault injection, not a secret


class SandboxConnector:
    network = "sandbox"
    limits = LIMITS

    # --- connecting ---------------------------------------------------------------------

    @staticmethod
    def sign_up(handle: str, display_name: str = "", workspace=None) -> SandboxAccount:
        """Create an account on the sandbox network itself (what a person does on the network's website)."""
        return SandboxAccount.objects.create(handle=handle, display_name=display_name or handle, workspace=workspace)

    @staticmethod
    def sign_in(handle: str, workspace, display_name: str = "") -> SandboxAccount:
        """The workspace's own sandbox account of that handle, made on first use; None when the handle
        belongs to another workspace (as a real network asks for the account's password)."""
        from firsthand.networks.models import ConnectedAccount

        remote = SandboxAccount.objects.filter(handle=handle).first()
        if remote is None:
            return SandboxConnector.sign_up(handle, display_name, workspace)
        if remote.workspace_id is None:
            # Made before accounts had an owner: it is the workspace's if no other ever connected it.
            others = ConnectedAccount.objects.filter(network="sandbox", remote_id=str(remote.pk))
            if others.exclude(workspace=workspace).exists():
                return None
            SandboxAccount.objects.filter(pk=remote.pk, workspace=None).update(workspace=workspace)
            remote.refresh_from_db()
        return remote if remote.workspace_id == workspace.pk else None

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

    def _account_for_publishing(self, account) -> SandboxAccount:
        """The account, with its posts in the last minute and whether faults are set, in one round trip.

        Raw SQL because this runs for every post the benchmark publishes, and building the same
        query through the ORM costs more than running it.
        """
        token = account.credentials.get("token", "")
        since = timezone.now() - timedelta(seconds=DEFAULT_WINDOW_SECONDS)
        with connection.cursor() as cursor:
            cursor.execute(PUBLISHING_LOOKUP, [connection.ops.adapt_datetimefield_value(since), token])
            row = cursor.fetchone()
        if row is None or row[2]:
            raise NetworkError("The sandbox refused the access token (revoked).", transient=False, auth=True)
        remote = SandboxAccount(
            pk=row[0], handle=row[1], token_revoked=False, rate_limit_posts=row[3], rate_limit_window_seconds=row[4]
        )
        remote.recent_posts, remote.has_faults = row[5], bool(row[6])
        return remote

    def publish(self, account, post: OutgoingPost) -> PublishedPost:
        remote = self._account_for_publishing(account)
        fault = self._fault(remote) if remote.has_faults else None
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
        found = SandboxPost.objects.filter(account=remote, idempotency_key=idempotency_key).order_by("pk").first()
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

    def replies_need_watching(self, account) -> bool:
        return self._account(account).replies_by_post

    def list_interactions(self, account, cursor: str = "") -> InteractionPage:
        remote = self._account(account)
        events = SandboxEvent.objects.filter(account=remote).order_by("pk")
        if remote.replies_by_post:
            events = events.filter(post=None)
        return self._page(events, cursor)

    def list_replies(self, account, remote_id: str, cursor: str = "") -> InteractionPage:
        remote = self._account(account)
        events = SandboxEvent.objects.filter(account=remote, post__remote_id=remote_id)
        return self._page(events.order_by("pk"), cursor)

    PAGE_FIELDS = ("pk", "remote_id", "kind", "author_handle", "author_name", "text", "created_at", "post__remote_id")

    def _page(self, events, cursor: str) -> InteractionPage:
        if cursor:
            events = events.filter(pk__gt=int(cursor))
        # Rows rather than model instances: the inbox benchmark reads a crisis spike through this page.
        rows = list(events.values_list(*self.PAGE_FIELDS)[:100])
        return InteractionPage(items=read_each(event_item, rows), cursor=str(rows[-1][0]) if rows else cursor)

    def send_message(self, account, thread: str, text: str) -> PublishedPost:
        remote = self._account(account)
        sent = SandboxPost.objects.create(account=remote, text=text, direct_to=thread.lstrip("@"))
        return PublishedPost(remote_id=sent.remote_id, url="", published_at=sent.created_at)

    def like(self, account, remote_id: str) -> None:
        remote = self._account(account)
        if not SandboxEvent.objects.filter(account=remote, remote_id=remote_id).update(liked=True):
            raise NetworkError("The sandbox has no such message to like.", transient=False)

    def list_followers(self, account, cursor: str = "") -> FollowerPage:
        from firsthand.networks.sandbox.followers import follower_page

        remote = self._account(account)
        self._reading_faults(remote, "The sandbox does not let this account read its followers.")
        return follower_page(remote, cursor)

    def post_metrics(self, account, remote_ids: list[str]) -> dict[str, PostMetrics]:
        """Figures made up from each post's id, so the same post shows the same figures on every read,
        growing with the post's age for its first two days as real ones do. Replies and quotes are the
        sandbox's events on the post; likes add the ones really given (SandboxPost.like_count)."""
        remote = self._account(account)
        self._reading_faults(remote, "The sandbox does not give figures for this account's posts.")
        posts = SandboxPost.objects.filter(account=remote, remote_id__in=remote_ids, deleted_at=None)
        events = {}
        for post_id, kind, n in (
            SandboxEvent.objects.filter(post__in=posts, kind__in=["reply", "quote"])
            .values_list("post__remote_id", "kind")
            .annotate(n=Count("pk"))
        ):
            events.setdefault(post_id, {})[kind] = n
        now = timezone.now()
        found = {}
        for post in posts:
            seed = int(hashlib.sha256(post.remote_id.encode()).hexdigest()[:12], 16)
            grown = min(1.0, max((now - post.created_at).total_seconds(), 0) / 172800)
            counted = events.get(post.remote_id, {})
            found[post.remote_id] = PostMetrics(
                replies=counted.get("reply", 0),  # people's replies, not the account's own thread parts
                likes=post.like_count + round((seed % 60) * grown),
                reposts=round((seed // 60 % 15) * grown),
                quotes=counted.get("quote", 0),
                clicks=round((seed // 900 % 40) * grown) if "http" in post.text else 0,
            )
        return found

    def _reading_faults(self, remote: SandboxAccount, refusal: str) -> None:
        """The same faults as publishing, read as a read's: a rate limit or a 503 is worth waiting for;
        "content refused" stands for a network that will not give this at all, in `refusal`'s words."""
        fault = self._fault(remote)
        if fault == SandboxFault.Kind.RATE_LIMITED:
            reset = timezone.now() + timedelta(seconds=self._last_fault_reset)
            raise NetworkError(
                f"The sandbox rate limit is reached until {reset:%H:%M:%S} UTC.", transient=True, retry_at=reset
            )
        if fault in (SandboxFault.Kind.TIMEOUT, SandboxFault.Kind.SERVER_ERROR, SandboxFault.Kind.LOST_ANSWER):
            raise NetworkError("The sandbox answered 503.", transient=True)
        if fault == SandboxFault.Kind.REVOKED_TOKEN:
            SandboxAccount.objects.filter(pk=remote.pk).update(token_revoked=True)
            raise NetworkError("The sandbox refused the access token (revoked).", transient=False, auth=True)
        if fault == SandboxFault.Kind.INVALID_CONTENT:
            raise NetworkError(refusal, transient=False)

    def refresh_credentials(self, account) -> dict | None:
        self._account(account)  # raises when revoked
        return None  # sandbox tokens do not expire

    # --- inside the pretend network ---------------------------------------------------------

    def _create(self, remote: SandboxAccount, post: OutgoingPost) -> SandboxPost:
        reply_to = SandboxPost.objects.filter(remote_id=post.reply_to).first() if post.reply_to else None
        return SandboxPost.objects.create(
            account=remote,
            text=post.text,
            media=[{"path": m.path, "alt": m.alt_text, "type": m.mime_type} for m in post.media],
            reply_to=reply_to,
            idempotency_key=post.idempotency_key,
        )

    def _check_rate_limit(self, remote: SandboxAccount, fault) -> None:
        window = timedelta(seconds=remote.rate_limit_window_seconds)
        if fault == SandboxFault.Kind.RATE_LIMITED:
            reset = timezone.now() + timedelta(seconds=self._last_fault_reset)
        else:
            if remote.rate_limit_window_seconds == DEFAULT_WINDOW_SECONDS and (
                (remote.recent_posts or 0) < remote.rate_limit_posts
            ):
                return
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


def event_item(row) -> Interaction:
    pk, remote_id, kind, handle, name, text, created_at, post_remote_id = row
    return Interaction(
        remote_id=remote_id,
        kind=kind,
        author_handle=handle,
        author_name=name,
        text=text,
        created_at=created_at,
        in_reply_to=post_remote_id,
        raw={"id": pk, "kind": kind, "text": text},
        thread=handle if kind == SandboxEvent.Kind.MESSAGE else None,
    )
