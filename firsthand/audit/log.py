"""Writing and checking the audit log.

Entries form one hash chain per workspace (and one for the system): each
carries its place in the chain (`seq`) and the hash of the one before, and
the chain's head row keeps the length and the last hash. Appending locks
the head row first (SELECT ... FOR UPDATE on PostgreSQL; SQLite has one
writer, and firsthand's transactions take it at BEGIN), so two writers take
turns instead of both appending after the same entry; the unique
(chain, seq) constraint refuses a fork even if they did not.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from firsthand.audit.chain import as_stored, chain_key, entry_hash
from firsthand.audit.models import AuditChainHead, AuditEvent


def record(action: str, summary: str, *, actor=None, workspace=None, **data) -> AuditEvent:
    """Write one line of the audit log, e.g. record("team.role_changed", "Ann made Bo a manager", ...)."""
    workspace_id = workspace.pk if workspace is not None else None
    key = chain_key(workspace_id)
    with transaction.atomic():
        head = _locked_head(key)
        event = AuditEvent(
            workspace_id=workspace_id,
            actor=actor,
            actor_label=(actor.email if actor else "system"),
            action=action,
            summary=summary[:500],
            data=as_stored(data),
            created_at=timezone.now(),
            chain=key,
            seq=head.length + 1,
            prev_hash=head.last_hash,
        )
        event.hash = entry_hash(_fields(event))
        event.save()
        head.length, head.last_hash = event.seq, event.hash
        head.save(update_fields=["length", "last_hash"])
    return event


def _locked_head(key: str) -> AuditChainHead:
    try:
        return AuditChainHead.objects.select_for_update().get(chain=key)
    except AuditChainHead.DoesNotExist:
        # The chain's first entry. Two writers may both get here: the insert
        # of one is ignored, and both then wait for the lock on the same row.
        AuditChainHead.objects.bulk_create([AuditChainHead(chain=key)], ignore_conflicts=True)
        return AuditChainHead.objects.select_for_update().get(chain=key)


def _fields(event: AuditEvent) -> dict:
    return {
        "chain": event.chain,
        "seq": event.seq,
        "prev_hash": event.prev_hash,
        "workspace_id": event.workspace_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "summary": event.summary,
        "data": event.data,
        "created_at": event.created_at,
    }


@dataclass
class Verification:
    entries: int = 0
    chains: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


VALUES = ("id", "chain", "seq", "prev_hash", "hash", "workspace_id", "actor_label", "action", "summary", "data")


def verify() -> Verification:
    """Walk every chain and say which entries were changed or removed."""
    result = Verification()
    heads = {head.chain: head for head in AuditChainHead.objects.all()}
    chains = set(heads) | set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    for key in sorted(chains):
        result.chains += 1
        _verify_chain(key, heads.get(key), result)
    return result


def _verify_chain(key: str, head: AuditChainHead | None, result: Verification) -> None:
    problems = result.problems
    entries = AuditEvent.objects.filter(chain=key).order_by("seq").values(*VALUES, "created_at")
    previous = None  # the last entry read: its id, seq and hash
    for entry in entries.iterator(chunk_size=2000):
        result.entries += 1
        expected_seq = previous["seq"] + 1 if previous else 1
        where = (
            f"entry {entry['id']} ({key} #{entry['seq']}, {entry['created_at']:%Y-%m-%d %H:%M:%S}, {entry['action']})"
        )
        if entry_hash(entry) != entry["hash"]:
            problems.append(f"{where} was changed: its content no longer matches its hash.")
        if entry["seq"] > expected_seq:
            gone = entry["seq"] - expected_seq
            problems.append(f"{gone} entr{'y' if gone == 1 else 'ies'} removed from {key} just before {where}.")
        elif previous and entry["prev_hash"] != previous["hash"]:
            problems.append(
                f"entry {previous['id']} ({key} #{previous['seq']}) was changed or replaced: "
                f"{where} follows a different entry."
            )
        elif not previous and entry["seq"] == 1 and entry["prev_hash"]:
            problems.append(f"{where} claims to follow an entry, but it starts the chain.")
        previous = entry
    length = previous["seq"] if previous else 0
    if head is None:
        problems.append(f"the head of {key} is missing: it may have been emptied or rewritten.")
    elif head.length > length:
        gone = head.length - length
        problems.append(
            f"the last {gone} entr{'y' if gone == 1 else 'ies'} of {key} were removed (it had {head.length})."
        )
    elif head.length < length or (previous and head.last_hash != previous["hash"]):
        problems.append(
            f"the end of {key} does not match its head: entries were added or rewritten behind firsthand's back."
        )
