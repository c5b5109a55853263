"""Settings → Webhooks: thin pages over webhooks/operations.py."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability
from firsthand.webhooks import operations
from firsthand.webhooks.events import EVENTS
from firsthand.webhooks.forms import EditEndpointForm, EndpointForm
from firsthand.webhooks.models import Delivery, Endpoint
from firsthand.webhooks.states import FINAL_STATES

SECRET_SESSION_KEY = "firsthand.webhook_secret"  # nosec B105 # the name of a session key, not a secret


def endpoint_of(membership, endpoint_id) -> Endpoint:
    # Another workspace's endpoint is a 404, like anything else of theirs.
    return get_object_or_404(Endpoint, pk=endpoint_id, workspace=membership.workspace)


@workspace_view(Capability.MANAGE_WEBHOOKS)
def webhooks(request, membership):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = operations.create_endpoint(
                membership, form.cleaned_data["url"], form.cleaned_data["events"], form.cleaned_data["description"]
            )
        except operations.WebhookError as refusal:
            form.add_error(refusal.field, str(refusal))
        else:
            # Shown once, on the next page, then gone from the session: only the encrypted copy stays.
            request.session[SECRET_SESSION_KEY] = {"endpoint": endpoint.pk, "secret": secret}
            return redirect("webhooks:endpoint", slug=membership.workspace.slug, endpoint_id=endpoint.pk)
    endpoints = operations.endpoints(membership)
    return render(
        request,
        "webhooks/webhooks.html",
        {"active": "settings", "form": form, "endpoints": endpoints, "event_count": len(EVENTS)},
        status=400 if form.errors else 200,
    )


@workspace_view(Capability.MANAGE_WEBHOOKS)
def endpoint(request, membership, endpoint_id):
    endpoint = endpoint_of(membership, endpoint_id)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EditEndpointForm(request.POST or None, initial={**initial, "enabled": endpoint.enabled})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            operations.update_endpoint(
                membership,
                endpoint,
                url=data["url"],
                events=data["events"],
                description=data["description"],
                enabled=data["enabled"],
            )
        except operations.WebhookError as refusal:
            form.add_error(refusal.field, str(refusal))
        else:
            messages.success(request, "Webhook saved.")
            return redirect("webhooks:endpoint", slug=membership.workspace.slug, endpoint_id=endpoint.pk)
    shown = request.session.get(SECRET_SESSION_KEY)
    secret = None
    if shown and shown.get("endpoint") == endpoint.pk:
        secret = shown["secret"]
        del request.session[SECRET_SESSION_KEY]
    return render(
        request,
        "webhooks/endpoint.html",
        {
            "active": "settings",
            "endpoint": endpoint,
            "form": form,
            "secret": secret,
            "deliveries": operations.deliveries(membership, endpoint),
            "final_states": FINAL_STATES,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@workspace_view(Capability.MANAGE_WEBHOOKS)
def send_test(request, membership, endpoint_id):
    endpoint = endpoint_of(membership, endpoint_id)
    try:
        operations.send_test(membership, endpoint)
    except operations.WebhookError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Test event queued; it shows below within a few seconds.")
    return redirect("webhooks:endpoint", slug=membership.workspace.slug, endpoint_id=endpoint.pk)


@require_POST
@workspace_view(Capability.MANAGE_WEBHOOKS)
def delete(request, membership, endpoint_id):
    endpoint = endpoint_of(membership, endpoint_id)
    operations.delete_endpoint(membership, endpoint)
    messages.success(request, f"Webhook to {endpoint.url} removed; nothing more is sent there.")
    return redirect("webhooks:webhooks", slug=membership.workspace.slug)


@require_POST
@workspace_view(Capability.MANAGE_WEBHOOKS)
def redeliver(request, membership, webhook_delivery_id):
    delivery = get_object_or_404(
        Delivery.objects.select_related("endpoint"), pk=webhook_delivery_id, endpoint__workspace=membership.workspace
    )
    try:
        operations.redeliver(membership, delivery)
    except operations.WebhookError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"{delivery.kind} queued to be sent again, with the same webhook-id.")
    return redirect("webhooks:endpoint", slug=membership.workspace.slug, endpoint_id=delivery.endpoint_id)
