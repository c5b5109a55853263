"""Settings → Webhooks in a real browser against a real `firsthand serve`: an owner adds a webhook, copies
its secret, sends a test event that a local receiver checks, and sees a broken endpoint marked failing."""

import pytest
from playwright.sync_api import expect

from firsthand.webhooks.tests.receiver import Receiver, Route
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in, start_shop
from tests.browser.test_account_access_flows import no_sideways_scroll

pytestmark = pytest.mark.browser


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def hook_shop(tmp_path):
    server = start_shop(tmp_path, FIRSTHAND_WEBHOOK_FAILING_AFTER="1")
    yield server
    server.stop()


def add_webhook(page, base_url, url, name, events=None):
    page.goto(base_url + "/w/shop/settings/webhooks/")
    page.get_by_label("Address (URL)").fill(url)
    page.get_by_label("Name (optional)").fill(name)
    if events:
        for event in events:
            page.locator(".webhook-event", has_text=event).locator("input").check()
    else:
        page.get_by_role("button", name="Choose all").click()
    page.get_by_role("button", name="Add webhook").click()
    expect(page.get_by_text("Signing secret: copy it now")).to_be_visible()
    return page.locator("#webhook-secret").input_value()


def send_test_event(page):
    # Wait for the queued message: reloading while the form's own navigation is under way detaches the page.
    page.get_by_role("button", name="Send test event").click()
    expect(page.get_by_text("Test event queued")).to_be_visible()


def wait_for_log(page, text):
    # The log is not live: look again until the worker has sent it.
    for _ in range(40):
        page.reload()
        log = page.locator(".webhook-log")
        if log.count() and text in log.inner_text():
            return
        page.wait_for_timeout(500)
    expect(page.locator(".webhook-log")).to_contain_text(text)


def test_owner_adds_a_webhook_sends_a_test_event_and_sees_a_broken_one_failing(hook_shop, new_page, receiver):
    page = new_page(DESKTOP)
    sign_in(page, hook_shop.url, "owner@shop.example")
    page.goto(hook_shop.url + "/w/shop/settings/")
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", name="Webhooks", exact=True)).to_be_visible()
    screenshot(page, "webhooks-empty-desktop")

    receiver.secrets["/orders"] = add_webhook(page, hook_shop.url, receiver.url("/orders"), "Order system")
    assert receiver.secrets["/orders"].startswith("whsec_")
    screenshot(page, "webhooks-secret-once-desktop")
    send_test_event(page)
    wait_for_log(page, "Delivered")
    (got,) = receiver.at("/orders")
    assert got.verified and got.payload["type"] == "webhook.test"
    page.reload()
    expect(page.get_by_text("Signing secret: copy it now")).to_have_count(0)  # shown once only

    receiver.routes["/broken"] = Route(status=500, body='{"error": "database unavailable"}')
    receiver.secrets["/broken"] = add_webhook(
        page, hook_shop.url, receiver.url("/broken"), "Old CRM", events=["post.failed", "conversation.overdue"]
    )
    send_test_event(page)
    wait_for_log(page, "HTTP 500")
    page.reload()
    expect(page.locator(".webhook-failing")).to_contain_text("Answered 500 Internal Server Error.")
    page.locator(".webhook-details summary").first.click()
    screenshot(page, "webhooks-endpoint-failing-desktop")
    page.goto(hook_shop.url + "/w/shop/settings/webhooks/")
    expect(page.locator(".webhook-list")).to_contain_text("Failing")
    screenshot(page, "webhooks-list-desktop")

    phone = new_page(PHONE)
    sign_in(phone, hook_shop.url, "owner@shop.example")
    for width in (390, 320):
        phone.set_viewport_size({"width": width, "height": 844})
        phone.goto(hook_shop.url + "/w/shop/settings/webhooks/")
        no_sideways_scroll(phone, f"the webhooks page at {width}px")
        screenshot(phone, f"webhooks-list-phone-{width}")
        phone.get_by_role("link", name="Old CRM").click()
        no_sideways_scroll(phone, f"a webhook's page at {width}px")
        screenshot(phone, f"webhooks-endpoint-phone-{width}")
    assert not page.console_errors and not phone.console_errors
