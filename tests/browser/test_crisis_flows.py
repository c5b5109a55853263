"""The crisis switch in a real browser: a scheduled post is held, not sent, and comes back on resume."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_publishing_flows import connect

pytestmark = pytest.mark.browser


def test_the_crisis_switch_holds_a_scheduled_post_and_resume_sends_it(shop, new_page):
    page = new_page()
    sign_in(page, shop.url, "owner@shop.example")
    connect(page, shop.url, "shop-news")

    page.get_by_role("link", name="Pause publishing").first.click()
    page.get_by_label("Why (the team sees this)").fill("A complaint is going viral")
    page.get_by_role("button", name="Pause publishing now").click()
    expect(page.locator(".crisis-banner")).to_contain_text("A complaint is going viral")

    due = datetime.now(UTC) + timedelta(seconds=4)
    page.goto(shop.url + "/w/shop/compose/")
    page.locator(".account-option", has_text="@shop-news").locator("input").check()
    page.get_by_label("Post", exact=True).fill("Our weekend special")
    page.get_by_label("Schedule", exact=True).check()
    page.get_by_label("Day", exact=True).fill(due.strftime("%Y-%m-%d"))
    page.get_by_label("Time", exact=True).fill(due.strftime("%H:%M:%S"))
    page.get_by_role("button", name="Save post").click()
    expect(page.locator(".delivery .state-held")).to_be_visible(timeout=20_000)

    page.goto(shop.url + "/w/shop/pause/")
    page.get_by_role("link", name="Resume…").click()
    expect(page.get_by_text("1 post held while paused")).to_be_visible()
    page.get_by_label("Send them now").check()
    page.get_by_role("button", name="Resume publishing").click()
    expect(page.locator(".crisis-banner")).to_have_count(0)

    # The list is not live: look again until the worker has sent it.
    for _ in range(40):
        page.goto(shop.url + "/w/shop/calendar/?view=list")
        if "Published" in page.locator(".slot", has_text="Our weekend special").inner_text():
            break
        page.wait_for_timeout(500)
    expect(page.locator(".slot", has_text="Our weekend special")).to_contain_text("Published")
