"""Published posts' figures: the sandbox's, the worker job that stores them, and what a network refuses."""

from datetime import timedelta

import pytest
from django.utils import timezone

from firsthand.insights.posts import engine
from firsthand.insights.posts.models import PostFigures
from firsthand.networks import registry
from firsthand.networks.base import NetworkError, OutgoingPost, post_metrics
from firsthand.networks.models import ConnectedAccount
from firsthand.networks.sandbox.connector import SandboxConnector
from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent, SandboxFault, SandboxPost
from firsthand.networks.testing import connect_sandbox_account
from firsthand.publishing import operations
from firsthand.publishing.models import Delivery
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db
sandbox = SandboxConnector()


def publish(membership, account, text, hours_ago: float) -> Delivery:
    """A post published `hours_ago` through the sandbox, recorded as the publishing engine records it."""
    post = operations.save_post(membership, accounts=[account], text=text)
    delivery = post.deliveries.get()
    moment = timezone.now() - timedelta(hours=hours_ago)
    if account.network == "sandbox":
        sent = sandbox.publish(account, OutgoingPost(text=text, idempotency_key=delivery.part_key(0)))
        SandboxPost.objects.filter(remote_id=sent.remote_id).update(created_at=moment)
        remote_id, url = sent.remote_id, sent.url
    else:
        remote_id, url = f"{account.network}-{delivery.pk}", ""
    Delivery.objects.filter(pk=delivery.pk).update(
        state=State.PUBLISHED, published_at=moment, due_at=moment, remote_ids=[remote_id], remote_url=url
    )
    delivery.refresh_from_db()
    return delivery


def reply_to(delivery, handle, text="Lovely!", kind="reply"):
    remote = SandboxPost.objects.get(remote_id=delivery.remote_ids[0])
    return SandboxEvent.objects.create(
        account=remote.account, kind=kind, author_handle=handle, author_name=handle, text=text, post=remote
    )


@pytest.fixture
def cafe(team):
    return connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)


def test_the_sandbox_gives_the_same_figures_on_every_read_and_counts_the_replies_people_wrote(team, cafe):
    owner = team.membership("owner")
    old = publish(owner, cafe, "Our menu: https://example.com/menu", hours_ago=72)
    reply_to(old, "ann")
    reply_to(old, "bob")
    reply_to(old, "cat", kind="quote")
    remote_id = old.remote_ids[0]
    first = post_metrics(sandbox, cafe, [remote_id, "no-such-post"])
    assert set(first) == {remote_id}  # a post the network does not have is left out, not zero
    assert (first[remote_id].replies, first[remote_id].quotes) == (2, 1)
    assert first == post_metrics(sandbox, cafe, [remote_id])
    assert first[remote_id].clicks is not None and first[remote_id].likes >= 0


def test_a_network_without_post_figures_says_so_in_words_for_the_team(team):
    account = ConnectedAccount.objects.create(workspace=team.workspace, network="linkedin", remote_id="1", handle="Co")
    with pytest.raises(NetworkError) as refused:
        post_metrics(registry.connector("linkedin"), account, ["urn:li:share:1"])
    assert not refused.value.transient and "LinkedIn" in refused.value.message
    assert set(registry.NO_POST_METRICS) | registry.POST_METRICS == set(registry.CONNECTORS)


def test_the_worker_reads_the_newest_posts_first_a_bounded_number_per_tick(team, cafe):
    owner = team.membership("owner")
    oldest = publish(owner, cafe, "Oldest", hours_ago=30)
    middle = publish(owner, cafe, "Middle", hours_ago=20)
    newest = publish(owner, cafe, "Newest", hours_ago=1)
    reply_to(newest, "ann")
    assert engine.run_once(limit=2) == 2
    read = set(PostFigures.objects.exclude(fetched_at=None).values_list("delivery_id", flat=True))
    assert read == {newest.pk, middle.pk}
    assert PostFigures.objects.get(delivery=newest).replies == 1
    assert engine.run_once(limit=2) == 1  # the two read are not due again yet; the oldest now is
    assert PostFigures.objects.get(delivery=oldest).fetched_at is not None
    assert engine.run_once() == 0


def test_posts_older_than_the_watch_window_or_not_published_are_not_read(team, cafe):
    owner = team.membership("owner")
    publish(owner, cafe, "Long ago", hours_ago=24 * (engine.WATCH_DAYS + 1))
    operations.save_post(owner, accounts=[cafe], text="A draft")
    assert engine.run_once() == 0
    assert not PostFigures.objects.exists()


