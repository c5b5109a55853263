"""Insights → Posts on the reference Bluesky network: a post's figures as getPosts counts them."""

import uuid

import pytest

from firsthand.networks.base import OutgoingPost, PostMetrics
from firsthand.networks.bluesky.connector import BlueskyConnector
from tests.bluesky.test_bluesky import brand  # noqa: F401 # fixture

pytestmark = pytest.mark.django_db
bluesky = BlueskyConnector()


def test_a_posts_replies_likes_reposts_and_quotes_are_bluesky_s_own_counts(on_bluesky, brand):  # noqa: F811
    person, account = brand
    published = bluesky.publish(account, OutgoingPost(text="Count me", idempotency_key=str(uuid.uuid4())))
    gone = bluesky.publish(account, OutgoingPost(text="Soon gone", idempotency_key=str(uuid.uuid4())))
    on_bluesky.process_all()
    cid = on_bluesky.record(published.remote_id)["cid"]
    subject = {"uri": published.remote_id, "cid": cid}
    fan, other = on_bluesky.new_person("fan"), on_bluesky.new_person("other")
    for who in (fan, other):
        for collection in ("app.bsky.feed.like", "app.bsky.feed.repost"):
            on_bluesky.xrpc(
                "com.atproto.repo.createRecord",
                token=who.access_jwt,
                body={"repo": who.did, "collection": collection,
                      "record": {"$type": collection, "subject": subject, "createdAt": "2026-11-23T10:00:00Z"}},
            )  # fmt: skip
    on_bluesky.post(fan, "Agreed", reply_to={"root": subject, "parent": subject})
    on_bluesky.post(other, "Look", embed={"$type": "app.bsky.embed.record", "record": subject})
    bluesky.delete(account, gone.remote_id)
    on_bluesky.process_all()
    found = bluesky.post_metrics(account, [published.remote_id, gone.remote_id])
    assert found == {published.remote_id: PostMetrics(replies=1, likes=2, reposts=2, quotes=1)}
