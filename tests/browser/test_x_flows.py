"""Setting up X (the business's own app keys), connecting through X's sign-in, then answering, in a browser.

X is the local one written from docs.x.com (firsthand/networks/x/tests/fake_server.py).
"""

import pytest
from playwright.sync_api import expect

from firsthand.networks.x.tests.fake_server import FakeX
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in, start_shop

pytestmark = pytest.mark.browser


@pytest.fixture
def x_server():
    fake = FakeX()
    yield fake
    fake.stop()


@pytest.fixture
def x_shop(tmp_path, x_server):
    """A running firsthand whose X is the local one."""
    server = start_shop(
        tmp_path, FIRSTHAND_X_API_URL=x_server.url, FIRSTHAND_X_AUTHORIZE_URL=f"{x_server.url}/i/oauth2/authorize"
    )
    yield server
    server.stop()


def test_set_up_x_connect_through_its_sign_in_then_answer_a_customer(x_shop, new_page, x_server):
    x_server.new_user("cornercafe", "Corner Café")
    x_server.approving_as = "cornercafe"
    page = new_page(DESKTOP)
    sign_in(page, x_shop.url, "owner@shop.example")
    page.goto(x_shop.url + "/w/shop/accounts/")
    page.locator("#connect-x").get_by_role("link", name="Set up X").click()
    expect(page.get_by_text("Paste the callback address below")).to_be_visible()
    expect(page.locator("#callback-url")).to_have_text(x_shop.url + "/networks/x/callback/")
    page.get_by_label("Client ID").fill("app-id")
    page.get_by_role("button", name="Save keys").click()
    expect(page.get_by_text("Enter the client secret too.")).to_be_visible()
    page.get_by_label("Client secret").fill("app-secret")
    page.get_by_role("button", name="Save keys").click()
    expect(page.get_by_text("You can connect X accounts now.")).to_be_visible()
    screenshot(page, "x-setup-desktop")
    page.get_by_role("button", name="Continue to X").click()
    expect(page.get_by_text("Sign in as the business's account")).to_be_visible()
    page.get_by_role("link", name="Continue to X").click()
    expect(page.get_by_text("Connected @cornercafe on X")).to_be_visible()
    screenshot(page, "x-connected-desktop")

    x_server.new_user("jess", "Jess")
    x_server.tweet("jess", "@cornercafe are you open on Sunday?")
    phone = new_page(PHONE)
    sign_in(phone, x_shop.url, "owner@shop.example")
    phone.goto(x_shop.url + "/w/shop/inbox/")
    row = phone.locator(".conversation-row", has_text="are you open on Sunday?")
    expect(row).to_be_visible(timeout=30_000)
    row.click()
    phone.get_by_label("Answer as @cornercafe").fill("Yes, 10 to 2!")
    phone.get_by_role("button", name="Send answer").click()
    expect(phone.get_by_text("Answered.")).to_be_visible()
    screenshot(phone, "x-answered-phone")
    (sent,) = x_server.posts_by("cornercafe")
    question = next(t for t in x_server.tweets.values() if t["text"] == "@cornercafe are you open on Sunday?")
    # On X a reply names nobody in its text: X shows whom it answers from in_reply_to_tweet_id.
    assert sent["text"] == "Yes, 10 to 2!"
    assert sent["referenced_tweets"] == [{"type": "replied_to", "id": question["id"]}]


def test_the_composer_counts_a_link_followed_by_japanese_as_x_does(x_shop, new_page, x_server):
    """twitter-text ends a link before the Japanese text after it: the live count and the cut show it."""
    x_server.new_user("cornercafe", "Corner Café")
    x_server.approving_as = "cornercafe"
    page = new_page(DESKTOP)
    sign_in(page, x_shop.url, "owner@shop.example")
    page.goto(x_shop.url + "/w/shop/accounts/")
    page.locator("#connect-x").get_by_role("link", name="Set up X").click()
    page.get_by_label("Client ID").fill("app-id")
    page.get_by_label("Client secret").fill("app-secret")
    page.get_by_role("button", name="Save keys").click()
    page.get_by_role("button", name="Continue to X").click()
    page.get_by_role("link", name="Continue to X").click()
    expect(page.get_by_text("Connected @cornercafe on X")).to_be_visible()

    for viewport, name in ((DESKTOP, "compose-x-count-desktop"), (PHONE, "compose-x-count-phone")):
        composer = page if viewport is DESKTOP else new_page(PHONE)
        if composer is not page:
            sign_in(composer, x_shop.url, "owner@shop.example")
        composer.goto(x_shop.url + "/w/shop/compose/")
        composer.locator(".account-option", has_text="cornercafe").locator("input").check()
        composer.get_by_label("Post", exact=True).fill("https://example.com/menu" + "日" * 129)
        preview = composer.locator("#checks .preview")
        expect(preview.locator(".counter")).to_have_text("281 / 280")
        expect(preview.locator("mark.overflow")).to_have_text("日")
        expect(preview).to_contain_text("1 too long for X")
        screenshot(composer, name)
        assert composer.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
