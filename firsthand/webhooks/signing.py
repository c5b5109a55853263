"""Signatures as the Standard Webhooks specification writes them, so a receiver can use any of its libraries.

# Reference: https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
# ("Signature scheme" and "Webhook headers"): the signed content is "{msg_id}.{timestamp}.{payload}", the
# signature HMAC-SHA256 with the secret (base64 after "whsec_", at least 24 random bytes), sent as
# "v1,<base64>" in webhook-signature, with webhook-id and webhook-timestamp (unix seconds) beside it.
"""

import base64
import hashlib
import hmac
import secrets
import uuid

PREFIX = "whsec_"
SECRET_BYTES = 32  # the spec asks for 24 to 64


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def new_event_id() -> str:
    # No "." in it: the id is a field of the signed content, which full stops delimit.
    return "msg_" + uuid.uuid4().hex


def key_of(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{event_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key_of(secret), signed, hashlib.sha256).digest()).decode()


def headers(secret: str, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, event_id, timestamp, body),
        "content-type": "application/json",
    }


def verify(secret: str, received: dict[str, str], body: bytes) -> bool:
    """What a receiver does (used by the tests' receiver and shown in the docs): any v1 signature may match."""
    expected = signature(secret, received["webhook-id"], int(received["webhook-timestamp"]), body)
    return any(hmac.compare_digest(expected, given) for given in received["webhook-signature"].split(" "))
