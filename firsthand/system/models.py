from django.db import models
from django.utils import timezone


class WorkerHeartbeat(models.Model):
    """A running background worker says it is alive; /healthz reports the newest beat."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    embedded = models.BooleanField(default=False)  # runs inside `firsthand serve`
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"{self.hostname}:{self.pid} ({self.worker_id})"
