from datetime import timedelta

import pytest
from django.utils import timezone

from firsthand.audit.models import AuditEvent
from firsthand.guard import approvals
from firsthand.guard.models import ApprovalPolicy
from firsthand.networks.sandbox.models import SandboxPost
from firsthand.networks.testing import connect_sandbox_account
from firsthand.notices.models import Notice
from firsthand.publishing import engine, operations
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db

FLAGGED = "Every driver in this city is a f*cking idiot"


@pytest.fixture
def brand(team):
    return connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)


def staff_post(team, brand, text=FLAGGED, when=None):
    post = operations.save_post(team.membership("staff"), accounts=[brand], text=text)
    outcome = operations.schedule(team.membership("staff"), post, when)
    return post, outcome


def states(post):
    return set(post.deliveries.values_list("state", flat=True))


def test_a_flagged_staff_post_waits_is_not_published_and_approvers_hear_of_it(team, brand):
    post, outcome = staff_post(team, brand)
    assert outcome == operations.AWAITING and states(post) == {State.AWAITING_APPROVAL}
    assert engine.run_once("w1") == 0 and not SandboxPost.objects.exists()
    told = set(Notice.objects.filter(message__contains="asks you to approve").values_list("user__email", flat=True))
    assert told == {"owner@corner.example", "manager@corner.example"}


def test_approval_schedules_it_and_records_the_approver(team, brand):
    post, _ = staff_post(team, brand)
    approvals.approve(team.membership("manager"), post)
    post.refresh_from_db()
    assert states(post) == {State.SCHEDULED} and post.approved_by == team.manager
    engine.run_once("w1")
    assert SandboxPost.objects.count() == 1
    assert AuditEvent.objects.filter(action="guard.approved", actor=team.manager).exists()


def test_nobody_approves_their_own_post(team, brand):
    ApprovalPolicy.objects.create(workspace=team.workspace, staff_posts=True)
    manager_post = operations.save_post(team.membership("manager"), accounts=[brand], text="Hello")
    Delivery = manager_post.deliveries.model
    Delivery.objects.filter(post=manager_post).update(state=State.AWAITING_APPROVAL, due_at=timezone.now())
    with pytest.raises(approvals.ApprovalError, match="Nobody approves their own post"):
        approvals.approve(team.membership("manager"), manager_post)


def test_staff_and_viewers_cannot_approve(team, brand):
    post, _ = staff_post(team, brand)
    for persona in ("staff", "viewer"):
        with pytest.raises(approvals.ApprovalError):
            approvals.approve(team.membership(persona), post)
    assert states(post) == {State.AWAITING_APPROVAL}


def test_sent_back_with_a_comment_it_returns_to_the_author_as_a_draft(team, brand):
    post, _ = staff_post(team, brand)
    with pytest.raises(approvals.ApprovalError, match="Say what to change"):
        approvals.send_back(team.membership("owner"), post, "  ")
    approvals.send_back(team.membership("owner"), post, "Please no swearing about our customers")
    post.refresh_from_db()
    assert states(post) == {State.DRAFT} and post.review_comment.startswith("Please no swearing")
    assert Notice.objects.filter(user=team.staff, message__contains="sent your post back").exists()


def test_an_approved_post_edited_afterwards_needs_approval_again(team, brand):
    ApprovalPolicy.objects.create(workspace=team.workspace, staff_posts=True, flagged_posts=True)
    post, _ = staff_post(team, brand, text="Harmless", when=timezone.now() + timedelta(days=1))
    approvals.approve(team.membership("owner"), post)
    assert states(post) == {State.SCHEDULED}
    operations.save_post(team.membership("staff"), accounts=[brand], text="Harmless, edited", post=post)
    outcome = operations.schedule(team.membership("staff"), post, timezone.now() + timedelta(days=1))
    post.refresh_from_db()
    assert outcome == operations.AWAITING and states(post) == {State.AWAITING_APPROVAL} and post.approved_by is None


