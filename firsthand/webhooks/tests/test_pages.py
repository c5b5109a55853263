"""Settings → Webhooks: who may use it, the secret shown once, test events, the log and sending again."""

import pytest
from django.urls import reverse

from firsthand.audit.models import AuditEvent
from firsthand.webhooks import engine
from firsthand.webhooks.models import Delivery, Endpoint
from firsthand.webhooks.states import State

pytestmark = pytest.mark.django_db


def page(team, name="webhooks", **kwargs):
    return reverse(f"webhooks:{name}", kwargs={"slug": team.workspace.slug, **kwargs})


@pytest.mark.parametrize("persona", ["owner", "manager"])
def test_owners_and_managers_add_a_webhook_and_see_its_secret_once(team, client_for, receiver, persona):
    client = client_for(team.user(persona))
    answer = client.post(
        page(team),
        {"url": receiver.url("/hook"), "description": "Shop", "events": ["post.published", "post.failed"]},
        follow=True,
    )
    endpoint = Endpoint.objects.get()
    html = answer.content.decode()
    assert endpoint.events == ["post.published", "post.failed"] and endpoint.created_by == team.user(persona)
    assert endpoint.secret in html and "copy it now" in html
    assert endpoint.secret not in client.get(page(team, "endpoint", endpoint_id=endpoint.pk)).content.decode()
    assert AuditEvent.objects.filter(action="webhooks.endpoint_added", actor=team.user(persona)).exists()


@pytest.mark.parametrize("persona", ["staff", "viewer"])
def test_staff_and_viewers_cannot_manage_webhooks(team, client_for, endpoint_at, persona):
    endpoint = endpoint_at("/hook")
    client = client_for(team.user(persona))
    assert client.get(page(team)).status_code == 403
    assert client.post(page(team), {"url": "https://example.com/", "events": ["post.published"]}).status_code == 403
    assert client.post(page(team, "delete", endpoint_id=endpoint.pk)).status_code == 403
    assert client.post(page(team, "test", endpoint_id=endpoint.pk)).status_code == 403
    assert Endpoint.objects.filter(pk=endpoint.pk).exists() and not Delivery.objects.exists()


def test_an_outsider_gets_404_for_the_pages_and_for_another_workspaces_endpoint(team, client_for, endpoint_at):
    endpoint = endpoint_at("/hook")
    outsider = client_for(team.outsider)
    assert outsider.get(page(team)).status_code == 404
    assert outsider.get(page(team, "endpoint", endpoint_id=endpoint.pk)).status_code == 404
    # Their own workspace's address with our endpoint's id: still nothing.
    theirs = reverse(
        "webhooks:endpoint", kwargs={"slug": team.outsider.memberships.get().workspace.slug, "endpoint_id": endpoint.pk}
    )
    assert outsider.get(theirs).status_code == 404
    assert outsider.post(theirs.replace(f"/{endpoint.pk}/", f"/{endpoint.pk}/delete/")).status_code == 404
    assert Endpoint.objects.filter(pk=endpoint.pk).exists()


def test_a_private_address_is_refused_on_the_form_with_the_reason(team, client_for, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    answer = client_for(team.owner).post(page(team), {"url": "http://192.168.1.10/hook", "events": ["post.published"]})
    assert answer.status_code == 400
    assert "private or local address" in answer.content.decode()
    assert not Endpoint.objects.exists()


def test_a_form_without_events_says_so_and_keeps_what_was_typed(team, client_for, receiver):
    answer = client_for(team.owner).post(page(team), {"url": receiver.url("/typed"), "description": "Kept"})
    html = answer.content.decode()
    assert answer.status_code == 400 and "Choose at least one event" in html
    assert receiver.url("/typed") in html and "Kept" in html


def test_send_test_event_then_see_it_in_the_log_and_send_it_again(team, client_for, endpoint_at, receiver):
    endpoint = endpoint_at("/hook", status=500, body="oops: stack trace")
    client = client_for(team.manager)
    client.post(page(team, "test", endpoint_id=endpoint.pk))
    engine.send_due_now("w")
    log = client.get(page(team, "endpoint", endpoint_id=endpoint.pk)).content.decode()
    assert "webhook.test" in log and "HTTP 500" in log and "oops: stack trace" in log and "Waiting to retry" in log
    assert receiver.at("/hook")[0].verified

    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(state=State.FAILED)
    receiver.routes["/hook"].status = 200
    client.post(page(team, "redeliver", webhook_delivery_id=delivery.pk))
    engine.send_due_now("w")
    assert Delivery.objects.filter(state=State.DELIVERED, redelivery_of=delivery).exists()


def test_editing_turns_an_endpoint_off_and_removing_it_stops_everything(team, client_for, endpoint_at, receiver):
    endpoint = endpoint_at("/hook")
    client = client_for(team.owner)
    client.post(
        page(team, "endpoint", endpoint_id=endpoint.pk),
        {"url": receiver.url("/hook"), "description": "Paused", "events": ["post.failed"]},
    )
    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.events, endpoint.description) == (False, ["post.failed"], "Paused")
    answer = client.post(page(team, "test", endpoint_id=endpoint.pk), follow=True)
    assert "Turn the endpoint on first" in answer.content.decode()
    client.post(page(team, "delete", endpoint_id=endpoint.pk))
    assert not Endpoint.objects.exists()
    assert AuditEvent.objects.filter(action="webhooks.endpoint_removed").exists()


def test_a_failing_endpoint_shows_why_on_its_page_and_in_the_list(team, client_for, endpoint_at, settings):
    settings.WEBHOOK_FAILING_AFTER = 1
    endpoint = endpoint_at("/hook", status=500)
    client = client_for(team.owner)
    client.post(page(team, "test", endpoint_id=endpoint.pk))
    engine.send_due_now("w")
    for html in (
        client.get(page(team)).content.decode(),
        client.get(page(team, "endpoint", endpoint_id=endpoint.pk)).content.decode(),
    ):
        assert "Failing" in html and "Answered 500 Internal Server Error." in html


def test_the_settings_page_links_to_webhooks(team, client_for):
    settings_page = reverse("team:settings", kwargs={"slug": team.workspace.slug})
    assert page(team) in client_for(team.manager).get(settings_page).content.decode()
