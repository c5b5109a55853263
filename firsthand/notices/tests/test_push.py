"""Web Push against a local push service that checks the VAPID signature and decrypts the payload."""

import json
import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from firsthand.inbox import escalations, ingest
from firsthand.inbox.models import Conversation
from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent
from firsthand.networks.testing import connect_sandbox_account
from firsthand.notices.models import Notice, PushSubscription
from firsthand.notices.push import keys
from firsthand.notices.push.events import DEFAULT_KINDS
from firsthand.notices.send import notify
from firsthand.notices.tests.push_service import PushService

pytestmark = pytest.mark.django_db


@pytest.fixture
def service():
    with PushService(keys.public_key()) as running:
        yield running


@pytest.fixture
def talk(team):
    account = connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    SandboxEvent.objects.create(
        account=SandboxAccount.objects.get(pk=int(account.remote_id)),
        kind="message",
        author_handle="tom",
        author_name="Tom",
        text="Can I get a refund for the cake?",
    )
    ingest.poll(account)
    ingest.process_pending()
    return Conversation.objects.get()


def subscribe(service, team, user, *, kinds=DEFAULT_KINDS, status=201, **fields):
    device = service.subscribe(status=status)
    subscription = PushSubscription.objects.create(
        workspace=team.workspace,
        user=user,
        endpoint=service.endpoint(device),
        p256dh=device.p256dh,
        auth=device.auth,
        kinds=list(kinds),
        **fields,
    )
    return device, subscription


def conversation_url(talk):
    return reverse("inbox:conversation", kwargs={"slug": talk.workspace.slug, "conversation_id": talk.pk})


def test_an_escalation_by_staff_reaches_the_owners_phone_signed_and_decryptable(
    team, talk, service, client_for, django_capture_on_commit_callbacks
):
    device = service.subscribe()
    client = client_for(team.owner)
    answer = client.post(
        reverse("notices:subscribe", kwargs={"slug": team.workspace.slug}),
        json.dumps(
            {
                "endpoint": service.endpoint(device),
                "keys": {"p256dh": device.p256dh, "auth": device.auth},
                "label": "Phone",
            }
        ),
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    with django_capture_on_commit_callbacks(execute=True):
        escalations.escalate(team.membership("staff"), talk, "Can we refund the cake?")

    assert service.refused == []
    [pushed] = service.received
    assert pushed.token == device.token
    assert pushed.payload["url"] == conversation_url(talk)
    assert pushed.payload["title"] == "Corner Café · A question for the owner"
    assert "asks you about" in pushed.payload["body"] and "Can we refund the cake?" in pushed.payload["body"]
    assert pushed.claims["aud"] == service.origin
    assert pushed.headers["ttl"] == str(24 * 3600)
    assert pushed.headers["urgency"] == "high"
    subscription = PushSubscription.objects.get()
    assert subscription.last_success_at is not None and subscription.failure_reason == ""
    assert Notice.objects.filter(user=team.owner).exists()  # the in-app notice as before


def test_a_device_receives_only_the_kinds_its_owner_chose(team, talk, service, django_capture_on_commit_callbacks):
    subscribe(service, team, team.owner, kinds=["post.failed"])
    chosen, _ = subscribe(service, team, team.owner, kinds=["escalation.asked"])
    with django_capture_on_commit_callbacks(execute=True):
        escalations.escalate(team.membership("staff"), talk, "Refund?")
        notify(team.workspace, [team.owner], "No kind: in the app only")
    assert [pushed.token for pushed in service.received] == [chosen.token]


def test_quiet_hours_on_the_workspaces_clock_hold_pushes_but_not_the_notice(
    team, talk, service, django_capture_on_commit_callbacks
):
    team.workspace.timezone = "Asia/Tokyo"
    team.workspace.save()
    here = timezone.now().astimezone(ZoneInfo("Asia/Tokyo"))
    around_now = {
        "quiet_from": (here - timedelta(hours=1)).time(),
        "quiet_until": (here + timedelta(hours=1)).time(),
    }
    subscribe(service, team, team.owner, **around_now)
    later = {"quiet_from": (here + timedelta(hours=2)).time(), "quiet_until": (here + timedelta(hours=3)).time()}
    awake, _ = subscribe(service, team, team.owner, **later)
    with django_capture_on_commit_callbacks(execute=True):
        escalations.escalate(team.membership("staff"), talk, "Refund?")
    assert [pushed.token for pushed in service.received] == [awake.token]
    assert Notice.objects.filter(user=team.owner).count() == 1


def test_quiet_hours_across_midnight_cover_the_night_only(team):
    team.workspace.timezone = "Europe/Berlin"
    quiet = PushSubscription(workspace=team.workspace, quiet_from=time(22, 0), quiet_until=time(7, 0))
    berlin = ZoneInfo("Europe/Berlin")
    assert quiet.quiet_at(datetime(2026, 12, 3, 23, 30, tzinfo=berlin))
    assert quiet.quiet_at(datetime(2026, 12, 4, 6, 59, tzinfo=berlin))
    assert not quiet.quiet_at(datetime(2026, 12, 4, 7, 0, tzinfo=berlin))
    assert not quiet.quiet_at(datetime(2026, 12, 3, 21, 0, tzinfo=berlin))
    # 22:30 UTC is 23:30 in Berlin: the workspace's clock decides, not the server's.
    assert quiet.quiet_at(datetime(2026, 12, 3, 22, 30, tzinfo=ZoneInfo("UTC")))


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_says_is_gone_is_removed(
    team, talk, service, status, django_capture_on_commit_callbacks
):
    _, gone = subscribe(service, team, team.owner, status=status)
    with django_capture_on_commit_callbacks(execute=True):
        escalations.escalate(team.membership("staff"), talk, "Refund?")
    assert not PushSubscription.objects.filter(pk=gone.pk).exists()


def test_a_failing_push_service_is_recorded_and_holds_up_no_other_device(
    team, talk, service, client_for, django_capture_on_commit_callbacks, caplog
):
    _, broken = subscribe(service, team, team.owner, status=500)
    nowhere = PushSubscription.objects.create(
        workspace=team.workspace,
        user=team.owner,
        endpoint="http://127.0.0.1:9/push/secret-token-nobody-may-see",  # the discard port: nothing listens
        p256dh=broken.p256dh,
        auth=broken.auth,
        kinds=DEFAULT_KINDS,
    )
    working, _ = subscribe(service, team, team.owner)
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        escalations.escalate(team.membership("staff"), talk, "Refund?")

    assert [pushed.token for pushed in service.received] == [working.token]
    broken.refresh_from_db()
    nowhere.refresh_from_db()
    assert broken.failure_reason == "The push service refused it: 500 Internal Server Error"
    assert nowhere.failure_reason == "The push service could not be reached."
    assert Notice.objects.filter(user=team.owner).count() == 1
    page = client_for(team.owner).get(reverse("notices:devices", kwargs={"slug": team.workspace.slug}))
    assert "The push service refused it: 500" in page.content.decode()
    # The endpoint is a capability to reach the device: never in a log line or on the page.
    assert "secret-token-nobody-may-see" not in caplog.text
    assert "secret-token-nobody-may-see" not in page.content.decode()


def test_keys_that_are_not_a_devices_are_recorded_not_raised(team, talk, service, django_capture_on_commit_callbacks):
    _, bad = subscribe(service, team, team.owner)
    PushSubscription.objects.filter(pk=bad.pk).update(p256dh="A" * 87)
    with django_capture_on_commit_callbacks(execute=True):
        escalations.escalate(team.membership("staff"), talk, "Refund?")
    bad.refresh_from_db()
    assert "encryption keys are not valid" in bad.failure_reason
    assert Notice.objects.filter(user=team.owner).count() == 1


def test_outside_tests_a_loopback_push_service_is_refused_before_and_at_sending(
    team, talk, service, settings, client_for, django_capture_on_commit_callbacks
):
    _, local = subscribe(service, team, team.owner)
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    with django_capture_on_commit_callbacks(execute=True):
        escalations.escalate(team.membership("staff"), talk, "Refund?")
    assert service.received == []
    local.refresh_from_db()
    assert local.failure_reason == "A push service's address starts with https://."
    client = client_for(team.owner)
    url = reverse("notices:subscribe", kwargs={"slug": team.workspace.slug})
    device = service.subscribe()
    for endpoint, problem in [
        (service.endpoint(device), "starts with https://"),
        ("https://127.0.0.1/push/x", "not a public one"),
        ("https://10.0.0.5/push/x", "not a public one"),
        ("https://localhost/push/x", "not a public one"),
        ("ftp://push.example.com/x", "starts with https://"),
    ]:
        body = {"endpoint": endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}}
        answer = client.post(url, json.dumps(body), content_type="application/json")
        assert answer.status_code == 400 and problem in answer.json()["error"], endpoint
    body = {
        "endpoint": "https://fcm.googleapis.com/fcm/send/abc",
        "keys": {"p256dh": device.p256dh, "auth": device.auth},
    }
    assert client.post(url, json.dumps(body), content_type="application/json").status_code == 201


