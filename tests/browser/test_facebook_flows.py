"""Setting up Facebook (the business's own Meta app), connecting a Page through Facebook Login, in a browser.

Facebook is the local Graph API written from Meta's documentation
(firsthand/networks/facebook/tests/fake_server.py).
"""

import pytest
from playwright.sync_api import expect

from firsthand.networks.facebook.tests.fake_server import FakeFacebook
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in, start_shop

pytestmark = pytest.mark.browser


@pytest.fixture
def meta():
    fake = FakeFacebook()
    yield fake
    fake.stop()


@pytest.fixture
def meta_shop(tmp_path, meta):
    server = start_shop(tmp_path, FIRSTHAND_FACEBOOK_GRAPH_URL=meta.url, FIRSTHAND_FACEBOOK_DIALOG_URL=meta.url)
    yield server
    server.stop()


def test_set_up_facebook_connect_a_page_and_see_the_webhook_to_give_meta(meta_shop, new_page, meta):
    meta.granted_pages = [meta.new_page("Corner Café")]
    page = new_page(DESKTOP)
    sign_in(page, meta_shop.url, "owner@shop.example")
    page.goto(meta_shop.url + "/w/shop/accounts/")
    page.locator("#connect-facebook").get_by_role("link", name="Set up Facebook").click()
    expect(page.get_by_text("Valid OAuth Redirect URI")).to_be_visible()
    page.get_by_label("Client ID").fill(meta.app_id)
    page.get_by_label("Client secret").fill(meta.app_secret)
    page.get_by_role("button", name="Save keys").click()
    expect(page.locator("#webhook-url")).to_contain_text("/networks/facebook/webhook/")
    expect(page.locator("#webhook-token")).not_to_be_empty()
    screenshot(page, "facebook-setup-desktop")
    page.get_by_role("button", name="Continue to Facebook").click()
    page.get_by_role("link", name="Continue to Facebook").click()
    expect(page.get_by_text("Connected Corner Café on Facebook")).to_be_visible()
    expect(page.locator("#connect .network-card")).to_have_count(12)  # the sandbox and eleven networks
    screenshot(page, "accounts-desktop")

    phone = new_page(PHONE)
    sign_in(phone, meta_shop.url, "owner@shop.example")
    phone.goto(meta_shop.url + "/w/shop/accounts/")
    expect(phone.locator(".account-row", has_text="Corner Café")).to_contain_text("Facebook")
    screenshot(phone, "facebook-accounts-phone")


def test_instagram_set_up_shows_its_own_webhook_to_give_meta(meta_shop, new_page, meta):
    page = new_page(PHONE)
    sign_in(page, meta_shop.url, "owner@shop.example")
    page.goto(meta_shop.url + "/w/shop/accounts/apps/instagram/")
    page.get_by_label("Client ID").fill(meta.app_id)
    page.get_by_label("Client secret").fill(meta.app_secret)
    page.get_by_role("button", name="Save keys").click()
    expect(page.locator("#webhook-url")).to_contain_text("/networks/instagram/webhook/")
    expect(page.get_by_text("object Instagram, fields comments and messages")).to_be_visible()
    screenshot(page, "instagram-setup-phone")
