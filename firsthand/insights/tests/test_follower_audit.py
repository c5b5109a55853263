"""The follower audit's job: paged, resumable, cancellable, rate-limit aware, never counting twice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from firsthand.insights.followers import engine, operations
from firsthand.insights.followers.models import AuditedFollower, FollowerAudit, FollowerSnapshot
from firsthand.insights.followers.states import AuditState
from firsthand.judge import judge
from firsthand.networks.sandbox.connector import SandboxConnector
from firsthand.networks.sandbox.followers import PAGE_SIZE, follower_page
from firsthand.networks.sandbox.models import SandboxAccount, SandboxFault
from firsthand.networks.testing import connect_sandbox_account

pytestmark = pytest.mark.django_db


def sandbox_with_followers(team, total=450, share=0.3, handle="corner-cafe"):
    account = connect_sandbox_account(team.workspace, handle, by=team.owner)
    SandboxAccount.objects.filter(pk=int(account.remote_id)).update(followers_total=total, bought_share=share)
    return account


def start(team, account, persona="owner"):
    audit, new = operations.start_audit(team.membership(persona), account)
    return audit


def finished(audit):
    while engine.run_once("w1"):
        pass
    audit.refresh_from_db()
    return audit


def test_an_audit_reads_every_page_and_judges_each_follower(team):
    account = sandbox_with_followers(team, total=450)
    audit = finished(start(team, account))
    assert audit.state == AuditState.DONE
    assert (audit.fetched, audit.judged, audit.pages) == (450, 450, 3)
    remote = SandboxAccount.objects.get(pk=int(account.remote_id))
    profiles = [p for cursor in ("", "200", "400") for p in follower_page(remote, cursor).profiles]
    expected = judge("follower", profiles)
    assert audit.bought == sum(1 for r in expected if r["label"] == "fake")
    assert 0.2 < audit.bought / 450 < 0.4
    # The judge's label, score and reasons are kept per follower, with the counts they read.
    stored = AuditedFollower.objects.get(audit=audit, remote_id=profiles[7]["id"])
    assert (stored.label, stored.score, stored.reasons) == (
        expected[7]["label"],
        expected[7]["score"],
        expected[7]["reasons"],
    )
    assert stored.signals["following_count"] == profiles[7]["following_count"]
    snapshot = FollowerSnapshot.objects.get(audit=audit)
    assert (snapshot.followers, snapshot.real, snapshot.bought) == (450, 450 - audit.bought, audit.bought)


def test_a_worker_that_dies_mid_audit_is_replaced_from_the_cursor_without_counting_twice(team, monkeypatch):
    account = sandbox_with_followers(team, total=450)
    audit = start(team, account)
    real_list = SandboxConnector.list_followers
    calls = []

    def dies_on_second_page(self, account, cursor=""):
        calls.append(cursor)
        if len(calls) == 2:
            raise SystemExit("the worker was killed")
        return real_list(self, account, cursor)

    monkeypatch.setattr(SandboxConnector, "list_followers", dies_on_second_page)
    with pytest.raises(SystemExit):
        engine.run_once("dead-worker")
    audit.refresh_from_db()
    assert (audit.state, audit.cursor, audit.fetched) == (AuditState.FETCHING, str(PAGE_SIZE), PAGE_SIZE)
    # Another worker does not take it while the dead one's lease holds...
    assert engine.run_once("w2") == 0
    # ...and resumes from the cursor once the lease has run out.
    FollowerAudit.objects.filter(pk=audit.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert engine.run_once("w2") == 2
    audit.refresh_from_db()
    assert calls == ["", "200", "200", "400"]
    assert (audit.state, audit.fetched) == (AuditState.DONE, 450)
    assert AuditedFollower.objects.filter(audit=audit).count() == 450


def test_a_page_stored_twice_counts_once(team):
    account = sandbox_with_followers(team, total=450)
    start(team, account)
    audit = engine.claim("w1")
    page = SandboxConnector().list_followers(account, "")
    assert engine.store_page(audit, "w1", page)
    assert engine.store_page(audit, "w1", page)
    audit.refresh_from_db()
    assert audit.fetched == PAGE_SIZE == AuditedFollower.objects.filter(audit=audit).count()
    assert audit.judged == PAGE_SIZE


def test_cancel_stops_the_audit_between_pages_and_keeps_nothing_of_the_page_in_flight(team, monkeypatch):
    account = sandbox_with_followers(team, total=450)
    audit = start(team, account)
    real_list = SandboxConnector.list_followers

    def cancelled_meanwhile(self, account, cursor=""):
        if cursor:
            operations.cancel_audit(team.membership("manager"), audit)
        return real_list(self, account, cursor)

    monkeypatch.setattr(SandboxConnector, "list_followers", cancelled_meanwhile)
    engine.run_once("w1")
    audit.refresh_from_db()
    assert (audit.state, audit.fetched) == (AuditState.CANCELLED, PAGE_SIZE)
    assert AuditedFollower.objects.filter(audit=audit).count() == PAGE_SIZE
    assert engine.run_once("w1") == 0
    assert not FollowerSnapshot.objects.exists()
    assert operations.cancel_audit(team.membership("owner"), audit) is False


def test_starting_an_audit_twice_returns_the_running_one(team):
    account = sandbox_with_followers(team)
    first, new = operations.start_audit(team.membership("owner"), account)
    again, new_again = operations.start_audit(team.membership("manager"), account)
    assert (new, new_again) == (True, False)
    assert again.pk == first.pk
    assert FollowerAudit.objects.count() == 1
    from firsthand.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="insights.follower_audit_started").count() == 1
    finished(first)
    third, new_third = operations.start_audit(team.membership("owner"), account)
    assert new_third and third.pk != first.pk


def test_a_rate_limit_waits_for_the_networks_reset_then_goes_on(team):
    account = sandbox_with_followers(team, total=300)
    remote = SandboxAccount.objects.get(pk=int(account.remote_id))
    SandboxFault.objects.create(account=remote, kind=SandboxFault.Kind.RATE_LIMITED, remaining=1, reset_seconds=120)
    audit = start(team, account)
    assert engine.run_once("w1") == 0
    audit.refresh_from_db()
    assert audit.state == AuditState.FETCHING
    assert timedelta(seconds=100) < audit.next_attempt_at - timezone.now() <= timedelta(seconds=120)
    assert "The sandbox rate limit is reached" in audit.error
    assert engine.run_once("w1") == 0  # not before the reset
    FollowerAudit.objects.filter(pk=audit.pk).update(next_attempt_at=timezone.now())
    audit = finished(audit)
    assert (audit.state, audit.fetched, audit.error) == (AuditState.DONE, 300, "")


def test_a_network_that_refuses_follower_lists_fails_the_audit_in_its_words(team, client_for):
    account = sandbox_with_followers(team)
    remote = SandboxAccount.objects.get(pk=int(account.remote_id))
    SandboxFault.objects.create(account=remote, kind=SandboxFault.Kind.INVALID_CONTENT)
    audit = finished(start(team, account))
    assert audit.state == AuditState.FAILED
    assert audit.error == "The sandbox does not let this account read its followers."
    page = client_for(team.owner).get(f"/w/{team.workspace.slug}/insights/followers/")
    assert "The audit stopped: The sandbox does not let this account read its followers." in page.content.decode()


def test_an_account_disconnected_mid_audit_stops_it_with_the_reason(team):
    account = sandbox_with_followers(team, total=450)
    audit = start(team, account)
    engine.run_once("w1", budget=0)  # one page, then it lets go
    account.disconnect()
    engine.run_once("w1")
    audit.refresh_from_db()
    assert (audit.state, audit.error, audit.fetched) == (AuditState.FAILED, engine.DISCONNECTED, PAGE_SIZE)


def test_a_revoked_token_fails_the_audit_and_asks_for_reconnecting(team):
    account = sandbox_with_followers(team)
    SandboxAccount.objects.filter(pk=int(account.remote_id)).update(token_revoked=True)
    audit = finished(start(team, account))
    account.refresh_from_db()
    assert audit.state == AuditState.FAILED and "revoked" in audit.error
    assert account.needs_reconnect


def test_reasons_are_counted_by_kind_not_by_each_profiles_numbers():
    assert engine.reason_kind("follows 4,572, followed by 35") == "follows far more accounts than follow it"
    assert engine.reason_kind("follows 7,482 accounts") == "follows thousands of accounts"
    assert engine.reason_kind("only 1 posts") == "has hardly posted"
    assert engine.reason_kind("12 followers only") == "has few followers"
    assert engine.reason_kind("default picture") == "kept the default picture"


def test_a_crash_while_storing_a_page_keeps_nothing_of_it(team, monkeypatch):
    account = sandbox_with_followers(team, total=450)
    audit = start(team, account)
    real_bulk_create = AuditedFollower.objects.bulk_create

    def stored_then_killed(rows, **kwargs):
        real_bulk_create(rows, **kwargs)
        raise SystemExit("killed between the rows and the counts")

    monkeypatch.setattr(AuditedFollower.objects, "bulk_create", stored_then_killed)
    with pytest.raises(SystemExit):
        engine.run_once("dead-worker")
    monkeypatch.undo()
    audit.refresh_from_db()
    assert (audit.fetched, audit.cursor) == (0, "")
    assert not AuditedFollower.objects.filter(audit=audit).exists()
    FollowerAudit.objects.filter(pk=audit.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    audit = finished(audit)
    assert (audit.state, audit.fetched) == (AuditState.DONE, 450)
    assert AuditedFollower.objects.filter(audit=audit).count() == 450
