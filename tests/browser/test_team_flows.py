"""The first things a business does with firsthand, in a real browser."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, PHONE, screenshot, sign_in

pytestmark = pytest.mark.browser


def invite_link(page, base_url, role, email=""):
    page.goto(base_url + "/w/shop/team/")
    if email:
        page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Role", exact=True).select_option(role)
    page.get_by_role("button", name="Create invite link").click()
    expect(page.get_by_text("Invite ready")).to_be_visible()
    return page.locator("input.invite-link").first.input_value()


def accept_invite(page, link, name, email):
    page.goto(link)
    page.get_by_label("Your name").fill(name)
    field = page.get_by_label("Email")
    if field.is_editable():
        field.fill(email)
    else:  # an invite sent to an address shows it, read-only: only that address can accept it
        expect(field).to_have_value(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account and join").click()
    page.wait_for_load_state()


def owner_with_new_member(shop, new_page, role, name, email, viewport=None):
    """The owner signs in and invites someone, who accepts in a browser of their own."""
    owner = new_page()
    sign_in(owner, shop.url, "owner@shop.example")
    link = invite_link(owner, shop.url, role)
    member = new_page(viewport) if viewport else new_page()
    accept_invite(member, link, name, email)
    return owner, member


def test_first_run_setup_through_the_setup_link(server, new_page):
    page = new_page()
    page.goto(server.url + "/")
    expect(page.get_by_text("one-time setup link")).to_be_visible()

    page.goto(server.setup_link)
    page.get_by_label("Your name").fill("Ada Owner")
    page.get_by_label("Your email").fill("ada@bakery.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Business name").fill("Ada's Bakery")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    screenshot(page, "setup-desktop")
    page.get_by_role("button", name="Create account and workspace").click()

    expect(page.get_by_role("heading", name="Good to see you, Ada")).to_be_visible()
    expect(page.get_by_text("on the clock of Europe/Berlin")).to_be_visible()
    assert page.console_errors == []

    # The link is spent: a second visitor gets nowhere.
    other = new_page()
    response = other.goto(server.setup_link)
    assert response.status == 404


def test_sign_in_with_wrong_then_right_password(shop, new_page):
    page = new_page()
    sign_in(page, shop.url, "owner@shop.example", "not the password")
    expect(page.get_by_text("don't match an account")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("owner@shop.example")
    sign_in(page, shop.url, "owner@shop.example")
    expect(page.get_by_role("heading", name="Good to see you, Olive")).to_be_visible()


def test_owner_invites_staff_by_link_and_staff_signs_in(shop, new_page):
    owner = new_page()
    sign_in(owner, shop.url, "owner@shop.example")
    link = invite_link(owner, shop.url, "staff", email="sam@shop.example")
    assert link.startswith(shop.url + "/invite/")
    screenshot(owner, "team-desktop")

    staff = new_page()
    accept_invite(staff, link, "Sam Staff", "sam@shop.example")
    expect(staff.get_by_text("Welcome to Shop")).to_be_visible()

    # Signing in again later works with the new account.
    again = new_page()
    sign_in(again, shop.url, "sam@shop.example")
    expect(again.get_by_role("heading", name="Good to see you, Sam")).to_be_visible()

    owner.reload()
    expect(owner.locator(".member-list")).to_contain_text("Sam Staff")
    expect(owner.locator(".invite-list")).to_have_count(0)


def test_staff_cannot_open_team_settings(shop, new_page):
    _, staff = owner_with_new_member(shop, new_page, "staff", "Sam Staff", "sam@shop.example")

    expect(staff.locator(".sidebar nav")).not_to_contain_text("Team")
    response = staff.goto(shop.url + "/w/shop/team/")
    assert response.status == 403
    expect(staff.get_by_text("Only the workspace's owners manage the team")).to_be_visible()


def test_viewer_cannot_draft(shop, new_page):
    _, viewer = owner_with_new_member(shop, new_page, "viewer", "Vic Viewer", "vic@shop.example", viewport=PHONE)

    expect(viewer.locator(".tabbar")).to_be_visible()
    expect(viewer.locator(".tabbar")).not_to_contain_text("Compose")
    response = viewer.goto(shop.url + "/w/shop/compose/")
    assert response.status == 403
    expect(viewer.get_by_text("can't draft posts")).to_be_visible()
    screenshot(viewer, "viewer-refused-phone")


def test_removed_member_loses_access_at_once(shop, new_page):
    owner, staff = owner_with_new_member(shop, new_page, "staff", "Sam Staff", "sam@shop.example")

    owner.goto(shop.url + "/w/shop/team/")
    owner.once("dialog", lambda dialog: dialog.accept())
    owner.locator(".member", has_text="Sam Staff").get_by_role("button", name="Remove").click()
    expect(owner.get_by_text("removed and signed out everywhere")).to_be_visible()

    staff.goto(shop.url + "/w/shop/inbox/")
    expect(staff.get_by_role("heading", name="Sign in")).to_be_visible()


def test_role_change_saves_when_the_select_changes(shop, new_page):
    owner, _ = owner_with_new_member(shop, new_page, "staff", "Sam Staff", "sam@shop.example")

    owner.goto(shop.url + "/w/shop/team/")
    owner.locator(".member", has_text="Sam Staff").locator("select").select_option("manager")
    expect(owner.get_by_text("Saved: Sam Staff is now manager.")).to_be_visible()
    owner.reload()
    expect(owner.locator(".member", has_text="Sam Staff").locator("select")).to_have_value("manager")


@pytest.mark.parametrize("viewport_name", ["desktop", "phone", "small-phone"])
def test_pages_fit_the_screen_without_sideways_scrolling(shop, new_page, viewport_name):
    from tests.browser.conftest import DESKTOP
    from tests.browser.test_publishing_flows import connect

    viewports = {"desktop": DESKTOP, "phone": PHONE, "small-phone": {"width": 320, "height": 640}}
    page = new_page(viewports[viewport_name])
    page.goto(shop.url + "/signin/")
    screenshot(page, f"signin-{viewport_name}")
    sign_in(page, shop.url, "owner@shop.example")
    invite_link(page, shop.url, "staff", email="someone.with.a.rather.long.address@shop.example")
    # A long handle, as a business's real one can be, on the pages that list accounts.
    connect(page, shop.url, "harbour-bakery-and-coffee-roasters-uk")
    pages = ["/w/shop/", "/w/shop/team/", "/w/shop/inbox/", "/w/shop/settings/", "/account/", "/w/"]
    pages += ["/w/shop/accounts/", "/w/shop/compose/", "/w/shop/calendar/", "/w/shop/queue-times/"]
    pages += ["/w/shop/approvals/", "/w/shop/insights/", "/w/shop/pause/", "/w/shop/notices/"]
    pages += ["/w/shop/settings/response-targets/", "/w/shop/settings/brand-rules/", "/w/shop/posts/import/"]
    for path in pages:
        response = page.goto(shop.url + path)
        assert response.status == 200, path
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {viewport_name} width"
        screenshot(page, f"{path.strip('/').replace('/', '-') or 'root'}-{viewport_name}")
    assert page.console_errors == []
