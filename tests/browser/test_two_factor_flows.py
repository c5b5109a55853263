"""Two-factor sign-in in a real browser: a passkey through Chromium's virtual authenticator, and an app code.

WebAuthn needs a secure context and an RP ID that is a domain: Chromium treats http://localhost as secure,
but refuses 127.0.0.1 as an RP ID, so these tests browse the server as localhost.
"""

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, PHONE, screenshot, sign_in

pytestmark = pytest.mark.browser


def as_localhost(url: str) -> str:
    return url.replace("127.0.0.1", "localhost")


def add_virtual_authenticator(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"]
    return cdp, authenticator


def sign_out(page, base_url):
    page.goto(base_url + "/w/shop/")
    page.locator("form[action='/signout/']").first.evaluate("form => form.submit()")
    page.wait_for_url(re.compile(r"/signin/"))


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_register_a_passkey_then_sign_in_with_password_and_passkey(shop, new_page):
    base = as_localhost(shop.url)
    page = new_page()
    cdp, authenticator = add_virtual_authenticator(page)
    sign_in(page, base, "owner@shop.example")

    page.goto(base + "/account/")
    page.get_by_label("Name this passkey").fill("Work laptop")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_text("Passkey “Work laptop” added.")).to_be_visible()
    expect(page.get_by_role("list", name="Recovery codes").locator("li")).to_have_count(10)
    expect(page.locator(".two-factor .badge-on")).to_have_text("On")
    screenshot(page, "two-factor-passkey-added-desktop")
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(credentials) == 1 and credentials[0]["isResidentCredential"]

    # Password alone is no longer enough: the second step asks for the passkey.
    sign_out(page, base)
    sign_in(page, base, "owner@shop.example")
    expect(page.get_by_role("heading", name="Confirm it's you")).to_be_visible()
    screenshot(page, "two-factor-second-step-desktop")
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(re.compile(r"/w/shop/"))
    expect(page.get_by_role("heading", name=re.compile("Olive"))).to_be_visible()

    # The same passkey alone (it verified the person) signs in from the sign-in page.
    sign_out(page, base)
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(re.compile(r"/w/shop/"))
    assert page.console_errors == []


def test_set_up_an_authenticator_app_at_phone_width_and_sign_in_with_a_code(shop, new_page):
    base = as_localhost(shop.url)
    page = new_page(PHONE)
    sign_in(page, base, "owner@shop.example")
    page.goto(base + "/account/")
    page.get_by_role("button", name="Set up an authenticator app").click()
    expect(page.locator(".qr svg")).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, "two-factor-app-setup-phone")
    page.set_viewport_size({"width": 320, "height": 700})  # the narrowest phone still in use
    no_sideways_scroll(page)
    page.set_viewport_size(PHONE)

    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Type the 6-digit code").fill("000000")
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("That code doesn't match")).to_be_visible()
    confirmed_at = time.time()
    page.get_by_label("Type the 6-digit code").fill(totp.at(confirmed_at))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("Your authenticator app is on")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    no_sideways_scroll(page)
    screenshot(page, "two-factor-app-on-phone")

    sign_out(page, base)
    sign_in(page, base, "owner@shop.example")
    expect(page.get_by_role("heading", name="Confirm it's you")).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, "two-factor-code-step-phone")
    page.set_viewport_size({"width": 320, "height": 700})
    no_sideways_scroll(page)
    page.set_viewport_size(PHONE)
    # The code used to turn the app on can't be used again: the next step's code (accepted one step early).
    page.get_by_label("Code from your authenticator app").fill(totp.at(confirmed_at + 30))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(r"/w/shop/"))

    # A recovery code works once.
    sign_out(page, base)
    sign_in(page, base, "owner@shop.example")
    page.get_by_text("Use a recovery code").click()
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Sign in with a recovery code").click()
    expect(page.get_by_text("You signed in with a recovery code; 9 left")).to_be_visible()
    assert page.console_errors == []


def test_the_workspace_policy_sends_an_owner_without_two_factor_to_set_it_up(shop, new_page):
    base = as_localhost(shop.url)
    page = new_page()
    sign_in(page, base, "owner@shop.example", PASSWORD)
    page.goto(base + "/w/shop/settings/")
    page.get_by_label("Everyone").check()
    screenshot(page, "two-factor-policy-desktop")
    page.get_by_role("button", name="Save policy").click()
    expect(page.get_by_text("Shop requires two-factor sign-in for everyone.")).to_be_visible()
    assert "/account/" in page.url
    screenshot(page, "two-factor-required-desktop")
    page.goto(base + "/w/shop/team/")
    assert "/account/" in page.url  # every workspace page, until the owner has a second factor
