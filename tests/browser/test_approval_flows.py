"""A staff member's flagged post goes to the owner's approval queue; the owner approves it on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.browser.test_publishing_flows import connect
from tests.browser.test_team_flows import owner_with_new_member

pytestmark = pytest.mark.browser


def test_flagged_staff_post_is_approved_by_the_owner_on_a_phone(shop, new_page):
    owner, staff = owner_with_new_member(shop, new_page, "staff", "Sam Staff", "sam@shop.example")
    connect(owner, shop.url, "shop-news")

    staff.goto(shop.url + "/w/shop/compose/")
    staff.locator(".account-option", has_text="@shop-news").locator("input").check()
    staff.get_by_label("Post", exact=True).fill("Every driver in this city is a f*cking idiot")
    # Each word is pointed at where it was typed, the disguised one included.
    expect(staff.locator("#checks .finding-approval")).to_have_count(2)
    expect(staff.locator("#checks .finding-approval").first).to_contain_text("“f*cking”")
    expect(staff.locator("#checks .finding-approval").last).to_contain_text("“idiot”")
    staff.get_by_role("button", name="Save post").click()
    expect(staff.get_by_text("Sent to an owner or manager for approval")).to_be_visible()

    phone = new_page(PHONE)
    sign_in(phone, shop.url, "owner@shop.example")
    phone.goto(shop.url + "/w/shop/notices/")
    expect(phone.get_by_text("asks you to approve a post")).to_be_visible()
    # What waits in the More menu is marked on the phone's bar, and the menu item carries its count.
    expect(phone.locator(".tabbar .tab-more .nav-dot")).to_be_visible()
    phone.locator(".tabbar").get_by_text("More").click()
    expect(phone.locator(".tab-more-menu .nav-count-approvals")).to_have_text("1")
    screenshot(phone, "phone-more-menu-with-approvals-count")
    phone.locator(".tab-more-menu").get_by_role("link", name="Approvals").click()
    approval = phone.locator(".approval", has_text="f*cking idiot")
    expect(approval.locator(".finding")).to_have_count(2)
    expect(approval.locator(".finding").first).to_contain_text("Reads as offensive")
    approval.get_by_role("button", name="Approve").click()
    expect(phone.get_by_text("Approved. It goes out at its time.")).to_be_visible()
    expect(phone.locator(".approval")).to_have_count(0)
    expect(phone.locator(".tabbar .tab-more .nav-dot")).to_have_count(0)
