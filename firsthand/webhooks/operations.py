"""Outgoing webhooks, done once for every door (pages, and later the API, MCP and the command line):
endpoints made, changed, tested and removed, deliveries sent again, and `emit`, which the other apps'
operations call when something happens."""

import ipaddress
import logging
import socket
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from firsthand.audit.log import record
from firsthand.networks import safe_http
from firsthand.team.access import require
from firsthand.team.permissions import Capability
from firsthand.webhooks import signing
from firsthand.webhooks.events import EVENTS, TEST_EVENT
from firsthand.webhooks.models import Delivery, Endpoint
from firsthand.webhooks.states import FINAL_STATES

logger = logging.getLogger("firsthand.webhooks")


class WebhookError(Exception):
    """A refusal worded for the person who asked; `field` names the form field it is about, if one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def check_url(url: str) -> str:
    """The address, if firsthand may send to it: http(s), a name that resolves, and only to public addresses.
    Checked again at every delivery (a name may later resolve elsewhere); this is so a mistake shows at once."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 # a port out of range raises here, with the other malformed addresses
    except ValueError:
        raise WebhookError("That is not a web address firsthand can read. Check it.", "url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError("Enter a full web address starting with https:// (or http://).", "url")
    if parts.username or parts.password:
        raise WebhookError(
            "Leave the user name and password out of the address; the signature proves who sends.", "url"
        )
    try:
        found = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise WebhookError(f"{parts.hostname} could not be found. Check the address.", "url") from None
    for info in found:
        if not safe_http.allowed(ipaddress.ip_address(info[4][0].split("%", 1)[0])):
            raise WebhookError(
                f"{parts.hostname} is a private or local address. firsthand sends webhooks only to public "
                "internet addresses, so nobody can use them to reach this server's own network.",
                "url",
            )
    return url


def clean_events(events) -> list[str]:
    chosen = [name for name in EVENTS if name in set(events or ())]
    if not chosen:
        raise WebhookError("Choose at least one event to send.", "events")
    return chosen


def create_endpoint(membership, url: str, events, description: str = "") -> tuple[Endpoint, str]:
    """The new endpoint and its signing secret, which is shown this once and never again."""
    require(membership, Capability.MANAGE_WEBHOOKS)
    url, events = check_url(url), clean_events(events)
    secret = signing.new_secret()
    endpoint = Endpoint(
        workspace=membership.workspace,
        url=url,
        events=events,
        description=(description or "").strip()[:200],
        created_by=membership.user,
    )
    endpoint.secret = secret
    with transaction.atomic():
        endpoint.save()
        record(
            "webhooks.endpoint_added",
            f"{membership.user} added the webhook endpoint {url}",
            actor=membership.user,
            workspace=membership.workspace,
            endpoint=endpoint.pk,
            events=events,
        )
    return endpoint, secret


def update_endpoint(membership, endpoint: Endpoint, *, url: str, events, description: str, enabled: bool) -> Endpoint:
    require(membership, Capability.MANAGE_WEBHOOKS)
    own(membership, endpoint)
    endpoint.url, endpoint.events = check_url(url), clean_events(events)
    endpoint.description = (description or "").strip()[:200]
    if enabled and not endpoint.enabled:
        # Turned on again: a clean start, so the next failure is counted from one.
        endpoint.failing, endpoint.failing_reason, endpoint.failures_in_a_row = False, "", 0
    endpoint.enabled = enabled
    with transaction.atomic():
        endpoint.save()
        record(
            "webhooks.endpoint_changed",
            f"{membership.user} changed the webhook endpoint {endpoint.url}" + ("" if enabled else " (turned off)"),
            actor=membership.user,
            workspace=membership.workspace,
            endpoint=endpoint.pk,
            events=endpoint.events,
        )
    return endpoint


def delete_endpoint(membership, endpoint: Endpoint) -> None:
    require(membership, Capability.MANAGE_WEBHOOKS)
    own(membership, endpoint)
    with transaction.atomic():
        record(
            "webhooks.endpoint_removed",
            f"{membership.user} removed the webhook endpoint {endpoint.url}",
            actor=membership.user,
            workspace=membership.workspace,
            endpoint=endpoint.pk,
        )
        endpoint.delete()


def send_test(membership, endpoint: Endpoint) -> Delivery:
    require(membership, Capability.MANAGE_WEBHOOKS)
    own(membership, endpoint)
    if not endpoint.enabled:
        raise WebhookError("Turn the endpoint on first; a turned-off endpoint is sent nothing.")
    payload = event_payload(
        membership.workspace, TEST_EVENT, {"message": "A test event from firsthand.", "sent_by": str(membership.user)}
    )
    delivery = Delivery.objects.create(
        endpoint=endpoint, event_id=signing.new_event_id(), kind=TEST_EVENT, payload=payload
    )
    record(
        "webhooks.test_sent",
        f"{membership.user} sent a test event to {endpoint.url}",
        actor=membership.user,
        workspace=membership.workspace,
        endpoint=endpoint.pk,
    )
    return delivery


def redeliver(membership, delivery: Delivery) -> Delivery:
    """The same event again, with the same webhook-id (receivers that already have it can tell), as a new
    delivery with its own attempts; the old one stays in the log as it ended."""
    require(membership, Capability.MANAGE_WEBHOOKS)
    own(membership, delivery.endpoint)
    if delivery.state not in FINAL_STATES:
        raise WebhookError("This delivery is still being tried; wait for it to succeed or fail first.")
    if not delivery.endpoint.enabled:
        raise WebhookError("Turn the endpoint on first; a turned-off endpoint is sent nothing.")
    again = Delivery.objects.create(
        endpoint=delivery.endpoint,
        event_id=delivery.event_id,
        kind=delivery.kind,
        payload=delivery.payload,
        redelivery_of=delivery,
    )
    record(
        "webhooks.redelivered",
        f"{membership.user} sent {delivery.kind} ({delivery.event_id}) to {delivery.endpoint.url} again",
        actor=membership.user,
        workspace=membership.workspace,
        endpoint=delivery.endpoint_id,
        delivery=delivery.pk,
    )
    return again


def endpoints(membership):
    require(membership, Capability.MANAGE_WEBHOOKS)
    return Endpoint.objects.filter(workspace=membership.workspace)


def deliveries(membership, endpoint: Endpoint, limit: int = 50):
    require(membership, Capability.MANAGE_WEBHOOKS)
    own(membership, endpoint)
    return endpoint.deliveries.all()[:limit]


def own(membership, endpoint: Endpoint) -> None:
    # Views load endpoints through the workspace already; this is the same rule for every other door.
    if endpoint.workspace_id != membership.workspace_id:
        raise WebhookError("No such webhook endpoint.")


def event_payload(workspace, kind: str, data: dict) -> dict:
    # The spec's suggested shape: type, timestamp of the event (not of the attempt), data.
    return {
        "type": kind,
        "timestamp": timezone.now().isoformat().replace("+00:00", "Z"),
        "data": {"workspace": workspace.slug, **data},
    }


def emit(workspace, kind: str, data: dict) -> None:
    """Something happened: after the transaction that made it commits, one delivery per endpoint that
    subscribed. A rolled-back change sends nothing; a failure here never undoes the change itself."""
    emit_many(workspace, kind, [data])


def emit_many(workspace, kind: str, datas: list[dict]) -> None:
    """Several events of one kind (a batch of new conversations): one look at the endpoints for them all."""
    if kind not in EVENTS:
        raise ValueError(f"Unknown webhook event {kind!r}; the names are in webhooks/events.py.")
    if not datas:
        return
    payloads = [event_payload(workspace, kind, data) for data in datas]
    workspace_id = workspace.pk

    def record_deliveries():
        try:
            subscribed = [
                e for e in Endpoint.objects.filter(workspace_id=workspace_id, enabled=True) if e.subscribed_to(kind)
            ]
            rows = []
            for payload in payloads:
                event_id = signing.new_event_id()  # one per event, the same for each endpoint
                rows += [Delivery(endpoint=e, event_id=event_id, kind=kind, payload=payload) for e in subscribed]
            Delivery.objects.bulk_create(rows, batch_size=500)
        except Exception:
            logger.exception("could not record the webhook deliveries of %s", kind)

    transaction.on_commit(record_deliveries, robust=True)
