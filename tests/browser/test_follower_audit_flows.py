"""The demo's owner audits the bakery's followers in a real browser: the progress bar, then the share."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.support import Server

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(tmp_path):
    server = Server(tmp_path, "--demo")
    yield server
    server.stop()


def no_sideways_scroll(page, what):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{what} scrolls sideways by {overflow}px"


@pytest.mark.parametrize("viewport_name", ["phone", "desktop"])
def test_owner_audits_the_bakerys_followers_and_sees_the_share_that_looks_bought(demo, new_page, viewport_name):
    password = demo.wait_for(r"password (\S+)\)").group(1)
    page = new_page(PHONE if viewport_name == "phone" else DESKTOP)
    sign_in(page, demo.url, "owner@demo.firsthand.example", password)
    page.goto(demo.url + "/")
    slug = re.search(r"/w/([^/]+)/", page.url).group(1)
    page.goto(f"{demo.url}/w/{slug}/insights/")
    page.locator(".insights-tabs").get_by_role("link", name="Followers").click()
    expect(page.locator(".follower-audit h2")).to_contain_text("@harbour-bakery")
    screenshot(page, f"followers-before-{viewport_name}")
    no_sideways_scroll(page, "the followers page")

    page.get_by_role("button", name="Audit followers again").click()
    # The worker reads 1,200 followers in a few pages; until it ends the page shows its progress.
    expect(page.locator(".follower-audit progress")).to_be_visible()
    expect(page.get_by_text(re.compile(r"followers read"))).to_be_visible()
    screenshot(page, f"followers-progress-{viewport_name}")
    # Then the poll reloads the page with the results.
    expect(page.get_by_text(re.compile(r"of 1,200 followers"))).to_be_visible(timeout=60_000)
    expect(page.locator(".follower-audit progress")).to_have_count(0)
    share = int(page.locator(".followers-figure strong").inner_text().rstrip("%"))
    assert 25 <= share <= 35
    expect(page.get_by_text(re.compile(r"\+340 since the last audit, about \d+ of them look bought"))).to_be_visible()
    expect(page.locator(".followers-examples li")).to_have_count(20)
    screenshot(page, f"followers-done-{viewport_name}")
    no_sideways_scroll(page, "the followers page with results")
    if viewport_name == "phone":
        page.set_viewport_size({"width": 320, "height": 700})
        no_sideways_scroll(page, "the followers page at 320 px")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download every follower (CSV)").click()
    assert download.value.suggested_filename.startswith("followers-harbour-bakery-")
    # A follower to check opens on the network (the sandbox's own profile page).
    page.goto(demo.url + page.locator(".followers-examples a").first.get_attribute("href"))
    expect(page.get_by_text("follows @harbour-bakery")).to_be_visible()
    screenshot(page, f"sandbox-follower-{viewport_name}")
    assert not page.console_errors
