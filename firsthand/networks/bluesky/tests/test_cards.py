"""Link cards read the page a post links to through the guard (networks/safe_http.py): a staff member's
link must not put this machine's own pages, or its neighbours', into a public post."""

from firsthand.networks.bluesky import cards
from firsthand.networks.tests.test_safe_http import Page

MENU = b'<html><head><title>fallback</title><meta property="og:title" content="Spring menu &amp; more"></head></html>'


def test_a_public_page_gives_its_title():
    page = Page(body=MENU)  # loopback stands for a public site: the test settings allow it
    try:
        card = cards.link_card(None, f"New menu: {page.url}menu")
    finally:
        page.close()
    assert (card.external.uri, card.external.title) == (f"{page.url}menu", "Spring menu & more")


def test_a_link_to_this_machine_gets_no_card_and_is_never_fetched(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    page = Page(body=b"<title>firsthand admin</title>")
    try:
        assert cards.link_card(None, f"Look: {page.url}admin/") is None
        assert page.visits == 0
    finally:
        page.close()


def test_a_public_page_redirecting_inside_gets_no_card(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    inside = Page(address="127.0.0.2", body=b"<title>router admin</title>")
    outside = Page(location=inside.url)
    try:
        assert cards.link_card(None, f"Look: {outside.url}") is None
        assert (outside.visits, inside.visits) == (1, 0)
    finally:
        inside.close()
        outside.close()
