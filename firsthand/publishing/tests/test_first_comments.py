"""First comments on the sandbox: sent once the post is out, exactly once, as a step of their own."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from firsthand.audit.models import AuditEvent
from firsthand.guard.models import BrandRules
from firsthand.networks.models import ConnectedAccount
from firsthand.networks.sandbox.models import SandboxFault, SandboxPost
from firsthand.notices.models import Notice
from firsthand.publishing import comments, deleting, engine, operations
from firsthand.publishing.models import Delivery, Post
from firsthand.publishing.states import CommentState, State

pytestmark = pytest.mark.django_db

FLAGGED = "Only an idiot would skip our f*cking croissants"


def scheduled(team, account, text="Fresh croissants at 7!", comment="Order ahead: https://corner.example/order", **kw):
    post = operations.save_post(team.membership("staff"), accounts=[account], text=text, first_comment=comment, **kw)
    operations.schedule(team.membership("staff"), post, None)
    return post.deliveries.get()


def make_due(delivery):
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1), comment_next_at=timezone.now() - timedelta(seconds=1)
    )


def other_network(team, network, handle):
    return ConnectedAccount.objects.create(
        workspace=team.workspace, network=network, remote_id=handle, handle=f"@{handle}", display_name=handle
    )


def test_the_first_comment_goes_under_the_published_post_once(team, account):
    delivery = scheduled(team, account, follow_ups=["2/2 and pains au chocolat"])
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED and delivery.comment_state == CommentState.SENT
    root = SandboxPost.objects.get(remote_id=delivery.remote_ids[0])
    comment = SandboxPost.objects.get(remote_id=delivery.comment_remote_id)
    # Under the post itself, not under the thread's last part.
    assert comment.reply_to == root and comment.text == "Order ahead: https://corner.example/order"
    assert comment.idempotency_key == f"{delivery.key}-comment"
    assert AuditEvent.objects.filter(action="publishing.first_comment_sent").count() == 1
    assert engine.run_once("w1") == 0
    assert SandboxPost.objects.count() == 3  # two parts and one comment, nothing twice


def test_without_a_first_comment_nothing_more_is_sent(team, account):
    delivery = scheduled(team, account, comment="")
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.comment_state == CommentState.NONE and SandboxPost.objects.count() == 1


def test_an_accounts_own_first_comment_replaces_the_shared_one(team, account):
    from firsthand.networks.testing import connect_sandbox_account

    second = connect_sandbox_account(team.workspace, "corner-cafe-two")
    post = operations.save_post(
        team.membership("owner"),
        accounts=[account, second],
        text="Soup today",
        first_comment="Menu: https://corner.example/menu",
        comment_variants={second.pk: "Second shop's menu: https://corner.example/two"},
    )
    operations.schedule(team.membership("owner"), post, None)
    engine.run_once("w1")
    sent = {d.account_id: SandboxPost.objects.get(remote_id=d.comment_remote_id).text for d in post.deliveries.all()}
    assert sent == {
        account.pk: "Menu: https://corner.example/menu",
        second.pk: "Second shop's menu: https://corner.example/two",
    }


def test_lost_answers_on_the_post_and_on_the_comment_still_make_one_of_each(team, account):
    # The first answer lost is the post's, the second the comment's.
    SandboxFault.objects.create(kind=SandboxFault.Kind.LOST_ANSWER, remaining=2)
    delivery = scheduled(team, account)
    engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.RETRYING and SandboxPost.objects.count() == 1

    make_due(delivery)
    engine.run_once("w2")  # finds the post, then sends the comment, whose answer is lost
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED
    assert delivery.comment_state == CommentState.RETRYING and delivery.comment_needs_reconcile
    assert SandboxPost.objects.count() == 2  # the comment exists out there; we do not know yet

    make_due(delivery)
    engine.run_once("w3")
    delivery.refresh_from_db()
    assert delivery.comment_state == CommentState.SENT and not delivery.comment_needs_reconcile
    assert SandboxPost.objects.count() == 2
    assert delivery.comment_remote_id == SandboxPost.objects.get(idempotency_key=delivery.comment_key).remote_id
    assert "found from an earlier attempt" in AuditEvent.objects.get(action="publishing.first_comment_sent").summary


def test_a_worker_that_died_while_sending_the_comment_is_replaced_without_a_second_comment(team, account):
    delivery = scheduled(team, account)
    engine.run_once("w1")
    # As if w1 had died after the sandbox made the comment but before it was recorded.
    Delivery.objects.filter(pk=delivery.pk).update(
        comment_state=CommentState.SENDING,
        comment_remote_id="",
        claimed_by="w1",
        claimed_until=timezone.now() - timedelta(seconds=1),
    )
    assert comments.run_once("w2") == 1
    delivery.refresh_from_db()
    assert delivery.comment_state == CommentState.SENT and delivery.comment_remote_id
    assert SandboxPost.objects.count() == 2


def test_a_refused_comment_fails_with_the_reason_and_retry_sends_only_the_comment(
    team, account, client_for, monkeypatch
):
    delivery = scheduled(team, account)
    with monkeypatch.context() as patched:
        patched.setattr(comments, "run_once", lambda *args, **kwargs: 0)  # another tick sends the comment
        engine.run_once("w1")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED and delivery.comment_state == CommentState.PENDING
    SandboxFault.objects.create(kind=SandboxFault.Kind.INVALID_CONTENT, remaining=1)
    engine.run_once("w2")
    delivery.refresh_from_db()
    assert delivery.state == State.PUBLISHED  # the post stays out
    assert delivery.comment_state == CommentState.FAILED
    assert delivery.comment_error == "The sandbox refused the post: content not allowed."
    assert Notice.objects.filter(user=team.staff, message__contains="its first comment was not sent").exists()

    client = client_for(team.owner)
    page_url = reverse("publishing:post", kwargs={"slug": team.workspace.slug, "post_id": delivery.post_id})
    page = client.get(page_url).content.decode()
    assert "content not allowed" in page and "Retry the comment" in page

    url = reverse(
        "publishing:delivery_action",
        kwargs={"slug": team.workspace.slug, "delivery_id": delivery.pk, "action": "retry-comment"},
    )
    assert client.post(url).status_code == 302
    delivery.refresh_from_db()
    assert delivery.comment_state == CommentState.PENDING
    engine.run_once("w3")
    delivery.refresh_from_db()
    assert delivery.comment_state == CommentState.SENT
    assert SandboxPost.objects.count() == 2  # the post once, the comment once
    assert "Retry the comment" not in client.get(page_url).content.decode()


def test_a_comment_that_did_not_fail_cannot_be_retried_and_a_viewer_cannot_retry(team, account, client_for):
    delivery = scheduled(team, account)
    engine.run_once("w1")
    with pytest.raises(operations.PublishingError, match="Only a first comment that failed"):
        comments.retry_comment(team.membership("owner"), delivery)
    Delivery.objects.filter(pk=delivery.pk).update(comment_state=CommentState.FAILED)
    url = reverse(
        "publishing:delivery_action",
        kwargs={"slug": team.workspace.slug, "delivery_id": delivery.pk, "action": "retry-comment"},
    )
    assert client_for(team.viewer).post(url).status_code == 403
    delivery.refresh_from_db()
    assert delivery.comment_state == CommentState.FAILED


def test_a_revoked_token_fails_the_comment_and_asks_for_reconnecting(team, account, monkeypatch):
    delivery = scheduled(team, account)
    with monkeypatch.context() as patched:
        patched.setattr(comments, "run_once", lambda *args, **kwargs: 0)
        engine.run_once("w1")
    SandboxFault.objects.create(kind=SandboxFault.Kind.REVOKED_TOKEN, remaining=1)
    engine.run_once("w2")
    delivery.refresh_from_db()
    account.refresh_from_db()
    assert delivery.comment_state == CommentState.FAILED and "needs reconnecting" in delivery.comment_error
    assert account.needs_reconnect


def test_the_guard_blocks_a_banned_phrase_in_the_first_comment(team, account):
    BrandRules.objects.create(workspace=team.workspace, banned_phrases="cheapest in town")
    post = operations.save_post(
        team.membership("owner"), accounts=[account], text="Croissants at 7", first_comment="The cheapest in town!"
    )
    with pytest.raises(operations.PublishingError, match="In the first comment: .*cheapest in town"):
        operations.schedule(team.membership("owner"), post, None)
    assert post.deliveries.get().state == State.DRAFT


def test_an_offensive_first_comment_waits_for_an_approver_and_editing_it_asks_again(team, account):
    post = operations.save_post(
        team.membership("staff"), accounts=[account], text="Croissants at 7", first_comment=FLAGGED
    )
    assert operations.schedule(team.membership("staff"), post, None) == operations.AWAITING
    delivery = post.deliveries.get()
    assert any(f.reason.startswith("In the first comment:") for f in delivery.findings.all())
    assert engine.run_once("w1") == 0 and SandboxPost.objects.count() == 0

    from firsthand.guard import approvals

    approvals.approve(team.membership("owner"), post)
    post.refresh_from_db()
    assert post.approved_by == team.owner
    # Editing only the first comment takes the approval back, as editing the text does.
    operations.save_post(
        team.membership("staff"),
        accounts=[account],
        text="Croissants at 7",
        first_comment="Still " + FLAGGED,
        post=post,
    )
    post.refresh_from_db()
    assert post.approved_by is None and post.deliveries.get().state == State.DRAFT
    assert operations.schedule(team.membership("staff"), post, None) == operations.AWAITING


def test_a_first_comment_is_counted_against_the_network_limit(team, account):
    post = operations.save_post(team.membership("owner"), accounts=[account], text="Short", first_comment="x" * 501)
    with pytest.raises(operations.PublishingError, match="first comment is 1 too long for Sandbox"):
        operations.schedule(team.membership("owner"), post, None)
    linkedin = other_network(team, "linkedin", "corner-li")
    post = operations.save_post(team.membership("owner"), accounts=[linkedin], text="Short", first_comment="y" * 1251)
    assert "first comment is 1 too long for LinkedIn (1251 of 1250)" in " ".join(operations.problems_with(post))


def test_a_network_without_comments_skips_the_shared_one_and_refuses_its_own(team, account):
    pinterest = other_network(team, "pinterest", "corner-pins")
    post = operations.save_post(team.membership("owner"), accounts=[pinterest], text="Pin", first_comment="Shared")
    delivery = post.deliveries.select_related("account", "post").get()
    assert delivery.comment_text() == "" and comments.comment_problems(delivery) == []
    post = operations.save_post(
        team.membership("owner"), accounts=[pinterest], text="Pin", comment_variants={pinterest.pk: "Own"}
    )
    delivery = post.deliveries.select_related("account", "post").get()
    assert comments.comment_problems(delivery) == [
        "Pinterest's API has no way to comment on a Pin, so there is no first comment there."
    ]


def test_the_composer_saves_and_previews_the_first_comment(team, account, client_for):
    client = client_for(team.owner)
    slug = team.workspace.slug
    check = client.post(
        reverse("publishing:check", kwargs={"slug": slug}),
        {"accounts": [account.pk], "text": "Soup", "first_comment": "Menu at https://corner.example/menu"},
    ).content.decode()
    assert "First comment" in check and "Menu at https://corner.example/menu" in check and "35 / 500" in check
    flagged = client.post(
        reverse("publishing:check", kwargs={"slug": slug}),
        {"accounts": [account.pk], "text": "Soup", "first_comment": FLAGGED},
    ).content.decode()
    assert "In the first comment:" in flagged

    response = client.post(
        reverse("publishing:compose", kwargs={"slug": slug}),
        {
            "accounts": [account.pk],
            "text": "Soup",
            "first_comment": "Menu",
            f"comment_{account.pk}": "",
            "when": "draft",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.first_comment == "Menu"
    edit = client.get(reverse("publishing:edit", kwargs={"slug": slug, "post_id": post.pk})).content.decode()
    assert "\nMenu</textarea>" in edit


def test_the_composer_says_which_networks_take_no_first_comment(team, account, client_for):
    other_network(team, "pinterest", "corner-pins")
    page = client_for(team.owner).get(reverse("publishing:compose", kwargs={"slug": team.workspace.slug}))
    assert "Pinterest&#x27;s API has no way to comment on a Pin" in page.content.decode()


def test_deleting_the_post_from_the_network_takes_its_self_reply_comment_too(team, account):
    delivery = scheduled(team, account)
    engine.run_once("w1")
    delivery.refresh_from_db()
    deleting.delete_from_network(team.membership("owner"), delivery)
    assert SandboxPost.objects.filter(deleted_at=None).count() == 0
    assert SandboxPost.objects.count() == 2
