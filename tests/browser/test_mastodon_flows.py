"""Connecting a Mastodon account through the server's own sign-in, then answering from it, in a browser.

The Mastodon server is the local one written from docs.joinmastodon.org
(firsthand/networks/mastodon/tests/fake_server.py).
"""

import time

import pytest
from playwright.sync_api import expect

from firsthand.networks.mastodon.tests.fake_server import FakeMastodon
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def mastodon_server():
    fake = FakeMastodon(max_characters=1000)
    yield fake
    fake.stop()


def test_connect_through_the_servers_sign_in_then_answer_a_customer(shop, new_page, mastodon_server):
    brand = mastodon_server.user("cornercafe", "Corner Café")
    mastodon_server.approving_as = brand  # who the person signs in as on the server's page
    page = new_page(DESKTOP)
    sign_in(page, shop.url, "owner@shop.example")
    page.goto(shop.url + "/w/shop/accounts/")
    card = page.locator("#connect-mastodon")
    card.get_by_label("Server").fill("http://mastodon.example")
    card.get_by_role("button", name="Continue to Mastodon").click()
    expect(page.locator("#connect-mastodon .error-text")).to_contain_text("Mastodon servers are reached over https")

    card = page.locator("#connect-mastodon")
    card.get_by_label("Server").fill(mastodon_server.url)
    card.get_by_role("button", name="Continue to Mastodon").click()
    port = mastodon_server.url.rsplit(":", 1)[1]
    expect(page.get_by_text("Sign in as the business's account")).to_be_visible()
    screenshot(page, "mastodon-handoff-desktop")
    page.get_by_role("link", name=f"Continue to 127.0.0.1:{port}").click()
    expect(page.get_by_text(f"Connected @cornercafe@127.0.0.1:{port} on Mastodon")).to_be_visible()
    screenshot(page, "mastodon-connected-desktop")

    page.goto(shop.url + "/w/shop/compose/")
    page.locator(".account-option", has_text="@cornercafe@").locator("input").check()
    page.get_by_label("Post", exact=True).fill("Soup of the day: leek and potato")
    expect(page.locator("#checks .counter")).to_have_text("32 / 1000")  # this server's own limit
    page.get_by_text("On Mastodon: content warning and who sees it").click()
    expect(page.get_by_label("Followers only")).to_be_visible()
    screenshot(page, "mastodon-compose-desktop")

    customer = mastodon_server.user("jess", "Jess")
    mastodon_server.write(customer, "@cornercafe do you open on Sundays?", mentions=[brand])
    phone = new_page(PHONE)
    sign_in(phone, shop.url, "owner@shop.example")
    phone.goto(shop.url + "/w/shop/inbox/")
    row = phone.locator(".conversation-row", has_text="do you open on Sundays?")
    expect(row).to_be_visible(timeout=30_000)
    row.click()
    phone.get_by_label(f"Answer as @cornercafe@127.0.0.1:{port}").fill("Yes, 10 to 2!")
    phone.get_by_role("button", name="Send answer").click()
    expect(phone.get_by_text("Answered.")).to_be_visible()
    screenshot(phone, "mastodon-answered-phone")
    sent = [s for s in mastodon_server.statuses.values() if s["account"]["id"] == brand["id"]]
    assert [s["text_for_test"] for s in sent] == ["@jess Yes, 10 to 2!"]

    # The worker opens the account's notification stream (it looks every 10 seconds) and says so.
    live = phone.get_by_text("Live: new mentions and messages arrive as they happen.")
    deadline = time.monotonic() + 30
    while True:
        phone.goto(shop.url + "/w/shop/accounts/")
        if live.count():
            break
        assert time.monotonic() < deadline, "the account's stream never showed as live"
        phone.wait_for_timeout(1000)
    assert mastodon_server.open_streams == 1
    screenshot(phone, "mastodon-live-phone")
