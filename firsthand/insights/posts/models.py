from django.db import models
from django.utils import timezone


class PostFigures(models.Model):
    """The network's latest figures for one published post variant (one Delivery), so the Posts tab never
    calls a network. One row per delivery, overwritten at each read: the figures are totals to date, so
    keeping one row is what makes a sum over posts count nothing twice.

    None in a figure: the network does not give it (a dash on the page, never a 0). `error` says, in the
    network's words, why the last read failed; the figures of the read before stay."""

    delivery = models.OneToOneField("publishing.Delivery", on_delete=models.CASCADE, related_name="figures")
    replies = models.PositiveIntegerField(null=True, blank=True)  # as the network counts them
    likes = models.PositiveIntegerField(null=True, blank=True)
    reposts = models.PositiveIntegerField(null=True, blank=True)
    quotes = models.PositiveIntegerField(null=True, blank=True)
    clicks = models.PositiveIntegerField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    next_fetch_at = models.DateTimeField(default=timezone.now)
    error = models.CharField(max_length=500, blank=True)
    error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["next_fetch_at"], name="post_figures_due")]

    def __str__(self):
        return f"figures of delivery {self.delivery_id}"
