from firsthand.audit.models import AuditEvent


def record(action: str, summary: str, *, actor=None, workspace=None, **data) -> AuditEvent:
    """Write one line of the audit log, e.g. record("team.role_changed", "Ann made Bo a manager", ...)."""
    return AuditEvent.objects.create(
        workspace=workspace,
        actor=actor,
        actor_label=(actor.email if actor else "system"),
        action=action,
        summary=summary[:500],
        data=data,
    )
