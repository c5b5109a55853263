"""Insights → Conversations on a phone: customers ask about the same thing, the topic shows, and a tap on
it opens the inbox with exactly those messages."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.browser.test_publishing_flows import connect

pytestmark = pytest.mark.browser

MESSAGES = [
    ("@jess", "Do you have gluten free bread on Saturdays?"),
    ("@tom", "Is the chocolate cake gluten free?"),
    ("@ana", "What time do you open on Sunday?"),
    ("@lee", "My order arrived late and the cake was squashed, I want a refund"),
]


def customers_write(page, base_url):
    page.goto(base_url + "/w/shop/inbox/")
    for handle, text in MESSAGES:
        page.get_by_text("Practise: a sandbox customer writes").click()
        page.get_by_label("From").fill(handle)
        page.get_by_label("Message").fill(text)
        page.get_by_role("button", name="Send as the customer").click()
        expect(page.locator(".conversation-row", has_text=text[:30])).to_be_visible(timeout=30_000)
        page.goto(base_url + "/w/shop/inbox/")


def test_a_topic_on_a_phone_leads_to_its_messages_in_the_inbox(shop, new_page):
    desk = new_page(DESKTOP)
    sign_in(desk, shop.url, "owner@shop.example")
    connect(desk, shop.url, "shop-news")
    customers_write(desk, shop.url)
    desk.locator(".conversation-row", has_text="chocolate cake").click()
    desk.get_by_label("Answer as @shop-news").fill("Yes, it is made with almond flour.")
    desk.get_by_role("button", name="Send answer").click()
    expect(desk.get_by_text("Answered.")).to_be_visible()
    desk.goto(shop.url + "/w/shop/insights/")
    desk.get_by_role("link", name="Conversations").click()
    expect(desk.get_by_role("heading", name="Messages per day")).to_be_visible()
    expect(desk.locator(".response-table").first).to_contain_text("Olive Owner")
    screenshot(desk, "insights-conversations-desktop")

    phone = new_page(PHONE)
    sign_in(phone, shop.url, "owner@shop.example")
    phone.goto(shop.url + "/w/shop/insights/conversations/?period=7")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "insights-conversations-phone")
    phone.locator("#question-topics").locator("..").get_by_role("link", name="gluten free").click()
    expect(phone.locator(".conversation-row")).to_have_count(2)
    expect(phone.locator(".conversation-row", has_text="gluten free bread")).to_be_visible()
    expect(phone.locator(".conversation-row", has_text="@tom")).to_be_visible()  # answered: its row shows the answer
    expect(phone.locator(".window-chip")).to_contain_text("Customer questions")
    screenshot(phone, "insights-topic-inbox-phone")
    phone.set_viewport_size({"width": 320, "height": 700})
    phone.goto(shop.url + "/w/shop/insights/conversations/?period=7")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320


def test_a_persons_row_and_a_heatmap_cell_on_a_phone_lead_to_their_conversations(shop, new_page):
    desk = new_page(DESKTOP)
    sign_in(desk, shop.url, "owner@shop.example")
    connect(desk, shop.url, "shop-news")
    customers_write(desk, shop.url)
    desk.locator(".conversation-row", has_text="chocolate cake").click()
    desk.get_by_label("Answer as @shop-news").fill("Yes, it is made with almond flour.")
    desk.get_by_role("button", name="Send answer").click()
    expect(desk.get_by_text("Answered.")).to_be_visible()

    phone = new_page(PHONE)
    sign_in(phone, shop.url, "owner@shop.example")
    phone.goto(shop.url + "/w/shop/insights/conversations/?period=7")
    phone.locator(".response-table").first.get_by_role("link", name="Olive Owner").click()
    expect(phone.locator(".conversation-row")).to_have_count(1)
    expect(phone.locator(".conversation-row", has_text="@tom")).to_be_visible()
    expect(phone.locator(".window-chip")).to_contain_text("Answered by Olive Owner")
    screenshot(phone, "insights-person-inbox-phone")

    phone.goto(shop.url + "/w/shop/insights/conversations/?period=7")
    # All four wrote within the same minute or two: one or two dark cells hold them all.
    cells = phone.locator("section[aria-labelledby=when] .chart-box svg a")
    total = 0
    for n in range(cells.count()):
        total += int(cells.nth(n).locator("title").text_content().rsplit(": ", 1)[1])
    assert total == 4
    phone.locator("section[aria-labelledby=when] .chart-box svg a").first.click()
    expect(phone.locator(".window-chip")).to_contain_text(":00–")
    assert phone.locator(".conversation-row").count() >= 1
    screenshot(phone, "insights-heatmap-cell-inbox-phone")
