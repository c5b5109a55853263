"""Meta's side of a webhook, for the Facebook, Instagram and Threads tests: the subscription handshake
and signed deliveries (developers.facebook.com/docs/graph-api/webhooks/getting-started)."""

import hashlib
import hmac
import json

from django.urls import reverse

from firsthand.networks.facebook.webhook import verify_token


def address(app) -> str:
    return reverse(f"networks:{app.network}_webhook", kwargs={"app_id": app.pk})


def handshake(client, app, token=None, challenge="1158201444"):
    """Meta's verification request, with the app's verify token unless another is given."""
    hello = {"hub.mode": "subscribe", "hub.verify_token": token or verify_token(app), "hub.challenge": challenge}
    return client.get(address(app), hello)


def signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(client, app, payload, secret=None):
    """A delivery as Meta makes it: the JSON body signed with the app secret (or with `secret`)."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return client.post(
        address(app),
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature(body, secret or app.client_secret),
    )
