"""Post figures from Mastodon's API, through the local server written from its docs."""

import pytest

from firsthand.networks.base import OutgoingPost, PostMetrics
from firsthand.networks.mastodon.connector import MastodonConnector
from firsthand.networks.mastodon.tests.conftest import server, shop  # noqa: F401 # fixtures

pytestmark = pytest.mark.django_db


def test_mastodon_figures_are_the_statuses_counts_and_a_deleted_status_is_left_out(server, shop):  # noqa: F811
    brand, account = shop
    mastodon = MastodonConnector()
    kept = mastodon.publish(account, OutgoingPost(text="Soup of the day: leek", idempotency_key="a")).remote_id
    gone = mastodon.publish(account, OutgoingPost(text="Typo", idempotency_key="b")).remote_id
    fan = server.user("fan")
    server.write(fan, "Yum", in_reply_to=kept)
    server.statuses[kept].update(favourites_count=7, reblogs_count=3)
    mastodon.delete(account, gone)
    found = mastodon.post_metrics(account, [kept, gone])
    assert found == {kept: PostMetrics(replies=1, likes=7, reposts=3)}  # no quotes or clicks: a dash, not 0
