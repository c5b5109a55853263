"""Web Push on a phone: the owner turns notifications on, staff ask the owner a question, the push reaches
a local push service signed and encrypted, and the phone's service worker shows it and opens the conversation.

A browser's own push service (Google's, Mozilla's, Apple's) cannot be reached here, so the phone's
subscription names the local push service (what PushManager.subscribe() would have returned from a real
one), and the message that service received and decrypted is handed to the service worker through the
DevTools protocol (ServiceWorker.deliverPushMessage), as the browser's push service would have.
"""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from firsthand.notices.tests.push_service import PushService
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_publishing_flows import connect
from tests.browser.test_team_flows import owner_with_new_member

pytestmark = pytest.mark.browser


def registration_id(page, origin):
    """The service worker registration's id, as the DevTools protocol names it."""
    found = {}
    cdp = page.context.new_cdp_session(page)
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: found.update(
            {r["registrationId"]: r for r in event["registrations"] if r["scopeURL"].startswith(origin)}
        ),
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 15
    while not found and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert found, "no service worker registration for " + origin
    return cdp, next(iter(found))


def test_an_escalation_reaches_the_owners_phone_and_opening_it_lands_on_the_conversation(shop, new_page):
    owner_desk, staff = owner_with_new_member(shop, new_page, "staff", "Sam Staff", "sam@shop.example")
    connect(owner_desk, shop.url, "shop-news")

    phone = new_page(PHONE)
    phone.context.grant_permissions(["notifications"], origin=shop.url)
    sign_in(phone, shop.url, "owner@shop.example")
    phone.goto(shop.url + "/w/shop/notices/")
    phone.get_by_role("link", name="Notifications on this device").click()
    expect(phone.get_by_role("heading", name="Notifications on this device")).to_be_visible()
    expect(phone.get_by_role("button", name="Turn on notifications")).to_be_visible()
    screenshot(phone, "push-devices-off-phone")
    public_key = phone.locator("[data-push]").get_attribute("data-public-key")

    with PushService(public_key) as service:
        device = service.subscribe()
        # What the page's script posts after PushManager.subscribe(), with the local push service's endpoint.
        answer = phone.evaluate(
            """([url, body]) => fetch(url, {method: "POST", credentials: "same-origin", body: JSON.stringify(body),
                 headers: {"Content-Type": "application/json",
                           "X-CSRFToken": document.querySelector("[name=csrfmiddlewaretoken]").value}})
               .then((r) => r.status)""",
            [
                shop.url + "/w/shop/notices/devices/subscribe/",
                {
                    "endpoint": service.endpoint(device),
                    "keys": {"p256dh": device.p256dh, "auth": device.auth},
                    "label": "Olive's phone",
                },
            ],
        )
        assert answer == 201
        phone.reload()
        card = phone.locator(".push-device", has_text="Olive's phone")
        expect(card.get_by_label("A question for the owner")).to_be_checked()
        # Quiet hours twelve hours away on the shop's clock (UTC): fixed ones (23:00-06:00) held back the push
        # below whenever the suite ran at night.
        quiet = datetime.now(UTC) + timedelta(hours=12)
        card.get_by_label("From", exact=True).fill(f"{quiet.hour:02d}:00")
        card.get_by_label("until", exact=True).fill(f"{(quiet.hour + 1) % 24:02d}:00")
        screenshot(phone, "push-device-settings-phone")
        phone.set_viewport_size({"width": 320, "height": 700})
        assert phone.evaluate("document.scrollingElement.scrollWidth") <= 320
        screenshot(phone, "push-device-settings-320")
        phone.set_viewport_size(DESKTOP)
        screenshot(phone, "push-device-settings-desktop")
        phone.set_viewport_size(PHONE)
        card.get_by_role("button", name="Save").click()
        expect(phone.get_by_text("Saved what reaches Olive's phone.")).to_be_visible()

        staff.goto(shop.url + "/w/shop/inbox/")
        staff.get_by_text("Practise: a sandbox customer writes").click()
        staff.get_by_label("From").fill("@tom")
        staff.get_by_label("As").select_option("message")
        staff.get_by_label("Message").fill("The cake was squashed, can I get my money back?")
        staff.get_by_role("button", name="Send as the customer").click()
        staff.locator(".conversation-row", has_text="money back").click(timeout=30_000)
        conversation = staff.url
        staff.get_by_text("Ask the owner…").click()
        staff.get_by_label("What do you need to know?").fill("Can we refund Tom's cake?")
        staff.get_by_role("button", name="Ask the owner").click()
        expect(staff.get_by_text("Waiting for the owner")).to_be_visible()

        deadline = time.monotonic() + 30  # the server's worker sends it in the background
        while not service.received and time.monotonic() < deadline:
            time.sleep(0.2)
    assert service.refused == []
    [pushed] = service.received
    assert pushed.payload["url"] == conversation.removeprefix(shop.url)

    # The phone's service worker gets what the push service decrypted, as the browser's push service would send it.
    assert phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()
    assert phone.evaluate("navigator.serviceWorker.controller !== null")
    cdp, registration = registration_id(phone, shop.url)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": shop.url + "/", "registrationId": registration, "data": json.dumps(pushed.payload)},
    )
    shown = (
        "navigator.serviceWorker.ready.then((r) => r.getNotifications())"
        ".then((ns) => ns.map((n) => [n.title, n.body, n.data.url]))"
    )
    deadline = time.monotonic() + 10
    while not phone.evaluate(shown) and time.monotonic() < deadline:
        phone.wait_for_timeout(100)
    [[title, body, url]] = phone.evaluate(shown)
    assert title == "Shop · A question for the owner"
    assert "Can we refund Tom's cake?" in body
    assert url == pushed.payload["url"]

    # A tap on the notification: the worker's click handler opens its page in the window already open.
    [worker] = [w for w in phone.context.service_workers if w.url.endswith("/sw.js")]
    worker.evaluate("self.registration.getNotifications().then((ns) => self.openNotification(ns[0]))")
    expect(phone).to_have_url(conversation)
    expect(phone.get_by_text("Can we refund Tom's cake?")).to_be_visible()
    assert phone.evaluate(shown) == []  # opened, so no longer on the lock screen
    screenshot(phone, "push-opened-conversation-phone")
