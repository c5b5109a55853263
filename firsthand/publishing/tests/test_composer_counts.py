"""The composer's live check counts as each network does: X's links and CJK text, Mastodon's content warning."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def network_account(team, network, handle):
    from firsthand.networks.models import ConnectedAccount

    account = ConnectedAccount(workspace=team.workspace, network=network, remote_id=handle, handle=f"@{handle}")
    account.credentials = {}
    account.save()
    return account


def live_check(team, client_for, account, **fields):
    response = client_for(team.staff).post(
        reverse("publishing:check", kwargs={"slug": team.workspace.slug}), {"accounts": [account.pk], **fields}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_live_check_on_x_counts_a_link_followed_by_cjk_text_as_x_does(team, client_for):
    x = network_account(team, "x", "cafe")
    # twitter-text ends the link before the Japanese text: 23 for the link, 2 for each of the 129 characters.
    html = live_check(team, client_for, x, text="https://example.com/" + "日" * 129)
    assert "281 / 280" in html and "1 too long for X" in html
    assert 'title="Past the limit: this part would not fit">日</mark>' in html


def test_live_check_on_x_counts_a_bare_domain_as_a_link(team, client_for):
    x = network_account(team, "x", "cafe")
    html = live_check(team, client_for, x, text="a" * 257 + " example.com/" + "m" * 40)
    assert "281 / 280" in html


def test_live_check_on_mastodon_counts_the_content_warning_with_the_text(team, client_for):
    mastodon = network_account(team, "mastodon", "cafe")
    html = live_check(team, client_for, mastodon, text="b" * 251, content_warning="a" * 250)
    assert "501 / 500" in html and "1 too long for Mastodon" in html


def test_publishing_refuses_a_mastodon_post_whose_content_warning_and_text_pass_the_limit(team):
    from firsthand.publishing import operations

    mastodon = network_account(team, "mastodon", "cafe")
    post = operations.save_post(
        team.membership("owner"), accounts=[mastodon], text="b" * 251, content_warning="a" * 250
    )
    assert operations.problems_with(post) == ["@cafe on Mastodon: The post is 1 too long for Mastodon (501 of 500)."]
