from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from firsthand.system.models import WorkerHeartbeat


@never_cache
def healthz(request):
    """200 while the database answers; says how long ago a worker last beat.

    A missing or stale worker does not make this fail: the web app still
    works, and monitoring can alert on `worker.ok` separately.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        newest = WorkerHeartbeat.objects.order_by("-beat_at").first()
        live = WorkerHeartbeat.objects.filter(
            beat_at__gte=timezone.now() - timezone.timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
        ).count()
    except DatabaseError as error:
        return JsonResponse(
            {"status": "error", "database": {"ok": False, "error": error.__class__.__name__}}, status=503
        )
    age = round((timezone.now() - newest.beat_at).total_seconds(), 1) if newest else None
    worker_ok = age is not None and age <= 3 * settings.WORKER_HEARTBEAT_SECONDS
    return JsonResponse(
        {
            "status": "ok" if worker_ok else "degraded",
            "database": {"ok": True, "vendor": connection.vendor},
            "worker": {"ok": worker_ok, "heartbeat_age_seconds": age, "live_workers": live},
        }
    )
