"""This server's VAPID key pair (RFC 8292): from FIRSTHAND_VAPID_PRIVATE_KEY (or its _FILE), else made once
into the data dir. Browsers tie each subscription to the public key, so a key that changed would silence
every device until it subscribes again: hence kept, not made at each start. Never logged or shown; the
page gets the public key only."""

import base64
import functools

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from py_vapid import Vapid

from firsthand.conf import kept_secret


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def new_private_key() -> str:
    # The raw 32-byte scalar, base64url: the form py_vapid reads and `vapid --gen` users paste.
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


@functools.cache
def vapid() -> Vapid:
    private = settings.VAPID_PRIVATE_KEY or kept_secret(settings.DATA_DIR, "vapid_private_key", new_private_key)
    return Vapid.from_string(private)


def public_key() -> str:
    """The application server key a browser's PushManager.subscribe() takes: the uncompressed point, base64url."""
    point = vapid().public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url(point)


def subject() -> str:
    """The `sub` claim: how a push service's operator reaches whoever runs this server."""
    if settings.VAPID_SUBJECT:
        return settings.VAPID_SUBJECT
    if settings.BASE_URL.startswith("https://"):
        return settings.BASE_URL
    return "mailto:" + settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].rstrip(">").strip()
