"""Short-lived public addresses for a post's images, for networks that fetch them (Instagram, Threads).

Instagram's Content Publishing API takes an image by URL and fetches it itself, so the image must be
reachable from the internet for a while: at FIRSTHAND_BASE_URL, under a signed path that works for an
hour and names one file. Nothing else in the media storage is reachable this way.
"""

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.urls import reverse

from firsthand.networks.base import NetworkError

SALT = "firsthand.public-media"
VALID_SECONDS = 3600


def public_url(path: str, network_label: str) -> str:
    if not settings.BASE_URL:
        raise NetworkError(
            f"{network_label} fetches images from a public address: set FIRSTHAND_BASE_URL to the address "
            "this firsthand is reached at from the internet.",
            transient=False,
        )
    token = signing.dumps({"path": path}, salt=SALT, compress=True)
    return settings.BASE_URL.rstrip("/") + reverse("networks:public_media", kwargs={"token": token})


def serve(request, token):
    try:
        path = signing.loads(token, salt=SALT, max_age=VALID_SECONDS)["path"]
    except (signing.BadSignature, KeyError, TypeError):
        raise Http404("This image address has expired or was never made here.") from None
    if not default_storage.exists(path):
        raise Http404("The image is no longer here.")
    return FileResponse(default_storage.open(path, "rb"))