def test_a_refusing_network_is_told_on_its_rows_and_never_holds_up_the_other_accounts(team, cafe):
    owner = team.membership("owner")
    linkedin = ConnectedAccount.objects.create(workspace=team.workspace, network="linkedin", remote_id="1", handle="Co")
    refused = publish(owner, linkedin, "On LinkedIn", hours_ago=1)
    fine = publish(owner, cafe, "On the sandbox", hours_ago=2)
    assert engine.run_once() == 1
    row = PostFigures.objects.get(delivery=refused)
    assert row.fetched_at is None and "LinkedIn" in row.error
    assert row.next_fetch_at > timezone.now() + timedelta(hours=23)  # asked again tomorrow, not every tick
    assert PostFigures.objects.get(delivery=fine).fetched_at is not None
    assert engine.refused([linkedin.pk, cafe.pk]) == {linkedin.pk: row.error}


def test_a_rate_limit_waits_until_the_networks_reset_time_and_keeps_the_last_figures(team, cafe):
    owner = team.membership("owner")
    delivery = publish(owner, cafe, "Busy day", hours_ago=1)
    engine.run_once()
    before = PostFigures.objects.get(delivery=delivery)
    remote = SandboxAccount.objects.get(pk=int(cafe.remote_id))
    SandboxFault.objects.create(account=remote, kind=SandboxFault.Kind.RATE_LIMITED, reset_seconds=900)
    PostFigures.objects.filter(pk=before.pk).update(next_fetch_at=timezone.now())
    assert engine.run_once() == 0
    after = PostFigures.objects.get(pk=before.pk)
    assert "rate limit" in after.error
    assert after.next_fetch_at >= timezone.now() + timedelta(seconds=880)
    assert (after.likes, after.fetched_at) == (before.likes, before.fetched_at)


def test_revoked_credentials_mark_the_account_for_reconnecting(team, cafe):
    publish(team.membership("owner"), cafe, "Hello", hours_ago=1)
    SandboxAccount.objects.filter(pk=int(cafe.remote_id)).update(token_revoked=True)
    engine.run_once()
    cafe.refresh_from_db()
    assert cafe.needs_reconnect


def test_a_post_deleted_on_the_network_keeps_its_last_figures_and_says_so(team, cafe):
    delivery = publish(team.membership("owner"), cafe, "Soon gone", hours_ago=1)
    engine.run_once()
    sandbox.delete(cafe, delivery.remote_ids[0])
    PostFigures.objects.filter(delivery=delivery).update(next_fetch_at=timezone.now())
    engine.run_once()
    row = PostFigures.objects.get(delivery=delivery)
    assert row.error == engine.GONE and row.fetched_at is not None


def test_a_reader_fault_on_one_account_is_recorded_and_the_next_account_is_read(team, cafe, monkeypatch):
    owner = team.membership("owner")
    other = connect_sandbox_account(team.workspace, "corner-bakery", by=team.owner)
    broken = publish(owner, cafe, "Cafe", hours_ago=1)
    fine = publish(owner, other, "Bakery", hours_ago=2)
    real = SandboxConnector.post_metrics

    def failing(self, account, remote_ids):
        if account.pk == cafe.pk:
            raise KeyError("publicMetrics")
        return real(self, account, remote_ids)

    monkeypatch.setattr(SandboxConnector, "post_metrics", failing)
    assert engine.run_once() == 1
    assert "KeyError" in PostFigures.objects.get(delivery=broken).error
    assert PostFigures.objects.get(delivery=fine).fetched_at is not None


def test_two_workers_never_read_the_same_post_twice_in_one_round(team, cafe, monkeypatch):
    publish(team.membership("owner"), cafe, "Once", hours_ago=1)
    engine.add_new(timezone.now())
    calls = []
    real = SandboxConnector.post_metrics

    def counting(self, account, remote_ids):
        calls.append(tuple(remote_ids))
        # The other worker takes its turn while this one waits for the network.
        if len(calls) == 1:
            engine.run_once()
        return real(self, account, remote_ids)

    monkeypatch.setattr(SandboxConnector, "post_metrics", counting)
    engine.run_once()
    assert len(calls) == 1
