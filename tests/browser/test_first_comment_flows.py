"""A post with a library image, a snippet and a first comment, scheduled, published by the worker, and seen
on the sandbox with its first comment under it: at desktop width, then the post page on a phone."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.browser.test_publishing_flows import connect

pytestmark = pytest.mark.browser


def test_a_post_with_a_library_image_a_snippet_and_a_first_comment_goes_out_with_its_comment(shop, new_page, tmp_path):
    from PIL import Image

    picture = tmp_path / "loaf.png"
    Image.new("RGB", (800, 500), (190, 140, 80)).save(picture)
    page = new_page()
    sign_in(page, shop.url, "owner@shop.example")
    connect(page, shop.url, "shop-news")

    # A snippet the team saved, and an image already in the library (uploaded for an earlier draft).
    page.goto(shop.url + "/w/shop/snippets/")
    page.get_by_label("Name").fill("Order line")
    page.get_by_role("textbox", name="Text").fill("Order ahead at corner.example/order")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved “Order line”")).to_be_visible()
    page.goto(shop.url + "/w/shop/compose/")
    page.locator(".account-option", has_text="@shop-news").locator("input").check()
    page.locator("input[name=image]").set_input_files(str(picture))
    page.get_by_label("Description for people who can't see it").fill("A golden loaf")
    page.get_by_label("Post", exact=True).fill("An earlier draft")
    page.get_by_label("Save as draft").check()
    page.get_by_role("button", name="Save post").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()

    page.goto(shop.url + "/w/shop/compose/")
    page.locator(".account-option", has_text="@shop-news").locator("input").check()
    page.get_by_label("Post", exact=True).fill("Rye is back on Thursdays")
    page.get_by_text("Choose from the library").click()
    page.locator(".library-pick button").first.click()
    expect(page.get_by_label("Description for people who can't see it")).to_have_value("A golden loaf")
    page.get_by_text("Add a first comment under the post").click()
    comment = page.get_by_label("First comment", exact=True)
    comment.fill("Hungry already? ")
    page.get_by_text("Insert a snippet in the comment").click()
    page.locator("#first-comment").get_by_role("button", name="Order line").click()
    expect(comment).to_have_value("Hungry already? Order ahead at corner.example/order")

    # The preview shows the first comment under the post, counted against the network's limit.
    preview = page.locator("#checks .preview", has_text="@shop-news")
    expect(preview.locator(".preview-comment")).to_contain_text("Order ahead at corner.example/order")
    expect(preview.locator(".preview-comment .counter")).to_have_text("51 / 500")
    expect(preview.locator(".preview-images img")).to_have_count(1)

    due = datetime.now(UTC) + timedelta(seconds=6)
    page.get_by_label("Schedule", exact=True).check()
    page.get_by_label("Day", exact=True).fill(due.strftime("%Y-%m-%d"))
    page.get_by_label("Time", exact=True).fill(due.strftime("%H:%M:%S"))
    screenshot(page, "compose-first-comment-desktop")
    page.get_by_role("button", name="Save post").click()
    expect(page.get_by_text("Scheduled.")).to_be_visible()
    expect(page.locator(".first-comment")).to_contain_text("Sent under the post once it is published")

    # The worker publishes it, then its first comment; the post page follows both live.
    expect(page.locator(".delivery .state-published")).to_have_count(1, timeout=30_000)
    expect(page.locator(".first-comment .state-comment-sent")).to_have_text("Sent", timeout=30_000)
    screenshot(page, "post-first-comment-desktop")
    post_url = page.url

    page.get_by_role("link", name="view on Sandbox").click()
    expect(page.locator(".sandbox-page")).to_contain_text("Rye is back on Thursdays")
    expect(page.locator(".sandbox-image")).to_have_text("Image: A golden loaf")
    replies = page.locator(".sandbox-reply")
    expect(replies).to_have_count(1)
    expect(replies).to_contain_text("Hungry already? Order ahead at corner.example/order")
    expect(replies).to_contain_text("replying to their own post")
    screenshot(page, "sandbox-first-comment-desktop")
    assert page.console_errors == []

    phone = new_page(PHONE)
    sign_in(phone, shop.url, "owner@shop.example")
    phone.goto(post_url)
    expect(phone.locator(".first-comment")).to_contain_text("Sent")
    screenshot(phone, "post-first-comment-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.goto(shop.url + "/w/shop/compose/")
    phone.locator(".account-option", has_text="@shop-news").locator("input").check()
    phone.get_by_label("Post", exact=True).fill("Rye is back")
    phone.get_by_text("Add a first comment under the post").click()
    phone.get_by_label("First comment", exact=True).fill("Order ahead at corner.example/order")
    expect(phone.locator("#checks .preview-comment")).to_be_visible()
    screenshot(phone, "compose-first-comment-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
