"""A staff member saves a hashtag group, then puts it into a post where the cursor is, on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.browser.test_publishing_flows import connect

pytestmark = pytest.mark.browser


def test_a_saved_hashtag_group_goes_into_the_post_at_the_cursor_and_is_counted(shop, new_page):
    page = new_page(PHONE)
    sign_in(page, shop.url, "owner@shop.example")
    connect(page, shop.url, "shop-news")
    page.goto(shop.url + "/w/shop/snippets/")
    page.get_by_label("Name").fill("Bread tags")
    page.get_by_label("Hashtag group: words become #tags").check()
    page.get_by_role("textbox", name="Text").fill("sourdough, #RealBread")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved “Bread tags”")).to_be_visible()
    expect(page.locator(".snippet", has_text="Bread tags")).to_contain_text("#sourdough #RealBread")

    page.goto(shop.url + "/w/shop/compose/")
    page.locator(".account-option", has_text="@shop-news").locator("input").check()
    post = page.get_by_label("Post", exact=True)
    post.fill("Fresh loaves at 7")
    page.get_by_text("Insert a snippet or hashtags").click()
    page.get_by_role("button", name="Bread tags").click()
    expect(post).to_have_value("Fresh loaves at 7\n\n#sourdough #RealBread")
    # The live check counted what was inserted, as if typed.
    counter = page.locator("#checks .preview", has_text="@shop-news").locator(".counter")
    expect(counter).to_have_text(f"{len('Fresh loaves at 7') + 2 + len('#sourdough #RealBread')} / 500")
    screenshot(page, "compose-snippet-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
