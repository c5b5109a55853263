"""Signed-in devices: each session a person holds, with what browser, from where, last seen when; ended one by one.

A session carries the id of its device row; a session whose row is gone
is signed out on its next request, whatever the session backend.
Last seen is written at most once a minute per device, not on every request.
"""

from datetime import timedelta

from django.contrib.auth import logout
from django.utils import timezone

from firsthand.team.models import Device

DEVICE_SESSION_KEY = "firsthand.device"
SEEN_EVERY = timedelta(minutes=1)


def summarise_agent(agent: str) -> str:
    browser = next((name for key, name in BROWSERS if key in agent), "A browser")
    system = next((name for key, name in SYSTEMS if key in agent), "")
    return f"{browser} on {system}" if system else browser


# Order matters: Edge's and Chrome's agents say Safari too, Chrome's says Chrome.
BROWSERS = [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"), ("curl/", "curl")]
SYSTEMS = [
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
]


class DeviceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self.track(request)
        return self.get_response(request)

    def track(self, request):
        now = timezone.now()
        device_id = request.session.get(DEVICE_SESSION_KEY)
        if device_id is None:
            device = Device.objects.create(
                user=request.user,
                agent=summarise_agent(request.headers.get("User-Agent", ""))[:100],
                ip=request.META.get("REMOTE_ADDR", "")[:45],
                last_seen=now,
            )
            request.session[DEVICE_SESSION_KEY] = device.pk
            return
        # One primary-key read a request: a device ended elsewhere (or by an owner) is signed out at once.
        last_seen = Device.objects.filter(pk=device_id, user=request.user).values_list("last_seen", flat=True).first()
        if last_seen is None:
            logout(request)
        elif last_seen < now - SEEN_EVERY:
            Device.objects.filter(pk=device_id).update(last_seen=now, ip=request.META.get("REMOTE_ADDR", "")[:45])
