"""Held posts and the owner's "Publish anyway?" in a real browser, at desktop and phone widths."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_publishing_flows import connect

pytestmark = pytest.mark.browser
NARROW = {"width": 320, "height": 700}


def shots(page, name):
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE), ("phone320", NARROW)):
        page.set_viewport_size(viewport)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], label
        screenshot(page, f"{name}-{label}")
    page.set_viewport_size(DESKTOP)


def test_a_held_post_offers_edit_drafts_and_delete_and_the_owner_is_asked_publish_anyway(shop, new_page):
    page = new_page()
    sign_in(page, shop.url, "owner@shop.example")
    connect(page, shop.url, "shop-news")
    page.goto(shop.url + "/w/shop/pause/")
    page.get_by_label("Why (the team sees this)").fill("A complaint is going viral")
    page.get_by_role("button", name="Pause publishing now").click()

    due = datetime.now(UTC) + timedelta(seconds=3)
    page.goto(shop.url + "/w/shop/compose/")
    page.locator(".account-option", has_text="@shop-news").locator("input").check()
    page.get_by_label("Post", exact=True).fill("Our weekend special")
    page.get_by_label("Schedule", exact=True).check()
    page.get_by_label("Day", exact=True).fill(due.strftime("%Y-%m-%d"))
    page.get_by_label("Time", exact=True).fill(due.strftime("%H:%M:%S"))
    page.get_by_role("button", name="Save post").click()
    expect(page.locator(".delivery .state-held")).to_be_visible(timeout=20_000)
    page.reload()
    expect(page.get_by_role("link", name="Edit")).to_be_visible()
    expect(page.get_by_role("button", name="Move back to drafts")).to_be_visible()
    expect(page.get_by_role("button", name="Delete held post")).to_be_visible()
    shots(page, "held-post")

    page.goto(shop.url + "/w/shop/compose/")
    page.locator(".account-option", has_text="@shop-news").locator("input").check()
    page.get_by_label("Post", exact=True).fill("Every driver in this city is a f*cking idiot")
    page.get_by_role("button", name="Save post").click()
    expect(page.locator(".ask-first")).to_contain_text("Publish anyway?")
    shots(page, "publish-anyway")
    page.get_by_role("button", name="Publish anyway").click()
    expect(page.locator(".delivery .state-scheduled, .delivery .state-held").first).to_be_visible()
