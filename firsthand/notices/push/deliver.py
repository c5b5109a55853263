"""Sending one notice to the devices that asked for its kind: chosen after the notice's transaction
commits, each device in a task of its own (a push service that hangs for the whole network timeout delays
no other device), each outcome kept on the subscription for its owner to see.

Push services answer 201; 404 and 410 say the subscription is gone for good (RFC 8030 section 7.3: the
person unsubscribed or cleared the browser), so it is removed; anything else is written down with the
reason and tried again at the next notice.
"""

import ipaddress
import json
import logging
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from pywebpush import WebPushException, webpush

from firsthand.networks import safe_http
from firsthand.notices.models import PushSubscription
from firsthand.notices.push import keys
from firsthand.notices.push.events import HIGH, TITLES

logger = logging.getLogger("firsthand.notices.push")

# A notice still matters a day later (a question waiting); past that the in-app notice is enough.
TTL_SECONDS = 24 * 60 * 60
# Push services accept 4096 bytes of encrypted payload; the text stays well inside with its JSON.
MAX_BODY = 600


def endpoint_problem(endpoint: str) -> str:
    """Why this endpoint is refused, or "": an https address, never one of this machine's own or private ones.
    A name is checked again where the request connects (safe_http), as it may answer differently then."""
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname or ""
    except ValueError:
        return "That is not a push service's address."
    if not host or len(endpoint) > 1000:
        return "That is not a push service's address."
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    allowed = address is not None and safe_http.allowed(address)
    if parts.scheme != "https" and not (parts.scheme == "http" and allowed and settings.OUTBOUND_ALLOWED_NETWORKS):
        return "A push service's address starts with https://."
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")) or (address and not allowed):
        return "That push service's address is not a public one."
    return ""


def payload(workspace, kind: str, message: str, url: str) -> dict:
    title = TITLES.get(kind, "firsthand")
    body = message if len(message) <= MAX_BODY else message[: MAX_BODY - 1] + "…"
    # The tag makes a newer notice about the same page replace the older one on the phone.
    return {"title": f"{workspace.name} · {title}", "body": body, "url": url or "/app/", "tag": url or kind}


def push_later(workspace, users, kind: str, message: str, url: str) -> None:
    """After the notice's transaction commits, one task per chosen device; nothing here can undo the notice."""
    user_ids = [user.pk for user in users]
    body = payload(workspace, kind, message, url)
    urgency = "high" if kind in HIGH else "normal"
    transaction.on_commit(lambda: enqueue_for(workspace, user_ids, kind, body, urgency), robust=True)


def enqueue_for(workspace, user_ids, kind: str, body: dict, urgency: str, now=None) -> int:
    from firsthand.notices.tasks import push_notice

    now = now or timezone.now()
    queued = 0
    for subscription in chosen(workspace, user_ids, kind, now):
        push_notice.enqueue(subscription.pk, body, urgency)
        queued += 1
    return queued


def chosen(workspace, user_ids, kind: str, now) -> list[PushSubscription]:
    mine = PushSubscription.objects.filter(workspace=workspace, user_id__in=user_ids).select_related("workspace")
    # JSON containment is not on every database Django supports (SQLite lacks it), and a person has few devices.
    return [s for s in mine if kind in s.kinds and not s.quiet_at(now)]


def send(subscription: PushSubscription, body: dict, urgency: str = "normal") -> bool:
    """Encrypt and hand one notice to the device's push service; the outcome is kept on the subscription."""
    info = {"endpoint": subscription.endpoint, "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}}
    problem = endpoint_problem(subscription.endpoint)
    if problem:
        return failed(subscription, problem)
    try:
        with safe_http.session() as guarded:
            webpush(
                info,
                json.dumps(body),
                vapid_private_key=keys.vapid(),
                vapid_claims={"sub": keys.subject()},
                ttl=TTL_SECONDS,
                headers={"Urgency": urgency},
                timeout=settings.NETWORK_TIMEOUT_SECONDS,
                requests_session=guarded,
            )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in (404, 410):
            logger.info("push subscription %s is gone (%s): removed", subscription.pk, status)
            subscription.delete()
            return False
        if status is None:
            return failed(subscription, "The push service could not be reached.")
        reason = (error.response.reason or "").strip()[:80]
        return failed(subscription, f"The push service refused it: {status} {reason}".strip())
    except requests.RequestException as error:
        if safe_http.refused_in(error):
            return failed(subscription, "That push service's address is not a public one.")
        return failed(subscription, "The push service could not be reached.")
    except (ValueError, TypeError):
        # http_ece and cryptography refuse a p256dh that is not a P-256 point, or an auth secret of bad length.
        return failed(subscription, "This device's encryption keys are not valid; turn notifications on again.")
    except Exception as error:  # noqa: BLE001 - one device's surprise must not end the worker's task unrecorded
        # Its type only: the messages of requests' and urllib3's errors carry the endpoint, a capability.
        logger.warning("push to subscription %s failed unexpectedly: %s", subscription.pk, type(error).__name__)
        return failed(subscription, "Sending failed unexpectedly; firsthand tries again with the next notice.")
    PushSubscription.objects.filter(pk=subscription.pk).update(last_success_at=timezone.now(), failure_reason="")
    return True


def failed(subscription: PushSubscription, reason: str) -> bool:
    logger.info("push to subscription %s failed: %s", subscription.pk, reason)
    PushSubscription.objects.filter(pk=subscription.pk).update(last_failure_at=timezone.now(), failure_reason=reason)
    return False
