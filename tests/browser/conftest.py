"""Headless Chromium (Debian's) driven by Playwright against a real `firsthand serve`."""

import os
import re
from pathlib import Path

import pytest

from conftest import need
from tests.support import Server, process_env, run

CHROMIUM = os.environ.get("FIRSTHAND_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "a long enough owner password"

# Without these Chromium keeps calling home, and this machine's closed network refuses it.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    need(Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, request):
    """new_page(viewport=DESKTOP): a page in a fresh browser profile (its own cookies)."""
    pages = []

    def make(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console", lambda message: page.console_errors.append(message.text) if message.type == "error" else None
        )
        pages.append(page)
        return page

    yield make
    failed = getattr(request.node, "report_call", None) and request.node.report_call.failed
    for n, page in enumerate(pages):
        if failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            page.screenshot(path=str(ARTIFACTS / f"FAILED-{name}-{n}.png"), full_page=True)
        page.context.close()


@pytest.fixture
def server(tmp_path):
    server = Server(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def shop(tmp_path):
    """A running server whose owner already exists (made the scripted way)."""
    server = start_shop(tmp_path)
    yield server
    server.stop()


def start_shop(tmp_path, **settings) -> Server:
    """firsthand serving a shop whose owner exists, with extra FIRSTHAND_... settings in its environment."""
    # The fake networks listen on loopback, which a real server refuses to reach (networks/safe_http.py).
    settings.setdefault("FIRSTHAND_TEST_OUTBOUND_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128")
    env = process_env(FIRSTHAND_OWNER_PASSWORD=PASSWORD, **settings)
    created = run(
        "createowner",
        "--email",
        "owner@shop.example",
        "--name",
        "Olive Owner",
        "--workspace",
        "Shop",
        "--data-dir",
        tmp_path,
        env=env,
    )
    assert created.returncode == 0, created.stderr
    return Server(tmp_path, env=env)


def sign_in(page, base_url, email, password=PASSWORD):
    page.goto(base_url + "/signin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
