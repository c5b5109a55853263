"""Events come from the real operations, after their transaction commits, to the endpoints that asked."""

import pytest

from firsthand.guard import approvals, crisis
from firsthand.inbox import escalations, ingest
from firsthand.inbox import operations as inbox
from firsthand.inbox.models import Conversation, Escalation
from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent
from firsthand.networks.testing import connect_sandbox_account
from firsthand.publishing import engine as publishing_engine
from firsthand.publishing import operations as publishing
from firsthand.webhooks import engine
from firsthand.webhooks.events import EVENTS
from firsthand.webhooks.models import Delivery

pytestmark = pytest.mark.django_db

FLAGGED = "Every driver in this city is a f*cking idiot"


@pytest.fixture
def brand(team):
    return connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)


@pytest.fixture
def hook(endpoint_at):
    return endpoint_at("/hook", events=list(EVENTS))


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run an operation as a request would: its transaction commits, so its events are recorded."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def kinds(endpoint):
    return [d.kind for d in Delivery.objects.filter(endpoint=endpoint).order_by("pk")]


def test_approving_a_post_emits_approval_decided_and_post_scheduled(team, brand, hook, committed, receiver):
    post = publishing.save_post(team.membership("staff"), accounts=[brand], text=FLAGGED)
    committed(publishing.schedule, team.membership("staff"), post, None)
    assert kinds(hook) == ["approval.asked"]

    committed(approvals.approve, team.membership("manager"), post)

    assert kinds(hook) == ["approval.asked", "post.scheduled", "approval.decided"]
    decided = Delivery.objects.get(endpoint=hook, kind="approval.decided")
    assert decided.payload["data"]["decision"] == "approved"
    assert decided.payload["data"]["post"]["id"] == post.pk
    engine.send_due_now("w")
    assert [r.payload["type"] for r in receiver.at("/hook")] == kinds(hook)
    assert all(r.verified for r in receiver.at("/hook"))


def test_sending_a_post_back_emits_approval_decided(team, brand, hook, committed):
    post = publishing.save_post(team.membership("staff"), accounts=[brand], text=FLAGGED)
    committed(publishing.schedule, team.membership("staff"), post, None)
    committed(approvals.send_back, team.membership("owner"), post, "Not in our voice.")
    assert Delivery.objects.get(endpoint=hook, kind="approval.decided").payload["data"]["decision"] == "sent_back"


def test_publishing_emits_post_published_with_the_link(team, brand, hook, committed):
    post = publishing.save_post(team.membership("owner"), accounts=[brand], text="Fresh rye today.")
    committed(publishing.schedule, team.membership("owner"), post, None)
    committed(publishing_engine.run_once, "w1")
    published = Delivery.objects.get(endpoint=hook, kind="post.published")
    (delivery,) = published.payload["data"]["deliveries"]
    assert delivery["state"] == "published" and delivery["account"] == brand.handle


def test_a_refused_operation_emits_nothing(team, brand, hook, committed):
    post = publishing.save_post(team.membership("staff"), accounts=[brand], text=FLAGGED)
    committed(publishing.schedule, team.membership("staff"), post, None)
    with pytest.raises(approvals.ApprovalError):
        committed(approvals.approve, team.membership("staff"), post)
    assert kinds(hook) == ["approval.asked"]


@pytest.fixture
def talk(team, brand, committed):
    SandboxEvent.objects.create(
        account=SandboxAccount.objects.get(pk=int(brand.remote_id)),
        kind="message",
        author_handle="tom",
        author_name="Tom",
        text="Can I get a refund for the cake?",
    )
    committed(ingest.poll, brand)
    committed(ingest.process_pending)
    return Conversation.objects.get()


def test_a_new_conversation_emits_conversation_created(team, hook, talk):
    created = Delivery.objects.get(endpoint=hook, kind="conversation.created")
    assert created.payload["data"]["conversation"]["id"] == talk.pk
    assert created.payload["data"]["conversation"]["url"].endswith(f"/inbox/{talk.pk}/")


def test_escalation_asked_and_answered_are_emitted(team, hook, talk, committed):
    committed(escalations.escalate, team.membership("staff"), talk, "Can we refund this?")
    asked = Delivery.objects.get(endpoint=hook, kind="escalation.asked")
    assert asked.payload["data"]["conversation"]["id"] == talk.pk
    committed(escalations.answer, team.membership("owner"), Escalation.objects.get(), "Yes, refund it.")
    answered = Delivery.objects.get(endpoint=hook, kind="escalation.answered")
    assert answered.payload["data"]["escalation"]["answered"] is True


def test_answering_and_closing_a_conversation_are_emitted(team, hook, talk, committed):
    committed(inbox.reply, team.membership("owner"), talk, "Of course, refunded.")
    assert Delivery.objects.filter(endpoint=hook, kind="conversation.answered").count() == 1
    committed(inbox.set_status, team.membership("owner"), talk, Conversation.Status.DONE)
    committed(inbox.set_status, team.membership("owner"), talk, Conversation.Status.DONE)  # already done: no event
    assert Delivery.objects.filter(endpoint=hook, kind="conversation.done").count() == 1


def test_pause_and_resume_are_emitted(team, hook, committed):
    pause = committed(crisis.pause, team.membership("manager"), "A complaint going round.")
    committed(crisis.resume, team.membership("manager"), pause, overdue="keep")
    assert kinds(hook) == ["publishing.paused", "publishing.resumed"]
    assert (
        Delivery.objects.get(kind="publishing.paused").payload["data"]["pause"]["reason"] == "A complaint going round."
    )


def test_an_endpoint_gets_only_what_it_subscribed_to(team, brand, endpoint_at, committed):
    only_pauses = endpoint_at("/pauses", events=["publishing.paused"])
    post = publishing.save_post(team.membership("owner"), accounts=[brand], text="Fresh rye today.")
    committed(publishing.schedule, team.membership("owner"), post, None)
    committed(crisis.pause, team.membership("manager"), "Storm warning.")
    assert kinds(only_pauses) == ["publishing.paused"]


def test_a_turned_off_endpoint_gets_nothing(team, hook, committed):
    hook.enabled = False
    hook.save()
    committed(crisis.pause, team.membership("manager"), "Storm warning.")
    assert not Delivery.objects.exists()


def test_every_event_name_is_emitted_somewhere():
    # The names are shared with Web Push: each must be emitted by some operation, none misspelled.
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    sources = (
        "\n".join(p.read_text() for p in root.rglob("*.py") if "tests" not in p.parts and "webhooks" not in p.parts)
        + (root / "webhooks" / "payloads.py").read_text()
    )
    emitted = set(re.findall(r'"([a-z_]+\.[a-z_]+)"', sources)) & set(EVENTS)
    assert emitted == set(EVENTS)
