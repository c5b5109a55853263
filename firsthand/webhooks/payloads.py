"""What each event says, built in one place so each call site in the other apps stays one line.

Payloads are thin, as the Standard Webhooks spec recommends ("Thin vs full payloads"): ids, the state, a
link to the page, a little text to recognise it by. What a customer wrote stays in firsthand: a receiver
that needs more asks with the ids.
"""

from django.conf import settings
from django.urls import reverse

from firsthand.webhooks.operations import emit, emit_many


def link(path: str) -> str:
    return settings.BASE_URL + path if settings.BASE_URL else path


def post_data(post, deliveries=()) -> dict:
    return {
        "post": {
            "id": post.pk,
            "text": post.text[:140],
            "url": link(reverse("publishing:post", kwargs={"slug": post.workspace.slug, "post_id": post.pk})),
        },
        "deliveries": [
            {
                "id": d.pk,
                "account": d.account.handle,
                "network": d.account.network,
                "state": d.state,
                "due_at": d.due_at.isoformat() if d.due_at else None,
                "remote_url": d.remote_url or None,
                "error": d.error or None,
            }
            for d in deliveries
        ],
    }


def post_event(kind: str, post, deliveries=(), **extra) -> None:
    emit(post.workspace, kind, {**post_data(post, deliveries), **extra})


def conversation_data(conversation, slug: str | None = None, pk: int | None = None) -> dict:
    pk = pk or conversation.pk
    path = reverse("inbox:conversation", kwargs={"slug": slug or conversation.workspace.slug, "conversation_id": pk})
    return {
        "conversation": {"id": pk, "kind": conversation.kind, "account_id": conversation.account_id, "url": link(path)}
    }


def conversation_event(kind: str, conversation, **extra) -> None:
    emit(conversation.workspace, kind, {**conversation_data(conversation), **extra})


def conversations_created(new: dict, threads: dict) -> None:
    """Filing's batch: `new` maps (account, key) to the conversations it inserted, `threads` to their rows
    (which hold the ids); one emit per workspace, so a batch of 500 looks at the endpoints once."""
    from firsthand.team.models import Workspace

    by_workspace: dict[int, list] = {}
    for key, conversation in new.items():
        by_workspace.setdefault(conversation.workspace_id, []).append((conversation, threads[key].pk))
    for workspace in Workspace.objects.filter(pk__in=by_workspace):
        made = [conversation_data(c, workspace.slug, pk) for c, pk in by_workspace[workspace.pk]]
        emit_many(workspace, "conversation.created", made)


def escalation_event(kind: str, escalation) -> None:
    conversation = escalation.conversation
    conversation_event(
        kind, conversation, escalation={"id": escalation.pk, "answered": escalation.answered_at is not None}
    )


def audit_finished(audit, state: str, error: str = "") -> None:
    account = audit.account
    emit(
        account.workspace,
        "followers.audit_finished",
        {
            "audit": {"id": audit.pk, "state": state, "error": error or None},
            "account": {"id": account.pk, "handle": account.handle, "network": account.network},
            "url": link(reverse("insights:followers", kwargs={"slug": account.workspace.slug})),
        },
    )


def pause_event(kind: str, pause) -> None:
    account = pause.account
    emit(
        pause.workspace,
        kind,
        {
            "pause": {"id": pause.pk, "reason": pause.reason},
            "account": {"id": account.pk, "handle": account.handle} if account else None,
        },
    )


def spike_event(account, alert) -> None:
    emit(
        account.workspace,
        "spike.negative",
        {
            "account": {"id": account.pk, "handle": account.handle, "network": account.network},
            "count": alert.count,
            "usual": alert.usual,
            "url": link(reverse("guard:pause", kwargs={"slug": account.workspace.slug})),
        },
    )
