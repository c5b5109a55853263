"""/api/v1/conversations' actions (answer, assign, done, escalate) and /api/v1/insights/conversations."""

import pytest

from firsthand.guard import crisis
from firsthand.guard.models import ApprovalPolicy
from firsthand.inbox.models import Conversation, Escalation, Interaction, PendingAnswer
from firsthand.networks.sandbox.models import SandboxPost
from firsthand.notices.models import Notice

pytestmark = pytest.mark.django_db


def test_a_managers_answer_is_sent_and_done_closes_the_conversation(team, talk, token_for, call):
    secret = token_for("manager", by="manager")
    response = call(secret, "post", f"/conversations/{talk.pk}/answer", {"text": "Yes, from 8.", "done": True})
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "sent"
    assert [p.text for p in SandboxPost.objects.all()] == ["Yes, from 8."]
    assert Interaction.objects.get(direction="out").author == team.manager
    assert Conversation.objects.get().status == Conversation.Status.DONE


def test_a_staff_answer_waits_for_approval_when_the_workspace_asks_and_reaches_nobody(team, talk, token_for, call):
    ApprovalPolicy.objects.update_or_create(workspace=team.workspace, defaults={"staff_answers": True})
    answer = call(token_for("staff"), "post", f"/conversations/{talk.pk}/answer", {"text": "Yes!", "done": True})
    body = answer.json()
    assert body["outcome"] == "awaiting_approval" and body["reasons"]
    assert PendingAnswer.objects.get(pk=body["id"]).state == PendingAnswer.State.WAITING
    assert not SandboxPost.objects.exists()
    assert Conversation.objects.get().status == Conversation.Status.OPEN  # the customer has no answer yet
    detail = call(token_for("viewer"), "get", f"/conversations/{talk.pk}").json()
    assert [p["text"] for p in detail["pending_answers"]] == ["Yes!"]


def test_while_paused_an_owners_answer_asks_first_then_goes_with_send_while_paused(team, talk, token_for, call):
    crisis.pause(team.membership("manager"), "A complaint is going viral")
    secret = token_for("owner")
    asked = call(secret, "post", f"/conversations/{talk.pk}/answer", {"text": "Yes."})
    assert asked.status_code == 409 and asked.json()["error"]["code"] == "paused"
    assert not SandboxPost.objects.exists()
    sent = call(secret, "post", f"/conversations/{talk.pk}/answer", {"text": "Yes.", "send_while_paused": True})
    assert sent.json()["outcome"] == "sent" and SandboxPost.objects.count() == 1


def test_an_empty_answer_is_refused_with_the_reason_and_a_viewer_may_not_answer(team, talk, token_for, call):
    empty = call(token_for("staff"), "post", f"/conversations/{talk.pk}/answer", {"text": "   "})
    assert empty.status_code == 422 and "Write the answer" in empty.json()["error"]["message"]
    viewer = call(token_for("viewer"), "post", f"/conversations/{talk.pk}/answer", {"text": "Hi"})
    assert viewer.status_code == 403
    assert not SandboxPost.objects.exists() and not PendingAnswer.objects.exists()


def test_assigning_to_a_member_by_email_then_to_nobody(team, talk, token_for, call):
    secret = token_for("manager", by="manager")
    given = call(secret, "post", f"/conversations/{talk.pk}/assign", {"email": "STAFF@corner.example"})
    assert given.status_code == 200 and given.json()["assignee"] == str(team.staff)
    assert Conversation.objects.get().assignee == team.staff
    taken = call(secret, "post", f"/conversations/{talk.pk}/assign", {"email": None})
    assert taken.json()["assignee"] is None and Conversation.objects.get().assignee is None


def test_assigning_to_someone_outside_the_workspace_is_refused(team, talk, token_for, call):
    response = call(token_for("staff"), "post", f"/conversations/{talk.pk}/assign", {"email": team.outsider.email})
    assert response.status_code == 422 and response.json()["error"]["code"] == "unknown_member"
    assert Conversation.objects.get().assignee is None


def test_marking_done_moves_it_from_open_to_done(team, talk, token_for, call):
    secret = token_for("staff")
    response = call(secret, "post", f"/conversations/{talk.pk}/done")
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert call(secret, "get", "/conversations?status=open").json()["items"] == []
    assert [c["id"] for c in call(secret, "get", "/conversations?status=done").json()["items"]] == [talk.pk]
    assert call(token_for("viewer"), "post", f"/conversations/{talk.pk}/done").status_code == 403


def test_escalating_asks_the_owners_and_an_empty_question_is_refused(team, talk, token_for, call):
    secret = token_for("staff")
    response = call(secret, "post", f"/conversations/{talk.pk}/escalate", {"question": "Do we bake gluten-free?"})
    assert response.status_code == 201 and response.json()["question"] == "Do we bake gluten-free?"
    assert Escalation.objects.get().asked_by == team.owner  # the token's maker answers for it
    # Even the owner who made the token is told: the question is the program's, not theirs.
    assert Notice.objects.filter(user=team.owner, message__contains="Do we bake gluten-free?").exists()
    escalated = call(secret, "get", "/conversations?escalated=true").json()["items"]
    assert [c["id"] for c in escalated] == [talk.pk]
    empty = call(secret, "post", f"/conversations/{talk.pk}/escalate", {"question": " "})
    assert empty.status_code == 422 and Escalation.objects.count() == 1


def test_another_workspaces_token_cannot_act_on_this_conversation(team, talk, call):
    from firsthand.api import operations
    from firsthand.team.models import Membership

    _token, theirs = operations.create(Membership.objects.get(user=team.outsider), name="Theirs", role="owner")
    for action, body in [("answer", {"text": "Hi"}), ("assign", {}), ("done", None), ("escalate", {"question": "?"})]:
        response = call(theirs, "post", f"/conversations/{talk.pk}/{action}", body)
        assert response.status_code == 404, action
    assert not SandboxPost.objects.exists() and Conversation.objects.get().status == Conversation.Status.OPEN


def test_insights_count_the_customers_messages_and_answers(team, talk, token_for, call):
    secret = token_for("viewer")
    before = call(secret, "get", "/insights/conversations?period=7").json()
    assert before["totals"]["total"] == 1 and before["totals"]["question"] == 1
    assert (before["conversations"], before["answered"]) == (1, 0) and before["notes"] == []
    call(token_for("staff"), "post", f"/conversations/{talk.pk}/answer", {"text": "Yes!"})
    after = call(secret, "get", f"/insights/conversations?period=7&account={talk.account_id}").json()
    assert after["answered"] == 1 and after["answered_share"] == 100
    assert len(before["days"]) == 7


def test_insights_refuse_a_bad_period_and_explain_unreadable_dates(team, talk, token_for, call):
    secret = token_for("viewer")
    assert call(secret, "get", "/insights/conversations?period=12").status_code == 422
    fallback = call(secret, "get", "/insights/conversations?since=yesterday").json()
    assert fallback["notes"] and "year-month-day" in fallback["notes"][0] and len(fallback["days"]) == 30
