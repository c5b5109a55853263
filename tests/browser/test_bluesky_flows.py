"""The Bluesky flow as a person does it, in a browser, against a real firsthand server and the reference network."""

import pytest
from playwright.sync_api import expect

from tests.bluesky.network import mention_facet
from tests.browser.conftest import DESKTOP, PASSWORD, PHONE, screenshot, sign_in
from tests.support import Server, process_env, run

pytestmark = [pytest.mark.browser, pytest.mark.process]


@pytest.fixture
def shop_on_bluesky(bluesky, tmp_path):
    env = process_env(FIRSTHAND_OWNER_PASSWORD=PASSWORD)
    created = run(
        "createowner", "--email", "owner@shop.example", "--name", "Olive Owner", "--workspace", "Shop",
        "--data-dir", tmp_path, env=env,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    server = Server(
        tmp_path,
        "--bluesky-url",
        bluesky.pds,
        "--bluesky-plc-url",
        bluesky.plc,
        env=process_env(FIRSTHAND_UNDO_SECONDS=2),  # "publish now" still waits, briefly
    )
    yield server
    server.stop()


def test_connect_publish_and_answer_on_bluesky_from_the_browser(bluesky, shop_on_bluesky, new_page):
    shop = shop_on_bluesky
    brand = bluesky.new_person("bakery")
    customer = bluesky.new_person("regular")
    page = new_page(DESKTOP)
    sign_in(page, shop.url, "owner@shop.example")
    page.goto(shop.url + "/w/shop/accounts/")
    card = page.locator("#connect-bluesky")
    expect(card).to_contain_text("never the account's main password")
    card.get_by_label("Handle").fill(brand.handle)
    card.get_by_label("App password").fill(brand.password)  # the main password, by mistake
    card.get_by_role("button", name="Connect Bluesky account").click()
    expect(page.locator("#connect-bluesky .alert-error")).to_contain_text("That is the account's main password")
    screenshot(page, "bluesky-main-password-refused-desktop")

    card = page.locator("#connect-bluesky")
    card.get_by_label("App password").fill(brand.app_password)
    card.get_by_role("button", name="Connect Bluesky account").click()
    expect(page.get_by_text(f"Connected @{brand.handle} on Bluesky")).to_be_visible()
    screenshot(page, "bluesky-connected-desktop")

    page.goto(shop.url + "/w/shop/compose/")
    page.locator(".account-option", has_text=f"@{brand.handle}").locator("input").check()
    page.get_by_label("Post", exact=True).fill("Fresh sourdough at 8 tomorrow 🍞")
    expect(page.locator("#checks .counter")).to_have_text("31 / 300")  # Bluesky counts graphemes, 300 at most
    page.get_by_role("button", name="Save post").click()
    expect(page.locator(".delivery .state-published")).to_have_count(1, timeout=30_000)
    screenshot(page, "bluesky-published-desktop")

    bluesky.process_all()
    feed = bluesky.xrpc("app.bsky.feed.getAuthorFeed", token=customer.access_jwt, params={"actor": brand.did})["feed"]
    assert [item["post"]["record"]["text"] for item in feed] == ["Fresh sourdough at 8 tomorrow 🍞"]
    root = {"uri": feed[0]["post"]["uri"], "cid": feed[0]["post"]["cid"]}
    question = f"@{brand.handle} can I reserve two loaves?"
    bluesky.post(
        customer,
        question,
        reply_to={"root": root, "parent": root},
        facets=mention_facet(question, brand.handle, brand.did),
    )

    phone = new_page(PHONE)
    sign_in(phone, shop.url, "owner@shop.example")
    phone.goto(shop.url + "/w/shop/inbox/")
    row = phone.locator(".conversation-row", has_text="can I reserve two loaves?")
    expect(row).to_be_visible(timeout=45_000)  # the worker polls Bluesky every 15 seconds
    screenshot(phone, "bluesky-inbox-phone")
    row.click()
    expect(phone.get_by_text("Fresh sourdough at 8 tomorrow")).to_be_visible()  # the post it answers
    phone.get_by_label(f"Answer as @{brand.handle}").fill("Of course! Two loaves under your name.")
    phone.get_by_role("button", name="Send answer").click()
    expect(phone.get_by_text("Answered.")).to_be_visible()
    screenshot(phone, "bluesky-answered-phone")

    bluesky.process_all()
    thread = bluesky.thread(root["uri"], customer.access_jwt)
    answers = [reply["post"]["record"]["text"] for first in thread["replies"] for reply in first.get("replies", [])]
    assert answers == ["Of course! Two loaves under your name."]
