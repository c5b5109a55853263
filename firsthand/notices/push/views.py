"""The "Notifications on this device" page: turn push on (the page's script subscribes through the
browser and posts the subscription here), choose what reaches each device and when not, test, remove."""

import hashlib
import json

from django.contrib import messages
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from firsthand.notices.models import PushSubscription
from firsthand.notices.push import keys
from firsthand.notices.push.events import DEFAULT_KINDS
from firsthand.notices.push.forms import DeviceForm, SubscribeForm
from firsthand.team.access import workspace_view
from firsthand.team.permissions import Capability


def mine(request, membership):
    return PushSubscription.objects.filter(workspace=membership.workspace, user=request.user)


def device_form(subscription, data=None):
    initial = {
        "label": subscription.label,
        "kinds": subscription.kinds,
        "quiet_from": subscription.quiet_from,
        "quiet_until": subscription.quiet_until,
    }
    return DeviceForm(data, initial=initial, prefix=f"d{subscription.pk}")


@workspace_view(Capability.VIEW)
def devices(request, membership):
    return page(request, membership)


def page(request, membership, bound=None):
    rows = []
    for subscription in mine(request, membership):
        form = bound if bound is not None and bound.prefix == f"d{subscription.pk}" else device_form(subscription)
        # The page finds "this device" by comparing digests, so the endpoint (a capability) is not in the page.
        digest = hashlib.sha256(subscription.endpoint.encode()).hexdigest()
        rows.append({"subscription": subscription, "form": form, "digest": digest})
    context = {"rows": rows, "public_key": keys.public_key(), "active": "notices"}
    return render(request, "notices/devices.html", context, status=400 if bound is not None else 200)


@require_POST
@workspace_view(Capability.VIEW)
def subscribe(request, membership):
    try:
        sent = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        sent = None
    if not isinstance(sent, dict):
        return JsonResponse({"error": "The browser sent something firsthand cannot read. Try again."}, status=400)
    device_keys = sent.get("keys") if isinstance(sent.get("keys"), dict) else {}
    form = SubscribeForm(
        {
            "endpoint": sent.get("endpoint"),
            "p256dh": device_keys.get("p256dh"),
            "auth": device_keys.get("auth"),
            "label": sent.get("label"),
        }
    )
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return JsonResponse({"error": f"Notifications could not be turned on: {first}"}, status=400)
    data = form.cleaned_data
    with transaction.atomic():
        # The same browser subscribing again (new keys after a reinstall) keeps its choices.
        subscription, created = PushSubscription.objects.select_for_update().get_or_create(
            workspace=membership.workspace,
            user=request.user,
            endpoint=data["endpoint"],
            defaults={"kinds": DEFAULT_KINDS, "label": data["label"], "p256dh": data["p256dh"], "auth": data["auth"]},
        )
        if not created:
            PushSubscription.objects.filter(pk=subscription.pk).update(
                p256dh=data["p256dh"], auth=data["auth"], failure_reason=""
            )
    return JsonResponse({"id": subscription.pk, "created": created}, status=201 if created else 200)


@require_POST
@workspace_view(Capability.VIEW)
def save(request, membership, subscription_id):
    subscription = get_object_or_404(mine(request, membership), pk=subscription_id)
    form = device_form(subscription, request.POST)
    if not form.is_valid():
        return page(request, membership, bound=form)
    data = form.cleaned_data
    subscription.label = data["label"]
    subscription.kinds = data["kinds"]
    subscription.quiet_from, subscription.quiet_until = data["quiet_from"], data["quiet_until"]
    subscription.save(update_fields=["label", "kinds", "quiet_from", "quiet_until"])
    messages.success(request, f"Saved what reaches {subscription}.")
    return redirect("notices:devices", slug=membership.workspace.slug)


@require_POST
@workspace_view(Capability.VIEW)
def test(request, membership, subscription_id):
    from firsthand.notices.tasks import push_notice

    subscription = get_object_or_404(mine(request, membership), pk=subscription_id)
    body = {
        "title": f"{membership.workspace.name} · A test",
        "body": "Notifications from firsthand reach this device.",
        "url": f"/w/{membership.workspace.slug}/notices/devices/",
        "tag": "test",
    }
    transaction.on_commit(lambda: push_notice.enqueue(subscription.pk, body, "normal"))
    messages.success(request, f"A test notification is on its way to {subscription}. Whether it arrived shows here.")
    return redirect("notices:devices", slug=membership.workspace.slug)


@require_POST
@workspace_view(Capability.VIEW)
def remove(request, membership, subscription_id):
    subscription = get_object_or_404(mine(request, membership), pk=subscription_id)
    subscription.delete()
    messages.success(request, f"{subscription} no longer receives notifications.")
    return redirect("notices:devices", slug=membership.workspace.slug)