def test_the_push_itself_goes_through_the_guarded_client(team, service, settings, monkeypatch):
    """A name checked at subscribing may resolve to this machine later (DNS rebinding): the connection is
    checked again, so here the early check is skipped and the guarded client alone must refuse."""
    from firsthand.notices.push import deliver

    _, local = subscribe(service, team, team.owner)
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    monkeypatch.setattr(deliver, "endpoint_problem", lambda endpoint: "")
    assert deliver.send(local, {"title": "t", "body": "b", "url": "/"}) is False
    local.refresh_from_db()
    assert local.failure_reason == "That push service's address is not a public one."
    assert service.received == []


def test_subscribing_refuses_what_a_browser_would_not_send(team, client_for):
    client = client_for(team.owner)
    url = reverse("notices:subscribe", kwargs={"slug": team.workspace.slug})
    for body in ["not json", json.dumps([1]), json.dumps({"endpoint": "https://push.example.com/x", "keys": "no"})]:
        answer = client.post(url, body, content_type="application/json")
        assert answer.status_code == 400 and answer.json()["error"]
    assert not PushSubscription.objects.exists()


def test_the_same_browser_subscribing_again_keeps_its_choices(team, service, client_for):
    device = service.subscribe()
    _, subscription = subscribe(service, team, team.owner, kinds=["post.failed"])
    subscription.endpoint = service.endpoint(device)
    subscription.save()
    body = {"endpoint": service.endpoint(device), "keys": {"p256dh": device.p256dh, "auth": device.auth}}
    url = reverse("notices:subscribe", kwargs={"slug": team.workspace.slug})
    assert client_for(team.owner).post(url, json.dumps(body), content_type="application/json").status_code == 200
    subscription.refresh_from_db()
    assert subscription.kinds == ["post.failed"] and subscription.p256dh == device.p256dh


def test_a_misspelt_kind_is_a_programming_error_not_a_silent_nothing(team):
    with pytest.raises(ValueError):
        notify(team.workspace, [team.owner], "x", kind="escalation.created")


def test_a_message_longer_than_a_notice_holds_is_cut_not_refused(team):
    from firsthand.notices.models import Notice
    from firsthand.notices.send import notify

    notify(team.workspace, [team.owner], "Paused: " + "x" * 5000)
    assert len(Notice.objects.get(user=team.owner).message) == 1000
