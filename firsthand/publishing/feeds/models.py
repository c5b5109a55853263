from django.conf import settings
from django.db import models
from django.utils import timezone


class Feed(models.Model):
    """An RSS or Atom feed (the business's blog, a supplier's news) whose new entries become posts."""

    class Mode(models.TextChoices):
        DRAFT = "draft", "As drafts for a person to check and send"
        QUEUE = "queue", "Into each account's queue (through the checks and approvals)"

    workspace = models.ForeignKey("team.Workspace", on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=200, blank=True)
    accounts = models.ManyToManyField("networks.ConnectedAccount", related_name="+")
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.DRAFT)
    template = models.TextField(default="{title}\n\n{link}")
    # Whose posts they are: the person who added the feed, checked as any author is when each post is made.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    enabled = models.BooleanField(default=True)
    next_check_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    failures = models.PositiveIntegerField(default=0)
    etag = models.CharField(max_length=200, blank=True)
    modified = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["title", "url"]
        constraints = [models.UniqueConstraint(fields=["workspace", "url"], name="one_feed_per_url_per_workspace")]

    def __str__(self):
        return self.title or self.url


class FeedEntry(models.Model):
    """One entry seen in a feed, kept so that it becomes a post once however often the feed repeats it."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="entries")
    key = models.CharField(max_length=64)  # sha256 of the entry's id, or of its link when it has none
    title = models.CharField(max_length=300, blank=True)
    link = models.URLField(max_length=2000, blank=True)
    excerpt = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(default=timezone.now)
    post = models.ForeignKey("publishing.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Entries already in the feed when it was added are remembered, not posted: nobody wants last year's
    # twenty blog posts in the queue at once.
    skipped = models.BooleanField(default=False)
    outcome = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-seen_at"]
        constraints = [models.UniqueConstraint(fields=["feed", "key"], name="one_entry_per_key_per_feed")]
