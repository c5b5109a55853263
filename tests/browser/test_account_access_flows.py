"""An owner limits a part-time helper to the bakery's account, and the helper sees only that, in a real browser."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_publishing_flows import connect
from tests.browser.test_team_flows import owner_with_new_member

pytestmark = pytest.mark.browser


def customer_writes(page, base_url, to, text):
    page.goto(base_url + "/w/shop/inbox/")
    page.get_by_text("Practise: a sandbox customer writes").click()
    page.get_by_label("To").select_option(label=to)
    page.get_by_label("From").fill("@jess")
    page.get_by_label("Message").fill(text)
    page.get_by_role("button", name="Send as the customer").click()


def no_sideways_scroll(page, what):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{what} scrolls sideways by {overflow}px"


@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
def test_owner_limits_staff_to_one_account_and_staff_sees_only_it(shop, new_page, viewport_name):
    viewport = PHONE if viewport_name == "phone" else DESKTOP
    owner, staff = owner_with_new_member(shop, new_page, "staff", "Sam Staff", "sam@shop.example", viewport=viewport)
    connect(owner, shop.url, "bakery")
    connect(owner, shop.url, "olive-personal", brand=False)
    customer_writes(owner, shop.url, "@bakery", "Do you have rye bread today?")
    customer_writes(owner, shop.url, "@olive-personal", "Dinner at ours on Friday?")
    owner.goto(shop.url + "/w/shop/inbox/")
    expect(owner.locator(".conversation-row")).to_have_count(2, timeout=30_000)

    owner.set_viewport_size(viewport)
    owner.goto(shop.url + "/w/shop/team/")
    row = owner.locator(".member", has_text="Sam Staff")
    expect(row.locator(".member-accounts")).to_have_text("All accounts")
    row.get_by_text("Choose accounts").click()
    row.get_by_label("Only these accounts:").check()
    row.get_by_label("@bakery").check()
    screenshot(owner, f"team-account-access-open-{viewport_name}")
    no_sideways_scroll(owner, "the team page with the accounts open")
    row.locator(".member-access").get_by_role("button", name="Save").click()
    expect(owner.get_by_text("Saved: Sam Staff now works on @bakery.")).to_be_visible()
    expect(owner.locator(".member", has_text="Sam Staff").locator(".member-accounts")).to_have_text(
        "Limited to @bakery"
    )
    owner.reload()
    screenshot(owner, f"team-account-access-{viewport_name}")
    no_sideways_scroll(owner, "the team page")

    staff.goto(shop.url + "/w/shop/compose/")
    expect(staff.locator(".account-option", has_text="@bakery")).to_have_count(1)
    expect(staff.locator(".account-option", has_text="@olive-personal")).to_have_count(0)
    screenshot(staff, f"compose-limited-staff-{viewport_name}")
    no_sideways_scroll(staff, "the composer")
    staff.goto(shop.url + "/w/shop/inbox/")
    expect(staff.locator(".conversation-row", has_text="Do you have rye bread today?")).to_be_visible()
    expect(staff.get_by_text("Dinner at ours on Friday?")).to_have_count(0)
    expect(staff.locator(".nav-count-inbox").first).to_have_text("1")
    screenshot(staff, f"inbox-limited-staff-{viewport_name}")
    no_sideways_scroll(staff, "the inbox")
    assert owner.console_errors == [] and staff.console_errors == []


def test_the_owner_still_posts_to_every_account(shop, new_page):
    """An owner is never limited: both accounts are in their composer."""
    owner = new_page()
    sign_in(owner, shop.url, "owner@shop.example")
    connect(owner, shop.url, "bakery")
    connect(owner, shop.url, "olive-personal", brand=False)
    owner.goto(shop.url + "/w/shop/compose/")
    expect(owner.locator(".account-option")).to_have_count(2)
