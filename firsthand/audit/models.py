from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """One thing a person (or the system) did. Rows are only ever added, through `audit.log.record`.

    Each entry carries the hash of the one before it in its chain (one
    chain per workspace, one for the system), so an entry changed or
    removed behind firsthand's back shows in `firsthand audit verify`.
    """

    workspace = models.ForeignKey(
        "team.Workspace", on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    # Kept as text as well as a link: the record must survive the person's removal.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=64, db_index=True)
    summary = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    chain = models.CharField(max_length=40, default="")
    seq = models.PositiveBigIntegerField(default=0)  # 1, 2, 3... within the chain: a gap is a removed entry
    prev_hash = models.CharField(max_length=64, default="")
    hash = models.CharField(max_length=64, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Two writers that somehow read the same head cannot both append: the chain never forks.
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_one_entry_per_place_in_chain"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label}: {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit events are never changed.")
        if not self.hash:
            raise ValueError("Audit events are written by firsthand.audit.log.record, which chains them.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are never deleted one by one.")


class AuditChainHead(models.Model):
    """The end of one chain: its length and last hash.

    Appending locks this row first, so concurrent writers take turns; and it
    is how a removed last entry is noticed (the chain is shorter than its head says).
    """

    chain = models.CharField(max_length=40, primary_key=True)
    length = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self):
        return f"{self.chain}: {self.length} entries"
