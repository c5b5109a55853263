"""The sandbox network's own data: what a real network would keep on its servers.

The sandbox is a pretend outside world that firsthand reaches only through its connector. Its one tie
to firsthand is who signed an account up: on a real network only the account's owner can sign in to
it, so a sandbox account belongs to the workspace that made it, and another cannot connect it.
"""

import itertools
import secrets
import time

from django.db import models
from django.utils import timezone

_sequence = itertools.count(secrets.randbelow(1 << 16))


def new_token() -> str:
    return "sbx_" + secrets.token_urlsafe(24)


def new_remote_id() -> str:
    """17 hex digits that sort by time, as the real networks' ids do (X's and Mastodon's snowflakes,
    Bluesky's record keys): microseconds since 1970, then a counter that tells apart ids made in the
    same microsecond (started at random, so two processes hardly ever meet). Random ids cost the
    inbox's unique index a page written per stored item; time-ordered ones fill pages in turn."""
    return f"{time.time_ns() // 1000:013x}{next(_sequence) & 0xFFFF:04x}"


class SandboxAccount(models.Model):
    handle = models.CharField(max_length=100, unique=True)
    display_name = models.CharField(max_length=200, blank=True)
    # Who signed it up: the only workspace that may connect it (empty: made outside a workspace).
    workspace = models.ForeignKey(
        "team.Workspace", on_delete=models.SET_NULL, null=True, blank=True, related_name="sandbox_accounts"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    token_revoked = models.BooleanField(default=False)
    # Posts allowed per window before the network answers "rate limited".
    rate_limit_posts = models.PositiveIntegerField(default=300)
    rate_limit_window_seconds = models.PositiveIntegerField(default=60)
    # Like a Facebook Page: comments on the account's posts are not in its notifications; they are read
    # post by post, so firsthand has to keep watching what it published.
    replies_by_post = models.BooleanField(default=False)
    # Its followers, made up on demand from the account's id (sandbox/followers.py): how many, and the
    # share of them that were bought (follow thousands, followed by few, never post, default picture).
    followers_total = models.PositiveIntegerField(default=0)
    bought_share = models.FloatField(default=0.0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"@{self.handle}"


class SandboxPost(models.Model):
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="posts")
    remote_id = models.CharField(max_length=32, unique=True, default=new_remote_id)
    text = models.TextField()
    media = models.JSONField(default=list, blank=True)
    reply_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies")
    # Kept so a client can look a post up after a lost answer. Like most networks, the sandbox does NOT
    # refuse a second post with the same key: preventing duplicates is the client's job.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Set for a direct message: only this handle sees it; it is not a public post.
    direct_to = models.CharField(max_length=100, blank=True)
    like_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["account", "created_at"], name="sandbox_post_recent")]

    @property
    def url(self) -> str:
        return f"/sandbox/@{self.account.handle}/{self.remote_id}"


class SandboxEvent(models.Model):
    """Something that happened to an account: a mention, reply, like, follow or direct message."""

    class Kind(models.TextChoices):
        MENTION = "mention"
        REPLY = "reply"
        QUOTE = "quote"
        LIKE = "like"
        FOLLOW = "follow"
        MESSAGE = "message"

    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    remote_id = models.CharField(max_length=32, unique=True, default=new_remote_id)
    author_handle = models.CharField(max_length=100)
    author_name = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)
    post = models.ForeignKey(SandboxPost, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    created_at = models.DateTimeField(default=timezone.now)
    liked = models.BooleanField(default=False)  # the account liked what was said


class SandboxFault(models.Model):
    """A failure the sandbox will answer with, for tests, training and benchmarks."""

    class Kind(models.TextChoices):
        TIMEOUT = "timeout", "Time-out (nothing created)"
        SERVER_ERROR = "server_error", "Server error"
        RATE_LIMITED = "rate_limited", "Rate limited"
        REVOKED_TOKEN = "revoked_token", "Token revoked"
        LOST_ANSWER = "lost_answer", "Post created, answer lost"
        INVALID_CONTENT = "invalid_content", "Content refused"

    account = models.ForeignKey(
        SandboxAccount, on_delete=models.CASCADE, null=True, blank=True, related_name="faults", help_text="empty: all"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    probability = models.FloatField(default=1.0)
    remaining = models.PositiveIntegerField(null=True, blank=True, help_text="empty: no limit")
    reset_seconds = models.PositiveIntegerField(default=30, help_text="for rate limits: when calls are accepted again")
