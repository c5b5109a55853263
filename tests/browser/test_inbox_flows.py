"""A customer writes on the sandbox; a staff member finds it in the inbox, answers, and marks it done."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.browser.test_publishing_flows import connect
from tests.browser.test_team_flows import owner_with_new_member

pytestmark = pytest.mark.browser


def test_staff_answers_a_question_from_the_inbox(shop, new_page):
    owner, staff = owner_with_new_member(shop, new_page, "staff", "Sam Staff", "sam@shop.example")
    connect(owner, shop.url, "shop-news")

    staff.goto(shop.url + "/w/shop/inbox/")
    staff.get_by_text("Practise: a sandbox customer writes").click()
    staff.get_by_label("From").fill("@jess")
    staff.get_by_label("Message").fill("Are you open on Boxing Day?")
    staff.get_by_role("button", name="Send as the customer").click()

    # The worker reads the sandbox within seconds; the live list picks it up without a reload.
    row = staff.locator(".conversation-row", has_text="Are you open on Boxing Day?")
    expect(row).to_be_visible(timeout=30_000)
    expect(row.locator(".label-question")).to_be_visible()
    staff.reload()
    expect(staff.locator(".sidebar .nav-count-inbox")).to_have_text("1")
    row.click()

    staff.get_by_label("Answer as @shop-news").fill("Yes, 9 to 1. Merry Christmas!")
    staff.get_by_role("button", name="Send answer").click()
    expect(staff.get_by_text("Answered.")).to_be_visible()
    expect(staff.locator(".bubble-out")).to_contain_text("written by Sam Staff")
    staff.get_by_role("button", name="Mark done", exact=True).click()
    expect(staff.get_by_text("Marked done.")).to_be_visible()
    staff.goto(shop.url + "/w/shop/inbox/")
    expect(staff.locator(".conversation-row")).to_have_count(0)


def test_staff_escalate_and_the_owner_answers_on_a_phone(shop, new_page):
    from tests.browser.conftest import PHONE, sign_in

    owner, staff = owner_with_new_member(shop, new_page, "staff", "Sam Staff", "sam@shop.example")
    connect(owner, shop.url, "shop-news")
    staff.goto(shop.url + "/w/shop/inbox/")
    staff.get_by_text("Practise: a sandbox customer writes").click()
    staff.get_by_label("From").fill("@tom")
    staff.get_by_label("As").select_option("message")
    staff.get_by_label("Message").fill("The cake was squashed, can I get my money back?")
    staff.get_by_role("button", name="Send as the customer").click()
    staff.locator(".conversation-row", has_text="money back").click(timeout=30_000)
    staff.get_by_text("Ask the owner…").click()
    staff.get_by_label("What do you need to know?").fill("Can we refund Tom's cake?")
    staff.get_by_role("button", name="Ask the owner").click()
    expect(staff.get_by_text("Waiting for the owner")).to_be_visible()

    phone = new_page(PHONE)
    sign_in(phone, shop.url, "owner@shop.example")
    expect(phone.get_by_text("Your team is waiting for you")).to_be_visible()
    phone.get_by_role("link", name="Sam Staff about Tom").click()
    phone.get_by_label("Your answer").fill("Yes, refund it and send a voucher.")
    phone.get_by_role("button", name="Answer", exact=True).click()
    expect(phone.get_by_text("Answered by Olive Owner")).to_be_visible()

    staff.goto(staff.url)
    expect(staff.get_by_text("Yes, refund it and send a voucher.")).to_be_visible()


def test_a_staff_answer_waits_for_the_owner_who_approves_it_on_a_phone(shop, new_page):
    owner, staff = owner_with_new_member(shop, new_page, "staff", "Sam Staff", "sam@shop.example")
    connect(owner, shop.url, "shop-news")
    owner.goto(shop.url + "/w/shop/approvals/")
    owner.get_by_label("Every answer to a customer written by staff").check()
    owner.get_by_role("button", name="Save").click()
    expect(owner.get_by_text("Approval settings saved.")).to_be_visible()

    staff.goto(shop.url + "/w/shop/inbox/")
    staff.get_by_text("Practise: a sandbox customer writes").click()
    staff.get_by_label("From").fill("@jess")
    staff.get_by_label("Message").fill("My cake arrived squashed. Can I get a new one?")
    staff.get_by_role("button", name="Send as the customer").click()
    row = staff.locator(".conversation-row", has_text="arrived squashed")
    expect(row).to_be_visible(timeout=30_000)
    row.click()
    staff.get_by_label("Answer as @shop-news").fill("So sorry! We'll bake you a new one today.")
    staff.get_by_role("button", name="Send answer").click()
    expect(staff.get_by_text("Sent to an owner or manager for approval")).to_be_visible()
    expect(staff.locator(".pending-answer")).to_contain_text("Answer waiting for approval")

    phone = new_page(PHONE)
    sign_in(phone, shop.url, "owner@shop.example")
    phone.goto(shop.url + "/w/shop/approvals/")
    waiting = phone.locator(".pending-answer", has_text="bake you a new one")
    expect(waiting).to_contain_text("answers by staff need approval")
    expect(phone.locator(".customer-said")).to_contain_text("My cake arrived squashed")
    screenshot(phone, "answer-approval-phone")
    waiting.get_by_role("button", name="Approve and send").click()
    expect(phone.get_by_text("Approved and sent to")).to_be_visible()

    staff.reload()
    expect(staff.locator(".bubble-out")).to_contain_text("written by Sam Staff, approved by Olive Owner")
    expect(staff.locator(".pending-answer")).to_have_count(0)


def test_two_people_on_one_conversation_see_each_other_and_the_customer_gets_one_answer(shop, new_page):
    owner, staff = owner_with_new_member(shop, new_page, "staff", "Sam Staff", "sam@shop.example")
    connect(owner, shop.url, "shop-news")
    staff.goto(shop.url + "/w/shop/inbox/")
    staff.get_by_text("Practise: a sandbox customer writes").click()
    staff.get_by_label("From").fill("@jess")
    staff.get_by_label("Message").fill("Do you do gluten-free birthday cakes?")
    staff.get_by_role("button", name="Send as the customer").click()
    row = staff.locator(".conversation-row", has_text="gluten-free birthday")
    expect(row).to_be_visible(timeout=30_000)
    row.click()
    conversation = staff.url

    owner.goto(conversation)
    staff.get_by_label("Answer as @shop-news").fill("Yes! Order three days ahead")
    expect(owner.locator("#presence")).to_contain_text("Sam Staff is writing an answer", timeout=15_000)
    owner.get_by_label("Note for the team").fill("@sam I'll take this one, I know her")
    owner.get_by_role("button", name="Add note").click()
    owner.get_by_label("Answer as @shop-news").fill("Hi Jess! Yes, gluten-free cakes need three days' notice.")
    owner.get_by_role("button", name="Send answer").click()
    expect(owner.get_by_text("Answered.")).to_be_visible()

    staff.get_by_role("button", name="Send answer").click()
    expect(staff.locator(".collision")).to_contain_text("Answered while you were writing")
    expect(staff.locator(".collision")).to_contain_text("three days' notice")
    expect(staff.get_by_label("Answer as @shop-news")).to_have_value("Yes! Order three days ahead")
    expect(staff.locator(".note")).to_contain_text("I'll take this one")
    screenshot(staff, "inbox-collision-desktop")
    staff.get_by_label("Add a tag").fill("Birthday cakes")
    staff.get_by_role("button", name="Tag", exact=True).click()
    expect(staff.locator(".tag-chip")).to_have_text("#birthday cakes×")
    phone = new_page(PHONE)
    sign_in(phone, shop.url, "sam@shop.example")
    phone.goto(conversation)
    screenshot(phone, "conversation-phone")
    staff.get_by_label("Answer as @shop-news").fill("")
    staff.goto(shop.url + "/w/shop/notices/")
    expect(staff.get_by_text("mentioned you about")).to_be_visible()


def test_the_inbox_can_be_worked_from_the_keyboard(shop, new_page):
    page = new_page()
    sign_in(page, shop.url, "owner@shop.example")
    connect(page, shop.url, "shop-news")
    page.goto(shop.url + "/w/shop/inbox/")
    for n, text in enumerate(["First question?", "Second question?"]):
        page.get_by_text("Practise: a sandbox customer writes").click()
        page.get_by_label("From").fill(f"@customer-{n}")
        page.get_by_label("Message").fill(text)
        page.get_by_role("button", name="Send as the customer").click()
        expect(page.locator(".conversation-row", has_text=text)).to_be_visible(timeout=30_000)
    page.locator("h1").click()  # nothing focused
    for key in ("j", "j", "k"):
        page.keyboard.press(key)
    rows = page.locator(".conversation-row")
    first = rows.first.get_attribute("href")
    assert page.evaluate("document.activeElement.getAttribute('href')") == first  # down, down, up: the first
    page.keyboard.press("Enter")
    expect(page).to_have_url(shop.url + first)
    page.keyboard.press("r")
    page.keyboard.type("Yes, we'll answer soon.")
    expect(page.get_by_label("Answer as @shop-news")).to_have_value("Yes, we'll answer soon.")
    page.keyboard.press("Escape")
    page.keyboard.press("e")
    expect(page.get_by_text("Marked done.")).to_be_visible()
    page.keyboard.press("u")
    expect(page).to_have_url(shop.url + "/w/shop/inbox/")
