from django.db import models
from django.utils import timezone


class ShortLink(models.Model):
    """One link of one delivery (a post on one account) at the business's own address, /l/<code>.

    Made when the delivery is scheduled and kept for every attempt, so a retry sends the very same text.
    The target is only ever a link from the post's own text (after its campaign tags): /l/ never sends
    anyone to an address nobody wrote into a post.
    """

    delivery = models.ForeignKey("publishing.Delivery", on_delete=models.CASCADE, related_name="short_links")
    code = models.CharField(max_length=16, unique=True)
    target = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    # The post was taken down from the network: its links answer 404 from then on, their counts stay.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["delivery", "target"], name="one_code_per_link_and_delivery")]

    def __str__(self):
        return f"/l/{self.code} → {self.target}"


class ShortLinkDay(models.Model):
    """How often a short link was followed on one day (the workspace's day). Nothing else about a click is
    kept: no address, no browser, no cookie."""

    link = models.ForeignKey(ShortLink, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    clicks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["link", "day"], name="one_count_per_link_and_day")]
