"""Short links on the pages: the settings that turn them on, the composer's count and preview, Insights' clicks.
Split from test_shortlinks.py (the links, codes and clicks themselves)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from firsthand.publishing import operations
from firsthand.publishing.models import LinkSettings, ShortLink
from firsthand.publishing.shortlinks import codes
from firsthand.publishing.shortlinks.tests.test_shortlinks import (  # noqa: F401 (fixtures used by name)
    BASE,
    SHORT,
    clicks_of,
    published,
    sent_code,
    shortening,
)

pytestmark = pytest.mark.django_db


def test_the_settings_page_turns_short_links_on_and_says_what_is_counted(team, client_for, settings):
    url = reverse("publishing:link_settings", kwargs={"slug": team.workspace.slug})
    owner = client_for(team.owner)
    page = owner.get(url).content.decode()
    assert "Short links" in page and "No IP address, no browser, no cookie" in page
    assert f"{BASE}/l/k7m3q9td" in page
    assert owner.post(url, {"short_links": "on", "utm_source": "{network}", "utm_medium": "social"}).status_code == 302
    assert LinkSettings.objects.get(workspace=team.workspace).short_links

    settings.BASE_URL = ""
    refused = owner.post(url, {"short_links": "on", "utm_source": "{network}", "utm_medium": "social"})
    assert refused.status_code == 400 and "set FIRSTHAND_BASE_URL" in refused.content.decode()
    assert client_for(team.staff).post(url, {"short_links": ""}).status_code == 403  # (the same client, now staff)


def live_check(team, client_for, account, text):
    response = client_for(team.staff).post(
        reverse("publishing:check", kwargs={"slug": team.workspace.slug}), {"accounts": [account.pk], "text": text}
    )
    assert response.status_code == 200
    return response.content.decode()


def network_account(team, network, handle):
    from firsthand.networks.models import ConnectedAccount

    account = ConnectedAccount(workspace=team.workspace, network=network, remote_id=handle, handle=f"@{handle}")
    account.credentials = {}
    account.save()
    return account


def test_the_composer_counts_the_short_links_real_length_and_shows_it(team, client_for):
    bluesky = network_account(team, "bluesky", "cafe.bsky.social")
    long_link = "https://shop.example.com/menus/seasonal/autumn-2026/soups-and-stews?ref=window"  # 78
    text = "a" * 230 + " " + long_link  # 309 graphemes as written: 9 too long for Bluesky
    off = live_check(team, client_for, bluesky, text)
    assert "309 / 300" in off and "9 too long for Bluesky" in off
    shortening(team)
    on = live_check(team, client_for, bluesky, text)
    short = f"{BASE}/l/{codes.PREVIEW_CODE}"  # as long as any real one: 41
    assert f"{231 + len(short)} / 300" in on and "too long" not in on
    assert short in on
    assert "shop.example.com" in on  # the preview card names where the link leads

    # and scheduling measures what it sends: the real code, the same length
    post = operations.save_post(team.membership("owner"), accounts=[bluesky], text=text)
    assert operations.problems_with(post) == []
    assert len(codes.url_for(codes.new_code())) == len(short)


def test_the_composer_shows_a_scheduled_posts_own_codes(team, client_for, accounts):
    cafe, _ = accounts
    shortening(team)
    post = operations.save_post(team.membership("owner"), accounts=[cafe], text="Menu https://shop.example.com/menu")
    operations.schedule(team.membership("owner"), post, timezone.now() + timedelta(hours=1))
    code = ShortLink.objects.get().code
    page = client_for(team.owner).get(
        reverse("publishing:edit", kwargs={"slug": team.workspace.slug, "post_id": post.pk})
    )
    assert f"{BASE}/l/{code}" in page.content.decode()


def test_insights_shows_the_own_clicks_beside_the_networks_and_leads_to_the_post(team, client_for, accounts):
    cafe, bakery = accounts
    shortening(team)
    post = published(team, accounts)
    cafe_code = sent_code(cafe)
    for _ in range(4):
        Client().get(f"/l/{cafe_code}")
    Client().get(f"/l/{sent_code(bakery)}")
    shortening(team, on=False)
    plain = published(team, [cafe], text="No link today")
    page = client_for(team.owner).get(reverse("insights:posts", kwargs={"slug": team.workspace.slug})).content.decode()
    assert "<strong>5</strong> clicks on your short links" in page
    cafe_copy = post.deliveries.get(account=cafe)
    to_post = reverse("publishing:post", kwargs={"slug": team.workspace.slug, "post_id": post.pk})
    assert f'href="{to_post}#links-{cafe_copy.pk}"' in page
    assert "<strong>4</strong> clicks on your links" in page and "<strong>1</strong> click on your links" in page
    assert page.count("on your links</a>") == 2  # the post whose links went out as written shows none
    assert plain.deliveries.get().shorten_links is False

    post_page = client_for(team.owner).get(to_post).content.decode()
    assert f'id="links-{cafe_copy.pk}"' in post_page and f"/l/{cafe_code}" in post_page
    assert "<strong>4</strong> clicks" in post_page

    by_clicks = client_for(team.owner).get(
        reverse("insights:posts", kwargs={"slug": team.workspace.slug}), {"sort": "clicks"}
    )
    assert by_clicks.status_code == 200
    csv_text = client_for(team.owner).get(
        reverse("insights:posts", kwargs={"slug": team.workspace.slug}), {"format": "csv"}
    )
    lines = b"".join(csv_text.streaming_content).decode().splitlines()
    assert "clicks on own short links" in lines[0]
