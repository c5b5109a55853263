"""Post figures from X's API v2, through the local server written from its docs."""

import pytest
from django.utils import timezone

from firsthand.insights.posts import engine
from firsthand.insights.posts.models import PostFigures
from firsthand.networks.base import NetworkError, OutgoingPost, PostMetrics
from firsthand.networks.x.connector import XConnector
from firsthand.networks.x.tests.test_x import server, shop  # noqa: F401 # fixtures
from firsthand.publishing import operations
from firsthand.publishing.models import Delivery
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db
x = XConnector()


def test_x_figures_come_a_hundred_ids_a_call_from_public_metrics(server, shop):  # noqa: F811
    posted = x.publish(shop, OutgoingPost(text="New menu", idempotency_key="m")).remote_id
    server.tweets[posted]["public_metrics"] = {"like_count": 12, "reply_count": 2, "retweet_count": 4, "quote_count": 1}
    before = len(server.requests)
    found = x.post_metrics(shop, [posted, "999999"])
    assert found == {posted: PostMetrics(replies=2, likes=12, reposts=4, quotes=1)}
    assert [r[1] for r in server.requests[before:]] == ["/2/tweets"]  # one call for both ids


def test_xs_rate_limit_makes_the_job_wait_until_xs_reset_time_in_xs_words(server, shop, team):  # noqa: F811
    posted = x.publish(shop, OutgoingPost(text="Hello", idempotency_key="h")).remote_id
    post = operations.save_post(team.membership("owner"), accounts=[shop], text="Hello")
    Delivery.objects.filter(post=post).update(state=State.PUBLISHED, published_at=timezone.now(), remote_ids=[posted])
    server.rate_limit_remaining = 0
    with pytest.raises(NetworkError):
        x.post_metrics(shop, [posted])
    assert engine.run_once() == 0
    row = PostFigures.objects.get(delivery__post=post)
    assert "X's rate limit" in row.error
    assert (row.next_fetch_at - timezone.now()).total_seconds() > 800
