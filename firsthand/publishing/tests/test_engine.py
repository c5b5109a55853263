"""The publishing engine against the sandbox network: exactly once, on time, or a visible reason."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from firsthand.audit.models import AuditEvent
from firsthand.networks.sandbox.connector import SandboxConnector
from firsthand.networks.sandbox.models import SandboxFault, SandboxPost
from firsthand.notices.models import Notice
from firsthand.publishing import deleting, engine, operations
from firsthand.publishing.models import Delivery
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db


def scheduled(team, account, text="Fresh croissants at 7!", follow_ups=()):
    post = operations.save_post(team.membership("staff"), accounts=[account], text=text, follow_ups=follow_ups)
    operations.schedule(team.membership("staff"), post, None)
    return post.deliveries.get()


def make_due(delivery):
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def fault(kind, **fields):
    return SandboxFault.objects.create(kind=kind, **fields)


def test_a_due_post_is_published_once_and_recorded(team, account):
    delivery = scheduled(team, account)
    assert engine.run_once("w1") == 1
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED
    remote = SandboxPost.objects.get()
    assert delivery.remote_ids == [remote.remote_id] and remote.text == "Fresh croissants at 7!"
    assert delivery.remote_url.endswith(remote.remote_id)
    assert AuditEvent.objects.filter(action="publishing.published", actor=team.staff).exists()
    assert engine.run_once("w1") == 0  # nothing left to do, nothing published twice
    assert SandboxPost.objects.count() == 1


def test_a_post_scheduled_for_later_waits(team, account):
    post = operations.save_post(team.membership("staff"), accounts=[account], text="Later")
    operations.schedule(team.membership("staff"), post, timezone.now() + timedelta(hours=1))
    assert engine.run_once("w1") == 0
    assert post.deliveries.get().state == State.SCHEDULED


def test_a_thread_goes_out_as_a_chain_of_replies(team, account):
    delivery = scheduled(team, account, "1/3 Our story", follow_ups=["2/3 began in 1998", "3/3 with one oven"])
    engine.run_once("w1")
    delivery.refresh_from_db()
    first, second, third = (SandboxPost.objects.get(remote_id=rid) for rid in delivery.remote_ids)
    assert (second.reply_to, third.reply_to) == (first, second)
    assert third.text == "3/3 with one oven"


def test_a_lost_answer_is_reconciled_before_the_retry_so_nothing_is_posted_twice(team, account):
    fault(SandboxFault.Kind.LOST_ANSWER, remaining=1)
    delivery = scheduled(team, account)
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.RETRYING and delivery.needs_reconcile
    assert SandboxPost.objects.count() == 1  # the network has it; we do not know yet

    make_due(delivery)
    engine.run_once("w2")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED
    assert SandboxPost.objects.count() == 1
    assert delivery.remote_ids == [SandboxPost.objects.get().remote_id]


def test_a_timeout_that_created_nothing_is_retried_and_publishes_once(team, account):
    fault(SandboxFault.Kind.TIMEOUT, remaining=1)
    delivery = scheduled(team, account)
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.RETRYING and delivery.attempts == 1 and "timed out" in delivery.error
    make_due(delivery)
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED and SandboxPost.objects.count() == 1


def test_a_rate_limit_waits_until_the_networks_reset_time(team, account):
    fault(SandboxFault.Kind.RATE_LIMITED, remaining=1, reset_seconds=600)
    delivery = scheduled(team, account)
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.RETRYING
    assert delivery.next_attempt_at >= timezone.now() + timedelta(seconds=590)
    assert not delivery.needs_reconcile  # a rate-limit answer means nothing was created
    assert engine.run_once("w1") == 0


def test_a_revoked_token_fails_the_post_marks_the_account_and_tells_people(team, account):
    fault(SandboxFault.Kind.REVOKED_TOKEN, remaining=1)
    delivery = scheduled(team, account)
    engine.run_once("w1")
    delivery.refresh_from_db()
    account.refresh_from_db()
    assert delivery.state == State.FAILED and "needs reconnecting" in delivery.error
    assert account.needs_reconnect and "revoked" in account.health_reason
    told = set(Notice.objects.values_list("user__email", flat=True))
    assert told == {"staff@corner.example", "owner@corner.example", "manager@corner.example"}
    assert "token" not in Notice.objects.first().message.lower() or "sbx_" not in Notice.objects.first().message


def test_refused_content_fails_with_the_networks_reason(team, account):
    fault(SandboxFault.Kind.INVALID_CONTENT, remaining=1)
    delivery = scheduled(team, account)
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.FAILED and delivery.error == "The sandbox refused the post: content not allowed."
    assert SandboxPost.objects.count() == 0


def test_after_the_last_attempt_an_unknown_outcome_is_shown_as_unconfirmed(team, account, monkeypatch):
    monkeypatch.setattr(engine, "MAX_ATTEMPTS", 2)
    fault(SandboxFault.Kind.SERVER_ERROR)
    delivery = scheduled(team, account)
    engine.run_once("w1")
    make_due(delivery)
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.UNCONFIRMED
    assert "503" in delivery.error and "mark the post as published or publish it again" in delivery.error


def test_a_worker_that_dies_after_the_network_accepted_is_replaced_without_a_duplicate(team, account, settings):
    delivery = scheduled(team, account)
    assert engine.claim("doomed") == [delivery.pk]
    # The doomed worker reaches the network, then dies before recording anything.
    outgoing = engine.OutgoingPost(text=delivery.text(), idempotency_key=delivery.part_key(0))
    SandboxConnector().publish(account, outgoing)
    Delivery.objects.filter(pk=delivery.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))

    engine.run_once("rescuer")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED
    assert SandboxPost.objects.count() == 1


def test_a_claim_taken_over_is_not_overwritten_by_the_old_worker(team, account):
    delivery = scheduled(team, account)
    engine.claim("slow")
    Delivery.objects.filter(pk=delivery.pk).update(claimed_by="fast")
    engine.publish_claimed([delivery.pk], "slow")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHING and delivery.claimed_by == "fast"
    assert SandboxPost.objects.count() == 0


def test_an_account_that_needs_reconnecting_fails_its_posts_with_the_reason(team, account):
    delivery = scheduled(team, account)
    account.mark_needs_reconnect("Token expired on 1 May")
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.FAILED and "Token expired on 1 May" in delivery.error


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_publish_every_post_exactly_once(team, account):
    account_b = account  # one account, many posts: the worst case for contention
    for n in range(120):
        post = operations.save_post(team.membership("owner"), accounts=[account_b], text=f"Post number {n}")
        operations.schedule(team.membership("owner"), post, None)
    from firsthand.networks.sandbox.models import SandboxAccount

    SandboxAccount.objects.update(rate_limit_posts=10_000)

    def work(name):
        try:
            while engine.run_once(name, batch=7):
                pass
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(4)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=120)
    assert Delivery.objects.filter(state=State.PUBLISHED).count() == 120
    keys = list(SandboxPost.objects.values_list("idempotency_key", flat=True))
    assert len(keys) == 120 == len(set(keys))


def test_the_sandbox_itself_does_not_refuse_a_repeated_key_so_only_the_engine_prevents_duplicates(team, account):
    outgoing = engine.OutgoingPost(text="twice", idempotency_key="same-key")
    SandboxConnector().publish(account, outgoing)
    SandboxConnector().publish(account, outgoing)
    assert SandboxPost.objects.filter(idempotency_key="same-key").count() == 2


def test_deleting_a_published_thread_removes_every_part_and_is_audited(team, account):
    delivery = scheduled(team, account, "1/2 hello", follow_ups=["2/2 goodbye"])
    engine.run_once("w1")
    delivery.refresh_from_db()
    deleting.delete_from_network(team.membership("owner"), delivery)
    delivery.refresh_from_db()
    assert delivery.state == State.DELETED
    assert SandboxPost.objects.filter(deleted_at=None).count() == 0
    assert AuditEvent.objects.filter(action="publishing.deleted", actor=team.owner).exists()


def test_a_draft_cannot_be_deleted_from_the_network(team, account):
    post = operations.save_post(team.membership("owner"), accounts=[account], text="never sent")
    with pytest.raises(Exception, match="cannot become deleted"):
        deleting.delete_from_network(team.membership("owner"), post.deliveries.get())
