"""Every way to "scheduled" passes the same check and approval (publishing.operations.send_on): retry,
reschedule, an unconfirmed post sent again, a held post released or resumed, an import, an approval.
Editing a post clears its approval and turns its failed copies back into drafts."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from firsthand.guard import approvals, crisis
from firsthand.guard.models import ApprovalPolicy, BrandRules
from firsthand.networks.sandbox.models import SandboxFault, SandboxPost
from firsthand.networks.testing import connect_sandbox_account
from firsthand.publishing import engine, importer, operations
from firsthand.publishing.models import Delivery
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db

BANNED = "cheapest in town"


@pytest.fixture
def account(team):
    return connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)


def ban(team):
    BrandRules.objects.update_or_create(workspace=team.workspace, defaults={"banned_phrases": BANNED})


def approved_staff_post_that_failed(team, account, text="Fresh rye on Saturday"):
    """Staff wrote it, the workspace wants staff posts approved, a manager approved it, the network refused it."""
    ApprovalPolicy.objects.update_or_create(workspace=team.workspace, defaults={"staff_posts": True})
    post = operations.save_post(team.membership("staff"), accounts=[account], text=text)
    assert operations.schedule(team.membership("staff"), post, None) == operations.AWAITING
    approvals.approve(team.membership("manager"), post)
    SandboxFault.objects.create(kind=SandboxFault.Kind.INVALID_CONTENT, remaining=1)
    Delivery.objects.filter(post=post).update(due_at=timezone.now())
    engine.run_once("w1")
    delivery = post.deliveries.get()
    assert delivery.state == State.FAILED
    post.refresh_from_db()
    assert post.approved_by == team.manager
    return post, delivery


def test_staff_cannot_publish_an_edited_failed_post_with_a_banned_phrase_through_retry(team, account, client_for):
    post, delivery = approved_staff_post_that_failed(team, account)
    ban(team)
    # Staff edit it and save it as a draft, as the composer does.
    operations.save_post(team.membership("staff"), accounts=[account], text=f"Fresh rye, {BANNED}!", post=post)
    operations.unschedule(team.membership("staff"), post)
    post.refresh_from_db()
    delivery.refresh_from_db()
    assert post.approved_by is None and post.approved_at is None  # the approver approved the old text
    assert delivery.state == State.DRAFT and delivery.error == ""  # the failure no longer stands for it

    page = client_for(team.staff).post(
        reverse("publishing:delivery_action", args=[team.workspace.slug, delivery.pk, "retry"]), follow=True
    )
    assert "Only a post that failed can be tried again" in page.content.decode()
    # Scheduling it instead meets the check, whoever asks.
    with pytest.raises(operations.PublishingError, match=BANNED):
        operations.schedule(team.membership("owner"), post, None)
    engine.run_once("w1")
    assert not SandboxPost.objects.exists() and post.deliveries.get().state == State.DRAFT


def test_retrying_a_failed_post_meets_a_rule_added_since_and_publishes_nothing(team, account, client_for):
    post, delivery = approved_staff_post_that_failed(team, account, text=f"Rye, {BANNED}")
    ban(team)  # a banned phrase added after the approval: what failed may not go out now
    page = client_for(team.staff).post(
        reverse("publishing:delivery_action", args=[team.workspace.slug, delivery.pk, "retry"]), follow=True
    )
    shown = html.unescape(page.content.decode())
    assert "can't go out" in shown and BANNED in shown
    delivery.refresh_from_db()
    assert delivery.state == State.FAILED
    engine.run_once("w1")
    assert not SandboxPost.objects.exists()


def test_retrying_an_approved_post_that_failed_keeps_its_approval(team, account):
    post, delivery = approved_staff_post_that_failed(team, account)
    assert operations.retry(team.membership("staff"), delivery) == operations.SCHEDULED
    post.refresh_from_db()
    assert post.approved_by == team.manager
    engine.run_once("w1")
    assert SandboxPost.objects.count() == 1


def test_a_staff_retry_of_a_post_nobody_approved_waits_for_an_approver(team, account):
    ApprovalPolicy.objects.create(workspace=team.workspace, staff_posts=True)
    post = operations.save_post(team.membership("owner"), accounts=[account], text="Open late on Friday")
    operations.schedule(team.membership("owner"), post, None)
    SandboxFault.objects.create(kind=SandboxFault.Kind.INVALID_CONTENT, remaining=1)
    Delivery.objects.filter(post=post).update(due_at=timezone.now())
    engine.run_once("w1")
    delivery = post.deliveries.get()
    assert delivery.state == State.FAILED
    assert operations.retry(team.membership("staff"), delivery) == operations.AWAITING
    assert post.deliveries.get().state == State.AWAITING_APPROVAL
    engine.run_once("w1")
    assert not SandboxPost.objects.exists()


def test_editing_a_scheduled_or_waiting_post_clears_its_approval_and_it_is_checked_again(team, account):
    ApprovalPolicy.objects.create(workspace=team.workspace, staff_posts=True)
    post = operations.save_post(team.membership("staff"), accounts=[account], text="Soup of the day")
    operations.schedule(team.membership("staff"), post, timezone.now() + timedelta(days=1))
    approvals.approve(team.membership("owner"), post)
    assert post.deliveries.get().state == State.SCHEDULED
    operations.save_post(team.membership("staff"), accounts=[account], text="Soup, edited", post=post)
    post.refresh_from_db()
    assert post.approved_by is None and post.deliveries.get().state == State.DRAFT
    engine.run_once("w1")
    assert not SandboxPost.objects.exists()


def test_rescheduling_meets_a_rule_added_since(team, account):
    post = operations.save_post(team.membership("owner"), accounts=[account], text=f"Pies, {BANNED}")
    operations.schedule(team.membership("owner"), post, timezone.now() + timedelta(days=1))
    ban(team)
    with pytest.raises(operations.PublishingError, match=BANNED):
        operations.reschedule(team.membership("owner"), post, timezone.now() + timedelta(days=2))
    assert post.deliveries.get().due_at < timezone.now() + timedelta(days=1, minutes=1)


def test_a_staff_reschedule_of_a_post_that_needs_approval_waits_for_an_approver(team, account):
    post = operations.save_post(team.membership("owner"), accounts=[account], text="Tarts at noon")
    operations.schedule(team.membership("owner"), post, timezone.now() + timedelta(days=1))
    ApprovalPolicy.objects.create(workspace=team.workspace, staff_posts=True)
    outcome = operations.reschedule(team.membership("staff"), post, timezone.now() + timedelta(days=2))
    assert outcome == operations.AWAITING and post.deliveries.get().state == State.AWAITING_APPROVAL


def test_held_posts_meet_rules_added_during_the_pause_when_publishing_resumes(team, account):
    pause = crisis.pause(team.membership("owner"), "A storm in the news")
    fine = operations.save_post(team.membership("owner"), accounts=[account], text="We are here for you")
    risky = operations.save_post(team.membership("owner"), accounts=[account], text=f"Sale, {BANNED}")
    for post in (fine, risky):
        operations.schedule(team.membership("owner"), post, None)
    Delivery.objects.update(due_at=timezone.now())
    engine.run_once("w1")
    assert set(Delivery.objects.values_list("state", flat=True)) == {State.HELD}
    ban(team)  # during the crisis the team bans the phrase
    assert crisis.resume(team.membership("owner"), pause, overdue="now") == 1
    held = risky.deliveries.get()
    assert held.state == State.HELD and BANNED in held.error
    with pytest.raises(crisis.CrisisError, match=BANNED):
        crisis.release_held(team.membership("owner"), held)
    engine.run_once("w1")
    assert list(SandboxPost.objects.values_list("text", flat=True)) == ["We are here for you"]


def test_releasing_something_that_is_not_held_is_refused(team, account):
    post = operations.save_post(team.membership("owner"), accounts=[account], text="A draft")
    with pytest.raises(crisis.CrisisError, match="not held"):
        crisis.release_held(team.membership("owner"), post.deliveries.get())
    assert post.deliveries.get().state == State.DRAFT


def test_an_unconfirmed_post_sent_again_meets_the_check(team, account):
    post = operations.save_post(team.membership("owner"), accounts=[account], text=f"Bread, {BANNED}")
    operations.schedule(team.membership("owner"), post, None)
    Delivery.objects.filter(post=post).update(state=State.UNCONFIRMED)
    ban(team)
    with pytest.raises(operations.PublishingError, match=BANNED):
        operations.resolve_unconfirmed(team.membership("owner"), post.deliveries.get(), it_was_published=False)
    assert post.deliveries.get().state == State.UNCONFIRMED


def test_an_import_with_a_banned_phrase_is_refused_row_by_row_and_nothing_is_imported(team, account, client_for):
    ban(team)
    when = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    csv = f"account,time,text\n@corner-cafe,{when},Fine post\n@corner-cafe,{when},Now {BANNED}\n"
    report = importer.import_posts(team.membership("staff"), csv.encode())
    assert not report.ok and report.imported == 0
    assert BANNED in " ".join(report.rows[1].errors)
    assert not Delivery.objects.exclude(state=State.DRAFT).exists() and not Delivery.objects.exists()


def test_an_approval_meets_a_rule_added_since_the_request(team, account):
    ApprovalPolicy.objects.create(workspace=team.workspace, staff_posts=True)
    post = operations.save_post(team.membership("staff"), accounts=[account], text=f"Cakes, {BANNED}")
    operations.schedule(team.membership("staff"), post, None)
    ban(team)
    with pytest.raises(approvals.ApprovalError, match=BANNED):
        approvals.approve(team.membership("owner"), post)
    assert post.deliveries.get().state == State.AWAITING_APPROVAL
