from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from firsthand.system.models import WorkerHeartbeat


@never_cache
def healthz(request):
    """200 while the database answers: "ok", or "degraded" when no worker beats; 503 "error" when the
    database does not answer.

    A missing or stale worker does not make this fail: the web app still works, and monitoring can alert
    on "degraded". Anyone may ask, so only a signed-in owner sees the details (database vendor, the
    beat's age, how many workers run): what a stranger needs to know is whether it is up.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        newest = WorkerHeartbeat.objects.order_by("-beat_at").first()
        live = WorkerHeartbeat.objects.filter(
            beat_at__gte=timezone.now() - timezone.timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
        ).count()
    except DatabaseError as error:
        details = {"database": {"ok": False, "error": error.__class__.__name__}}
        return JsonResponse({"status": "error", **(details if is_owner(request) else {})}, status=503)
    age = round((timezone.now() - newest.beat_at).total_seconds(), 1) if newest else None
    worker_ok = age is not None and age <= 3 * settings.WORKER_HEARTBEAT_SECONDS
    details = {
        "database": {"ok": True, "vendor": connection.vendor},
        "worker": {"ok": worker_ok, "heartbeat_age_seconds": age, "live_workers": live},
    }
    return JsonResponse({"status": "ok" if worker_ok else "degraded", **(details if is_owner(request) else {})})


def is_owner(request) -> bool:
    """Signed in and owner of some workspace (the database may be the thing that is down: then no)."""
    from firsthand.team.models import Membership
    from firsthand.team.permissions import Role

    try:
        user = request.user
        return user.is_authenticated and Membership.objects.filter(user=user, role=Role.OWNER).exists()
    except DatabaseError:
        return False
