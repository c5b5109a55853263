"""/api/v1/webhooks: an owner's or manager's program manages the workspace's webhooks through the same
operations as Settings → Webhooks, and the events reach a real local receiver signed."""

import pytest

from firsthand.audit.models import AuditEvent
from firsthand.webhooks import engine
from firsthand.webhooks.models import Delivery, Endpoint
from firsthand.webhooks.tests.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


def test_a_manager_token_adds_an_endpoint_gets_its_secret_once_and_a_signed_test_event_arrives(
    team, token_for, call, receiver
):
    secret = token_for("manager", by="manager")
    made = call(secret, "post", "/webhooks", {"url": receiver.url("/hook"), "events": ["post.published"]})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["secret"].startswith("whsec_") and body["events"] == ["post.published"]
    receiver.secrets["/hook"] = body["secret"]
    listed = call(secret, "get", "/webhooks").json()
    assert [e["id"] for e in listed] == [body["id"]] and "secret" not in listed[0]
    assert "secret" not in call(secret, "get", f"/webhooks/{body['id']}").json()
    tested = call(secret, "post", f"/webhooks/{body['id']}/test")
    assert tested.status_code == 201 and tested.json()["state"] == "pending"
    engine.send_due_now("test")
    arrived = receiver.at("/hook")
    assert len(arrived) == 1 and arrived[0].verified
    log = call(secret, "get", f"/webhooks/{body['id']}").json()["deliveries"]
    assert log[0]["state"] == "delivered" and log[0]["response_status"] == 200
    again = call(secret, "post", f"/webhooks/deliveries/{log[0]['id']}/redeliver")
    assert again.status_code == 201 and again.json()["event_id"] == log[0]["event_id"]
    assert AuditEvent.objects.filter(action="webhooks.endpoint_added", summary__contains="via API token").exists()


def test_a_change_and_a_removal_go_through_the_operations(team, token_for, call, receiver):
    secret = token_for("owner")
    made = call(secret, "post", "/webhooks", {"url": receiver.url("/a"), "events": ["post.failed"]}).json()
    changed = call(
        secret,
        "put",
        f"/webhooks/{made['id']}",
        {"url": receiver.url("/b"), "events": ["post.failed", "conversation.overdue"], "enabled": False},
    )
    assert changed.status_code == 200 and changed.json()["enabled"] is False
    refused = call(secret, "post", f"/webhooks/{made['id']}/test")
    assert refused.status_code == 422 and "Turn the endpoint on first" in refused.json()["error"]["message"]
    assert call(secret, "delete", f"/webhooks/{made['id']}").status_code == 204
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://10.0.0.5/hook", "events": ["post.failed"]}, "url"),
        ({"url": "http://127.0.0.1:9/x", "events": ["not.an.event"]}, "events"),
        ({"url": "ftp://hooks.example.com/x", "events": ["post.failed"]}, "url"),
    ],
)
def test_a_private_address_or_no_known_event_is_refused_naming_the_field(team, token_for, call, settings, body, field):
    if field == "url":
        settings.OUTBOUND_ALLOWED_NETWORKS = []  # as in production: this machine's own addresses refused
    answer = call(token_for("owner"), "post", "/webhooks", body)
    assert answer.status_code == 422
    assert answer.json()["error"]["fields"][0]["field"] == field
    assert not Endpoint.objects.exists()


def test_staff_and_viewer_tokens_are_refused_and_another_workspaces_endpoint_is_a_404(team, token_for, call):

    for persona in ("staff", "viewer"):
        assert call(token_for(persona), "get", "/webhooks").status_code == 403
        assert (
            call(token_for(persona), "post", "/webhooks", {"url": "https://a.example/x", "events": []}).status_code
            == 403
        )
    elsewhere = team.outsider.memberships.get()
    theirs = Endpoint(workspace=elsewhere.workspace, url="https://hooks.example.com/theirs", events=["post.failed"])
    theirs.secret = "whsec_" + "A" * 32
    theirs.save()
    delivery = Delivery.objects.create(
        endpoint=theirs, event_id="msg_x", kind="post.failed", payload={}, state="failed"
    )
    secret = token_for("owner")
    assert call(secret, "get", f"/webhooks/{theirs.pk}").status_code == 404
    assert call(secret, "delete", f"/webhooks/{theirs.pk}").status_code == 404
    assert call(secret, "post", f"/webhooks/deliveries/{delivery.pk}/redeliver").status_code == 404
    assert Endpoint.objects.filter(pk=theirs.pk).exists()
