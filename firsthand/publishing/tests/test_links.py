import pytest
from django.urls import reverse

from firsthand.networks.sandbox.models import SandboxPost
from firsthand.publishing import engine, operations
from firsthand.publishing.links import tag_links
from firsthand.publishing.models import LinkSettings

PARAMS = {"utm_source": "sandbox", "utm_medium": "social", "utm_campaign": "spring"}


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Menu: https://shop.example.com/menu",
            "Menu: https://shop.example.com/menu?utm_source=sandbox&utm_medium=social&utm_campaign=spring",
        ),
        (
            "https://shop.example.com/?a=1#top.",
            "https://shop.example.com/?a=1&utm_source=sandbox&utm_medium=social&utm_campaign=spring#top.",
        ),
        (
            "Tagged by hand: https://shop.example.com/?utm_source=flyer",
            "Tagged by hand: https://shop.example.com/?utm_source=flyer",
        ),
        ("No links here", "No links here"),
    ],
)
def test_links_are_tagged_once_keeping_their_query_fragment_and_punctuation(text, expected):
    assert tag_links(text, PARAMS) == expected


@pytest.mark.django_db
def test_published_links_carry_the_workspace_tags_and_the_posts_campaign(team, account):
    LinkSettings.objects.create(workspace=team.workspace, utm_enabled=True, utm_source="{network}", utm_medium="social")
    post = operations.save_post(
        team.membership("owner"), accounts=[account], text="See https://shop.example.com/menu", campaign="spring-menu"
    )
    operations.schedule(team.membership("owner"), post, None)
    engine.run_once("w1")
    assert SandboxPost.objects.get().text == (
        "See https://shop.example.com/menu?utm_source=sandbox&utm_medium=social&utm_campaign=spring-menu"
    )


@pytest.mark.django_db
def test_without_tagging_links_go_out_as_written(team, account):
    post = operations.save_post(team.membership("owner"), accounts=[account], text="See https://shop.example.com/menu")
    operations.schedule(team.membership("owner"), post, None)
    engine.run_once("w1")
    assert SandboxPost.objects.get().text == "See https://shop.example.com/menu"


@pytest.mark.django_db
def test_only_owners_and_managers_change_link_settings(team, client_for):
    url = reverse("publishing:link_settings", kwargs={"slug": team.workspace.slug})
    assert client_for(team.staff).post(url, {"utm_enabled": "on"}).status_code == 403
    response = client_for(team.manager).post(
        url, {"utm_enabled": "on", "utm_source": "{network}", "utm_medium": "social"}
    )
    assert response.status_code == 302
    assert LinkSettings.objects.get(workspace=team.workspace).utm_enabled


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Tonight: https://en.wikipedia.org/wiki/Primer_(film)!",
            "Tonight: https://en.wikipedia.org/wiki/Primer_(film)?utm_source=sandbox&utm_medium=social&utm_campaign=spring!",
        ),
        (
            "https://shop.example.com/menu今日のスープ",
            "https://shop.example.com/menu?utm_source=sandbox&utm_medium=social&utm_campaign=spring今日のスープ",
        ),
        ("Bare domains stay as written: shop.example.com/menu", "Bare domains stay as written: shop.example.com/menu"),
    ],
)
def test_links_are_found_as_the_networks_find_them(text, expected):
    assert tag_links(text, PARAMS) == expected
