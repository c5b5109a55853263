"""The installed app on a phone: its service worker shows the offline page, never a cached inbox."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_offline_the_app_says_so_instead_of_showing_an_old_inbox(shop, new_page):
    page = new_page(PHONE)
    sign_in(page, shop.url, "owner@shop.example")
    page.goto(shop.url + "/app/")
    expect(page).to_have_url(shop.url + "/w/shop/inbox/")
    # The page registered the service worker; wait until it controls the page.
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    page.goto(shop.url + "/w/shop/inbox/")
    expect(page.get_by_role("heading", name="You're offline")).to_be_visible()
    assert "Inbox" not in page.title()
    screenshot(page, "offline-phone")

    page.context.set_offline(False)
    page.get_by_role("link", name="Try again").click()
    expect(page).to_have_url(shop.url + "/w/shop/inbox/")
