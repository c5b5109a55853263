import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from firsthand.publishing.states import State, check_move

AUDIENCES = [
    ("public", "Everyone"),
    ("unlisted", "Everyone, kept out of public timelines"),
    ("followers", "Followers only"),
]


class Post(models.Model):
    """What the author wrote once: a text (and its follow-ups, for a thread) for one or more accounts."""

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="posts")
    text = models.TextField(blank=True)
    # Further parts of a thread, each published as a reply to the one before.
    follow_ups = models.JSONField(default=list, blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    campaign = models.CharField(max_length=100, blank=True, help_text="utm_campaign for this post's links")
    # Where a network has them (Mastodon): the text readers click through, and who sees the post.
    content_warning = models.CharField(max_length=500, blank=True)
    audience = models.CharField(max_length=10, choices=AUDIENCES, default="public")
    # Who let it go out, when someone had to (guard/approvals.py).
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True, help_text="what an approver said when sending it back")
    # Set once the author has been told their post reached its time still waiting for approval.
    approval_overdue_told_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.text[:60]

    def parts(self) -> list[str]:
        return [self.text, *self.follow_ups]

    def images(self) -> list["PostMedia"]:
        # .all() so that a prefetch (the engine loads posts a hundred at a time) is used.
        return list(self.attachments.all())


class LinkSettings(models.Model):
    """How a workspace tags the links in its posts."""

    workspace = models.OneToOneField("team.Workspace", on_delete=models.CASCADE, related_name="link_settings")
    utm_enabled = models.BooleanField("Add campaign tags (UTM) to links", default=False)
    utm_source = models.CharField(
        max_length=100, default="{network}", help_text="{network} and {account} are filled in"
    )
    utm_medium = models.CharField(max_length=100, default="social")
    utm_campaign = models.CharField(max_length=100, blank=True, help_text="used when a post names no campaign")
    short_links = models.BooleanField(
        "Shorten links to your own address and count their clicks",
        default=False,
        help_text="each account's copy of a post gets its own code when the post is scheduled",
    )

    @classmethod
    def for_workspace(cls, workspace):
        return cls.objects.filter(workspace=workspace).first()


class QueueSlot(models.Model):
    """A weekly moment at which an account's queue posts: e.g. Tuesdays at 09:30, on the workspace's clock."""

    account = models.ForeignKey("networks.ConnectedAccount", on_delete=models.CASCADE, related_name="queue_slots")
    weekday = models.PositiveSmallIntegerField()  # Monday is 0
    at = models.TimeField()

    class Meta:
        ordering = ["weekday", "at"]
        constraints = [models.UniqueConstraint(fields=["account", "weekday", "at"], name="one_slot_per_moment")]


def media_path(instance, filename):
    # Not the uploaded name: it can hold anything, and names must not collide.
    return f"media/{instance.workspace_id}/{uuid.uuid4().hex}.{instance.extension}"


class MediaFile(models.Model):
    """An image uploaded for posts, checked on arrival; served only to members of its workspace."""

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="media")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    file = models.FileField(upload_to=media_path, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    mime_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    # The library's description, offered again whenever the image is reused (a post keeps its own copy).
    alt_text = models.CharField(max_length=1500, blank=True)
    # Taken out of the library while published posts still show it: the file stays for their history.
    removed_at = models.DateTimeField(null=True, blank=True)

    EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}

    @property
    def extension(self) -> str:
        return self.EXTENSIONS.get(self.mime_type, "bin")


class PostMedia(models.Model):
    post = models.ForeignKey("Post", on_delete=models.CASCADE, related_name="attachments")
    media = models.ForeignKey(MediaFile, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    alt_text = models.CharField(max_length=1500, blank=True)

    class Meta:
        ordering = ["position"]


class Delivery(models.Model):
    """One post going to one account: its own text variant, state, attempts and result.

    Workers claim rows by moving them to `publishing` with a conditional
    UPDATE and a claim deadline; a worker that dies leaves a claim that
    expires, and the next worker reconciles with the network before trying.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="deliveries")
    # PROTECT: accounts are disconnected, never deleted, so their history stays.
    account = models.ForeignKey("networks.ConnectedAccount", on_delete=models.PROTECT, related_name="deliveries")
    variant_text = models.TextField(blank=True, help_text="this account's own version of the first part")
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The same key on every attempt, so the network (or our lookup) recognises a repeat.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Set when an attempt may have reached the network: look before trying again.
    needs_reconcile = models.BooleanField(default=False)
    remote_ids = models.JSONField(default=list, blank=True)  # one per published part
    remote_url = models.CharField(max_length=1000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # Its links go out as the business's own short links (shortlinks/). Decided when it is scheduled, and
    # never changed once any of it may have reached the network, so every attempt sends the same text.
    shorten_links = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["post", "account"], name="one_delivery_per_account")]
        indexes = [models.Index(fields=["state", "due_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.post} → {self.account}"

    def text(self) -> str:
        return self.variant_text or self.post.text

    def parts(self) -> list[str]:
        return [self.text(), *self.post.follow_ups]

    def outgoing_parts(self, link_settings=None, *, short: bool = True) -> list[str]:
        """The parts as they will be sent: with campaign tags on the links when the workspace wants them, and
        each link replaced by its own short link when this delivery's links go out short.

        `short=False` gives the links' real destinations, for the pre-publish check: a rule about where links
        lead (allowed domains, a product link's disclosure) must see past the business's own short address.
        """
        from firsthand.publishing.links import rewrite_links, utm_params
        from firsthand.publishing.shortlinks import codes

        params = utm_params(link_settings, self.account, self.post.campaign)
        shorten = codes.made_for(self) if short and self.shorten_links else None
        return [rewrite_links(part, params, shorten) for part in self.parts()]

    def part_key(self, index: int) -> str:
        return f"{self.key}-{index}"

    def move(self, target: State, **fields) -> None:
        """Change state in memory after checking the graph; the caller saves."""
        check_move(self.state, target)
        self.state = target
        for name, value in fields.items():
            setattr(self, name, value)


class Snippet(models.Model):
    """A block of text the team puts into posts again and again: a sign-off, an allergen line, a hashtag group."""

    class Kind(models.TextChoices):
        TEXT = "text", "Snippet"
        HASHTAGS = "hashtags", "Hashtag group"

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="snippets")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TEXT)
    name = models.CharField(max_length=80)
    text = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="one_snippet_name_per_workspace")]

    def __str__(self):
        return self.name


from firsthand.publishing.feeds.models import Feed, FeedEntry  # noqa: E402,F401 (the app's models, kept beside their code)
from firsthand.publishing.shortlinks.models import ShortLink, ShortLinkDay  # noqa: E402,F401