def test_a_post_still_waiting_at_its_time_is_held_and_its_author_told_once(team, brand):
    post, _ = staff_post(team, brand, when=timezone.now() + timedelta(minutes=1))
    post.deliveries.update(due_at=timezone.now() - timedelta(seconds=1))
    assert approvals.tell_overdue() == 1
    assert approvals.tell_overdue() == 0
    engine.run_once("w1")
    assert states(post) == {State.AWAITING_APPROVAL} and not SandboxPost.objects.exists()
    assert Notice.objects.filter(user=team.staff, message__startswith="Held:").count() == 1
    approvals.approve(team.membership("owner"), post)
    delivery = post.deliveries.get()
    assert delivery.state == State.SCHEDULED and delivery.due_at >= timezone.now() - timedelta(seconds=1)


def test_approving_a_post_whose_account_was_disconnected_is_refused(team, brand):
    post, _ = staff_post(team, brand)
    brand.disconnect()
    with pytest.raises(approvals.ApprovalError, match="not connected"):
        approvals.approve(team.membership("owner"), post)
    assert states(post) == {State.AWAITING_APPROVAL}


def test_with_staff_posts_policy_every_staff_post_waits(team, brand):
    ApprovalPolicy.objects.create(workspace=team.workspace, staff_posts=True)
    post, outcome = staff_post(team, brand, text="Fresh croissants at 7")
    assert outcome == operations.AWAITING


def test_the_queue_shows_waiting_posts_with_findings_and_approves_from_it(team, brand, client_for):
    from django.urls import reverse

    post, _ = staff_post(team, brand)
    client = client_for(team.owner)
    page = client.get(reverse("guard:approvals", kwargs={"slug": team.workspace.slug})).content.decode()
    assert "f*cking idiot" in page and "Reads as offensive" in page and ">Approve</button>" in page
    client.post(
        reverse("guard:decide", kwargs={"slug": team.workspace.slug, "post_id": post.pk, "decision": "approve"}),
        {"from": "queue"},
    )
    assert states(post) == {State.SCHEDULED}


def test_self_approval_through_the_page_is_refused_with_a_message(team, brand, client_for):
    from django.urls import reverse

    ApprovalPolicy.objects.create(workspace=team.workspace, staff_posts=True)
    post, _ = staff_post(team, brand, text="Fine text")
    Post = post.__class__
    Post.objects.filter(pk=post.pk).update(author=team.manager)
    response = client_for(team.manager).post(
        reverse("guard:decide", kwargs={"slug": team.workspace.slug, "post_id": post.pk, "decision": "approve"}),
        follow=True,
    )
    assert "Nobody approves their own post" in response.content.decode()
    assert states(post) == {State.AWAITING_APPROVAL}


def test_insights_show_who_spoke_for_the_brand(team, brand, client_for):
    from django.urls import reverse

    post, _ = staff_post(team, brand)
    approvals.approve(team.membership("owner"), post)
    post.deliveries.update(due_at=timezone.now() - timedelta(seconds=1))
    engine.run_once("w1")
    page = client_for(team.viewer).get(reverse("insights:overview", kwargs={"slug": team.workspace.slug}))
    html = page.content.decode()
    assert "Who spoke for the brand" in html and "Staff Person" in html and "Owner Person" in html


def test_approvers_see_how_many_posts_wait_in_the_navigation_and_staff_do_not(team, brand, client_for):
    from django.urls import reverse

    staff_post(team, brand)
    staff_post(team, brand, text="Another driver here is a total idiot")
    url = reverse("publishing:calendar", kwargs={"slug": team.workspace.slug})
    owner_page = client_for(team.owner).get(url).content.decode()
    # The sidebar, and the phone's More menu with a dot on More.
    assert owner_page.count('<span class="nav-count nav-count-approvals" aria-label="2 waiting">2</span>') == 2
    assert 'class="nav-dot"' in owner_page
    staff_page = client_for(team.staff).get(url).content.decode()
    assert "nav-count-approvals" not in staff_page and 'class="nav-dot"' not in staff_page
