"""/api/v1/webhooks: manage the workspace's outgoing webhooks through webhooks/operations.py, as the pages do.

Owners' and managers' tokens only (MANAGE_WEBHOOKS). A new endpoint's signing secret is in the answer
to its creation and never again, as on the page.
"""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router

from firsthand.api.rest.base import ApiError, Id, Strict, Text, principal, with_errors
from firsthand.team.access import require
from firsthand.team.permissions import Capability
from firsthand.webhooks import operations
from firsthand.webhooks.models import Delivery, Endpoint

router = Router(tags=["webhooks"])


class EndpointIn(Strict):
    url: Text
    events: list[Text]
    description: Text = ""


class EndpointChange(EndpointIn):
    enabled: bool = True


class EndpointOut(Strict):
    id: int
    url: str
    description: str
    events: list[str]
    enabled: bool
    failing: bool
    failing_reason: str
    created_at: datetime


class CreatedOut(EndpointOut):
    secret: str  # whsec_…: shown in this answer only


class DeliveryOut(Strict):
    id: int
    event_id: str
    kind: str
    state: str
    attempts: int
    response_status: int | None
    error: str
    created_at: datetime
    delivered_at: datetime | None


class EndpointDetail(EndpointOut):
    deliveries: list[DeliveryOut]


def endpoint_out(endpoint: Endpoint) -> dict:
    fields = ("id", "url", "description", "events", "enabled", "failing", "failing_reason", "created_at")
    return {name: getattr(endpoint, name) for name in fields}


def delivery_out(delivery: Delivery) -> dict:
    fields = DeliveryOut.model_fields
    return {name: getattr(delivery, name) for name in fields}


def refused(error: operations.WebhookError) -> ApiError:
    fields = [{"field": error.field, "message": str(error)}] if error.field else None
    return ApiError(422, "refused", str(error), fields=fields)


def endpoint_of(who, endpoint_id: int) -> Endpoint:
    require(who, Capability.MANAGE_WEBHOOKS)
    return get_object_or_404(Endpoint, pk=endpoint_id, workspace=who.workspace)


@router.get("/webhooks", response=with_errors({200: list[EndpointOut]}), summary="List webhook endpoints")
def list_endpoints(request):
    """The workspace's webhook endpoints, with the events each is sent."""
    return [endpoint_out(endpoint) for endpoint in operations.endpoints(principal(request))]


@router.post("/webhooks", response=with_errors({201: CreatedOut}), summary="Add a webhook endpoint")
def create_endpoint(request, data: EndpointIn):
    """Add an endpoint (a public https or http address) subscribed to these events; the answer holds its
    signing secret, which is never shown again."""
    try:
        endpoint, secret = operations.create_endpoint(principal(request), data.url, data.events, data.description)
    except operations.WebhookError as error:
        raise refused(error) from None
    return 201, {**endpoint_out(endpoint), "secret": secret}


@router.get("/webhooks/{endpoint_id}", response=with_errors({200: EndpointDetail}), summary="An endpoint and its log")
def get_endpoint(request, endpoint_id: Id):
    """One endpoint with its last 50 deliveries, newest first."""
    who = principal(request)
    endpoint = endpoint_of(who, endpoint_id)
    return {
        **endpoint_out(endpoint),
        "deliveries": [delivery_out(d) for d in operations.deliveries(who, endpoint)],
    }


@router.put("/webhooks/{endpoint_id}", response=with_errors({200: EndpointOut}), summary="Change an endpoint")
def change_endpoint(request, endpoint_id: Id, data: EndpointChange):
    who = principal(request)
    endpoint = endpoint_of(who, endpoint_id)
    try:
        changed = operations.update_endpoint(
            who, endpoint, url=data.url, events=data.events, description=data.description, enabled=data.enabled
        )
    except operations.WebhookError as error:
        raise refused(error) from None
    return endpoint_out(changed)


@router.delete("/webhooks/{endpoint_id}", response=with_errors({204: None}), summary="Remove an endpoint")
def delete_endpoint(request, endpoint_id: Id):
    who = principal(request)
    operations.delete_endpoint(who, endpoint_of(who, endpoint_id))
    return 204, None


@router.post("/webhooks/{endpoint_id}/test", response=with_errors({201: DeliveryOut}), summary="Send a test event")
def send_test(request, endpoint_id: Id):
    who = principal(request)
    try:
        delivery = operations.send_test(who, endpoint_of(who, endpoint_id))
    except operations.WebhookError as error:
        raise refused(error) from None
    return 201, delivery_out(delivery)


@router.post(
    "/webhooks/deliveries/{delivery_id}/redeliver",
    response=with_errors({201: DeliveryOut}),
    summary="Send a delivery again",
)
def redeliver(request, delivery_id: Id):
    """The same event, with the same webhook-id, as a new delivery (only once the first has ended)."""
    who = principal(request)
    require(who, Capability.MANAGE_WEBHOOKS)
    delivery = get_object_or_404(
        Delivery.objects.select_related("endpoint"), pk=delivery_id, endpoint__workspace=who.workspace
    )
    try:
        again = operations.redeliver(who, delivery)
    except operations.WebhookError as error:
        raise refused(error) from None
    return 201, delivery_out(again)
