"""Follower audits on real networks' APIs (Mastodon's, through the local server written from its docs)."""

import pytest

from firsthand.insights.followers import engine, operations
from firsthand.insights.followers.models import AuditedFollower
from firsthand.insights.followers.states import AuditState
from firsthand.networks.mastodon.tests.conftest import server, shop  # noqa: F401 # fixtures

pytestmark = pytest.mark.django_db


def test_a_mastodon_accounts_followers_are_audited_across_pages(server, shop, team):  # noqa: F811
    brand, account = shop
    for n in range(85):
        server.follow(server.user(f"fan{n}", avatar=n % 2 == 0), brand)
    audit, _ = operations.start_audit(team.membership("owner"), account)
    while engine.run_once("w1"):
        pass
    audit.refresh_from_db()
    assert (audit.state, audit.fetched, audit.pages) == (AuditState.DONE, 85, 2)
    fan = AuditedFollower.objects.get(audit=audit, handle="fan84")
    assert fan.label in ("real", "fake") and fan.profile_url


def test_x_profiles_link_to_x_not_to_the_website_in_their_bio():
    assert engine.profile_url("x", {"handle": "jess", "url": "https://jess.example"}) == "https://x.com/jess"
    assert engine.profile_url("mastodon", {"url": "https://social.example/@jess"}) == "https://social.example/@jess"
