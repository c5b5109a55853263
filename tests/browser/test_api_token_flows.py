"""An owner makes an API token on a phone and on a desktop, a program uses it, and the owner revokes it."""

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_account_access_flows import no_sideways_scroll
from tests.browser.test_publishing_flows import connect

pytestmark = pytest.mark.browser


def accounts_seen_with(base_url, secret) -> int:
    request = urllib.request.Request(base_url + "/api/v1/accounts", headers={"Authorization": f"Bearer {secret}"})
    try:
        with urllib.request.urlopen(request) as answer:  # noqa: S310 (the test's own server on loopback)
            return len(json.loads(answer.read()))
    except urllib.error.HTTPError as refused:
        return -refused.code


@pytest.mark.parametrize("viewport_name", ["phone", "desktop"])
def test_owner_makes_a_token_a_program_uses_it_and_the_owner_revokes_it(shop, new_page, viewport_name):
    page = new_page(PHONE if viewport_name == "phone" else DESKTOP)
    sign_in(page, shop.url, "owner@shop.example")
    connect(page, shop.url, "bakery")
    page.goto(shop.url + "/w/shop/settings/api/")
    page.get_by_label("Name").fill("Website chat")
    page.get_by_label("Role").select_option("staff")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator(".token-secret").inner_text().strip()
    assert secret.startswith("fh_")
    screenshot(page, f"api-token-made-{viewport_name}")
    no_sideways_scroll(page, "the API tokens page with a new token")
    assert accounts_seen_with(shop.url, secret) == 1

    page.goto(shop.url + "/w/shop/settings/api/")
    expect(page.get_by_text(secret)).to_have_count(0)
    expect(page.locator(".token-row", has_text="Website chat")).to_contain_text("Last used")
    page.locator(".token-row", has_text="Website chat").get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("Revoked “Website chat”")).to_be_visible()
    screenshot(page, f"api-tokens-{viewport_name}")
    no_sideways_scroll(page, "the API tokens page")
    assert accounts_seen_with(shop.url, secret) == -401

    page.goto(shop.url + "/api/")
    expect(page.get_by_role("heading", name="firsthand API")).to_be_visible()
    screenshot(page, f"api-docs-{viewport_name}")
    no_sideways_scroll(page, "the API reference")
