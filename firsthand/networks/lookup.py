"""Exactly once where the network has no idempotency key (X, Facebook): reserve, then look before retrying.

Before the first attempt, what is about to be sent is written down (its time, a digest of its text, what
it answers) under the delivery's key, in the ReservedRecordKey table, committed before the network call.
A retry after a lost answer then asks the network for the account's own posts since that time and takes
the one with that text as the post already made; finding nothing, it sends again.
"""

import hashlib
import json
import time


def digest(text: str) -> str:
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:40]


def reserve(account, idempotency_key: str, text: str, parent: str | None = None) -> None:
    from firsthand.networks.models import ReservedRecordKey

    note = {"at": int(time.time()), "text": digest(text), "parent": parent}
    ReservedRecordKey.for_attempt(account, idempotency_key, lambda: json.dumps(note))


def reservation(account, idempotency_key: str) -> dict | None:
    """What the first attempt under this key was about to send, or None when nothing was tried."""
    from firsthand.networks.models import ReservedRecordKey

    found = ReservedRecordKey.reserved(account, idempotency_key)
    return json.loads(found) if found else None
