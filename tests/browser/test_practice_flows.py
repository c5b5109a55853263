"""Practice in a real browser: a new staff member plays a scenario on a phone and reads the coaching."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_team_flows import owner_with_new_member

pytestmark = pytest.mark.browser
SMALL_PHONE = {"width": 320, "height": 640}


def no_sideways_scroll(page, where):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{where} scrolls sideways by {overflow}px"


def test_a_new_staff_member_completes_a_scenario_on_a_phone_and_sees_the_coaching(shop, new_page):
    owner, staff = owner_with_new_member(shop, new_page, "staff", "Sam Staff", "sam@shop.example", viewport=PHONE)

    # The owner wants new staff to pass the opening-hours scenario before answering real customers alone.
    owner.goto(shop.url + "/w/shop/practice/manage/")
    owner.get_by_label("A question about opening hours").check()
    owner.get_by_label("Words to avoid").fill("unfortunately")
    owner.get_by_role("button", name="Save house rules").click()
    expect(owner.get_by_text("House rules saved")).to_be_visible()
    screenshot(owner, "practice-manage-desktop")

    staff.goto(shop.url + "/w/shop/practice/")
    expect(staff.get_by_text("Your answers to real customers wait for approval")).to_be_visible()
    no_sideways_scroll(staff, "practice home on a phone")
    screenshot(staff, "practice-home-phone")
    staff.locator(".practice-scenario", has_text="A question about opening hours").get_by_role("button").click()
    expect(staff.locator("h1")).to_contain_text("Practice")
    expect(staff.locator(".bubble-in").first).to_contain_text("simulated customer")

    staff.get_by_label("Your answer").fill("Unfortunately we're closed on Sunday.")
    staff.get_by_role("button", name="Send practice answer").click()
    coaching = staff.locator(".practice-coaching").last
    expect(coaching).to_contain_text("Coaching")
    expect(coaching).to_contain_text("House rules: words to avoid")
    expect(coaching.locator("li.miss")).not_to_have_count(0)
    screenshot(staff, "practice-run-coached-phone")

    staff.get_by_label("Your answer").fill("Sorry! We're open on Saturday from 9 until 17, and closed on Sunday.")
    staff.get_by_role("button", name="Send practice answer").click()
    expect(staff.get_by_text("Scenario done")).to_be_visible()
    expect(staff.locator(".practice-coaching").last.locator("li.ok")).not_to_have_count(0)
    no_sideways_scroll(staff, "a finished practice run on a phone")
    screenshot(staff, "practice-run-done-phone")

    staff.goto(shop.url + "/w/shop/practice/")
    expect(staff.get_by_text("Your answers to real customers wait for approval")).to_have_count(0)
    expect(staff.get_by_text("Your progress")).to_be_visible()
    assert staff.console_errors == []


@pytest.mark.parametrize("name, viewport", [("desktop", DESKTOP), ("small-phone", SMALL_PHONE)])
def test_the_practice_pages_fit_the_screen(shop, new_page, name, viewport):
    from tests.browser.conftest import sign_in

    page = new_page(viewport)
    sign_in(page, shop.url, "owner@shop.example")
    page.goto(shop.url + "/w/shop/practice/")
    page.locator(".practice-scenario", has_text="A late order").get_by_role("button").click()
    page.get_by_label("Your answer").fill("Sorry, not our problem really.")
    page.get_by_role("button", name="Send practice answer").click()
    expect(page.locator(".practice-coaching")).to_be_visible()
    for path in ("", "/w/shop/practice/", "/w/shop/practice/manage/"):
        if path:
            page.goto(shop.url + path)
        no_sideways_scroll(page, f"{path or 'the run'} at {name}")
        screenshot(page, f"practice-{path.strip('/').replace('/', '-') or 'run'}-{name}")
    assert page.console_errors == []
