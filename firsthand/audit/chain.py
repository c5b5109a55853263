"""How an audit entry is hashed: one definition for writing, verifying, and the migration that chained older entries.

An entry's hash is SHA-256 over a canonical JSON of what it says plus the
hash of the entry before it in its chain. The person is named by
`actor_label`, not by the link to their row: removing a person empties the
link (the record must outlive them) and must not look like tampering.
Changing this format breaks every chain already written.
"""

import datetime
import hashlib
import json

SYSTEM_CHAIN = "system"
HASHED_FIELDS = ("chain", "seq", "prev_hash", "workspace_id", "actor_label", "action", "summary", "data", "created_at")


def chain_key(workspace_id: int | None) -> str:
    # One chain per workspace: appends in different workspaces never wait for each other.
    return SYSTEM_CHAIN if workspace_id is None else f"workspace:{workspace_id}"


def canonical(entry: dict) -> bytes:
    fields = {name: entry[name] for name in HASHED_FIELDS}
    created_at = fields["created_at"]
    if isinstance(created_at, datetime.datetime):
        fields["created_at"] = created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: dict) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def as_stored(data):
    """The data as the database gives it back (tuples become lists, keys text): the hash written is the hash read."""
    return json.loads(json.dumps(data))
