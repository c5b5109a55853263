"""Connect a sandbox account, compose with a variant, schedule, and watch it go out, in a real browser."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot, sign_in

pytestmark = pytest.mark.browser


def connect(page, base_url, handle, brand=True):
    page.goto(base_url + "/w/shop/accounts/")
    connect_form = page.locator("#connect-sandbox")
    connect_form.get_by_label("Handle").fill(handle)
    if not brand:
        connect_form.get_by_label("This is the business's own account").uncheck()
    connect_form.get_by_role("button", name="Connect sandbox account").click()
    expect(page.get_by_text(f"Connected @{handle} on Sandbox")).to_be_visible()


def test_compose_with_a_variant_schedule_and_see_it_published_in_the_calendar(shop, new_page):
    page = new_page()
    sign_in(page, shop.url, "owner@shop.example")
    connect(page, shop.url, "shop-news")
    connect(page, shop.url, "olive", brand=False)

    page.goto(shop.url + "/w/shop/compose/")
    page.locator(".account-option", has_text="@shop-news").locator("input").check()
    page.locator(".account-option", has_text="@olive").locator("input").check()
    page.get_by_label("Post", exact=True).fill("New seasonal menu from Monday! 🍂")
    page.get_by_text("A different version for one account").click()
    page.get_by_label("Version for @olive").fill("Our chef has outdone herself: new menu from Monday 🍂")

    # The live preview shows each account's text and its count while typing.
    preview = page.locator("#checks")
    expect(preview.locator(".preview")).to_have_count(2)
    expect(preview).to_contain_text("our chef has outdone herself", ignore_case=True)
    expect(preview.locator(".preview", has_text="@shop-news").locator(".counter")).to_have_text("32 / 500")
    expect(preview.locator(".preview", has_text="@olive").locator(".counter")).to_have_text("52 / 500")

    due = datetime.now(UTC) + timedelta(seconds=6)
    page.get_by_label("Schedule", exact=True).check()
    page.get_by_label("Day", exact=True).fill(due.strftime("%Y-%m-%d"))
    page.get_by_label("Time", exact=True).fill(due.strftime("%H:%M:%S"))
    screenshot(page, "compose-desktop")
    page.get_by_role("button", name="Save post").click()
    expect(page.get_by_text("Scheduled.")).to_be_visible()

    # The post page follows the delivery live until it is out.
    expect(page.locator(".delivery .state-published")).to_have_count(2, timeout=30_000)
    screenshot(page, "post-published-desktop")
    page.wait_for_load_state("networkidle")  # the live view has stopped asking once all is out

    page.goto(shop.url + "/w/shop/calendar/")
    today = page.locator(".day.today")
    expect(today.locator(".slot", has_text="@shop-news")).to_contain_text("Published")
    expect(today.locator(".slot", has_text="@olive")).to_contain_text("our chef", ignore_case=True)
    screenshot(page, "calendar-desktop")
    assert page.console_errors == []


def test_over_long_text_is_flagged_while_typing_and_refused_on_save(shop, new_page):
    page = new_page(PHONE)
    sign_in(page, shop.url, "owner@shop.example")
    connect(page, shop.url, "shop-news")
    page.goto(shop.url + "/w/shop/compose/")
    page.locator(".account-option", has_text="@shop-news").locator("input").check()
    page.get_by_label("Post", exact=True).fill("🍞" * 501)
    expect(page.locator("#checks .counter-over")).to_have_text("501 / 500")
    expect(page.locator("#checks")).to_contain_text("1 too long for Sandbox")
    page.get_by_role("button", name="Save post").click()
    expect(page.locator(".alert-error")).to_contain_text("1 too long for Sandbox")
    # What was typed is still there.
    expect(page.get_by_label("Post", exact=True)).to_have_value("🍞" * 501)
    screenshot(page, "compose-too-long-phone")


def test_drag_a_scheduled_post_to_another_day_on_the_calendar(shop, new_page):
    page = new_page()
    sign_in(page, shop.url, "owner@shop.example")
    connect(page, shop.url, "shop-news")
    day = datetime.now(UTC).date() + timedelta(days=1)
    if day.weekday() == 6:  # keep both days inside one Monday-to-Sunday week
        day += timedelta(days=1)
    target = day + timedelta(days=1)

    page.goto(shop.url + "/w/shop/compose/")
    page.locator(".account-option", has_text="@shop-news").locator("input").check()
    page.get_by_label("Post", exact=True).fill("Market stall this weekend")
    page.get_by_label("Schedule", exact=True).check()
    page.get_by_label("Day", exact=True).fill(day.isoformat())
    page.get_by_label("Time", exact=True).fill("11:00")
    page.get_by_role("button", name="Save post").click()
    expect(page.get_by_text("Scheduled.")).to_be_visible()

    page.goto(f"{shop.url}/w/shop/calendar/?view=week&day={day.isoformat()}")
    slot = page.locator(f'[data-day="{day.isoformat()}"] .slot')
    # Week columns are narrow: a handle stays on one line and is cut with an ellipsis, never broken mid-word.
    shape = "e => { const s = getComputedStyle(e); return [s.whiteSpace, s.textOverflow, e.getClientRects().length]; }"
    assert slot.locator(".slot-account").evaluate(shape) == ["nowrap", "ellipsis", 1]
    slot.drag_to(page.locator(f'[data-day="{target.isoformat()}"]'))
    expect(page.locator(f'[data-day="{target.isoformat()}"] .slot')).to_contain_text("11:00")
    expect(page.locator(f'[data-day="{day.isoformat()}"] .slot')).to_have_count(0)


def test_an_image_is_uploaded_described_previewed_and_the_draft_saves_itself(shop, new_page, tmp_path):
    from PIL import Image

    picture = tmp_path / "loaf.png"
    Image.new("RGB", (800, 500), (190, 140, 80)).save(picture)
    page = new_page()
    sign_in(page, shop.url, "owner@shop.example")
    connect(page, shop.url, "shop-news")
    page.goto(shop.url + "/w/shop/compose/")
    page.locator(".account-option", has_text="@shop-news").locator("input").check()
    page.locator("input[name=image]").set_input_files(str(picture))
    expect(page.locator(".media-item img")).to_be_visible()
    page.get_by_label("Description for people who can't see it").fill("A golden loaf")
    page.get_by_label("Post", exact=True).fill("Fresh from the oven")
    expect(page.locator("#checks .preview-images img")).to_have_count(1)
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved", timeout=10_000)

    # Leaving and coming back through the calendar finds the draft, image and description included.
    page.goto(shop.url + "/w/shop/calendar/")
    page.locator(".slot", has_text="Fresh from the oven").click()
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Post", exact=True)).to_have_value("Fresh from the oven")
    expect(page.get_by_label("Description for people who can't see it")).to_have_value("A golden loaf")
    assert page.console_errors == []
