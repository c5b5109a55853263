from datetime import timedelta

import pytest
from django.utils import timezone

from firsthand.audit.models import AuditEvent
from firsthand.guard import crisis
from firsthand.guard.models import ApprovalPolicy, BrandRules
from firsthand.networks.sandbox.models import SandboxPost
from firsthand.networks.testing import connect_sandbox_account
from firsthand.publishing import engine
from firsthand.publishing.models import Delivery, Post
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db


def new_post(account, **more):
    return {"accounts": [account.pk], "text": "Fresh rye on Thursdays.", **more}


@pytest.mark.parametrize("persona", ["owner", "manager", "staff"])
def test_members_tokens_create_drafts(team, account, token_for, call, persona):
    response = call(token_for(persona), "post", "/posts", new_post(account))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["deliveries"][0]["state"] == "draft" and body["deliveries"][0]["account_id"] == account.pk
    assert Post.objects.get(pk=body["id"]).author == team.owner  # whoever made the token answers for it


def test_a_viewer_token_cannot_draft(team, account, token_for, call):
    response = call(token_for("viewer"), "post", "/posts", new_post(account))
    assert response.status_code == 403 and "Viewers" in response.json()["error"]["message"]
    assert not Post.objects.exists()


def test_no_token_or_a_made_up_one_is_401(team, account, call):
    assert call(None, "get", "/posts").status_code == 401
    assert call("fh_not-a-real-token", "get", "/posts").status_code == 401


def test_a_signed_in_browser_without_a_token_gets_nothing(team, account, client_for):
    # The session cookie is no way in: no cookie auth, so no cross-site request can use it either.
    response = client_for(team.owner).get("/api/v1/posts")
    assert response.status_code == 401


def test_another_workspaces_token_gets_404_for_this_workspaces_post(team, account, token_for, call):
    from firsthand.api import operations
    from firsthand.team.models import Membership

    post_id = call(token_for("owner"), "post", "/posts", new_post(account)).json()["id"]
    _token, theirs = operations.create(Membership.objects.get(user=team.outsider), name="Theirs", role="owner")
    for method, path in [("get", f"/posts/{post_id}"), ("delete", f"/posts/{post_id}")]:
        response = call(theirs, method, path)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert call(theirs, "post", f"/posts/{post_id}/schedule", {}).status_code == 404
    assert Post.objects.filter(pk=post_id).exists()


def test_the_guard_refuses_a_banned_phrase_and_leaves_no_post(team, account, token_for, call):
    BrandRules.objects.update_or_create(workspace=team.workspace, defaults={"banned_phrases": "cheapest in town"})
    response = call(
        token_for("owner"), "post", "/posts", new_post(account, text="The cheapest in town!", then="schedule")
    )
    assert response.status_code == 422
    assert "banned" in response.json()["error"]["message"]
    assert not Post.objects.exists() and not SandboxPost.objects.exists()


def test_an_offensive_post_from_a_staff_token_waits_for_an_approver(team, account, token_for, call):
    body = new_post(account, text="Our rivals are f*cking idiots", then="schedule")
    response = call(token_for("staff"), "post", "/posts", body)
    assert response.status_code == 201, response.content
    post = response.json()
    assert post["outcome"] == "awaiting_approval" and post["deliveries"][0]["state"] == "awaiting_approval"
    assert any("offensive" in f["reason"] for f in post["deliveries"][0]["findings"])
    engine.run_once("w1")
    assert not SandboxPost.objects.exists()


def test_an_offensive_post_from_an_owner_token_asks_first_then_goes_with_anyway(team, account, token_for, call):
    secret = token_for("owner")
    body = new_post(account, text="Our rivals are f*cking idiots", then="schedule")
    asked = call(secret, "post", "/posts", body)
    assert asked.status_code == 409 and asked.json()["error"]["code"] == "confirm"
    assert not Post.objects.exists()
    assert call(secret, "post", "/posts", {**body, "anyway": True}).json()["outcome"] == "scheduled"


def test_staff_token_posts_need_approval_when_the_workspace_says_so(team, account, token_for, call):
    ApprovalPolicy.objects.update_or_create(workspace=team.workspace, defaults={"staff_posts": True})
    post = call(token_for("staff"), "post", "/posts", new_post(account, then="schedule")).json()
    assert post["outcome"] == "awaiting_approval"
    waiting = call(token_for("manager", name="Approver bot", by="manager"), "get", "/approvals").json()
    assert [p["id"] for p in waiting["posts"]] == [post["id"]]
    decided = call(
        token_for("manager", name="Approver 2", by="manager"),
        "post",
        f"/approvals/posts/{post['id']}",
        {"decision": "approve"},
    )
    assert decided.status_code == 200, decided.content
    assert Delivery.objects.get(post_id=post["id"]).state == State.SCHEDULED


def test_a_staff_token_cannot_approve(team, account, token_for, call):
    post = call(token_for("staff"), "post", "/posts", new_post(account)).json()
    response = call(token_for("staff", name="x"), "post", f"/approvals/posts/{post['id']}", {"decision": "approve"})
    assert response.status_code == 403


def test_the_crisis_switch_holds_a_post_scheduled_through_the_api(team, account, token_for, call):
    post = call(token_for("owner"), "post", "/posts", new_post(account, then="schedule")).json()
    assert post["outcome"] == "scheduled"
    crisis.pause(team.membership("manager"), "A complaint is going viral")
    engine.run_once("w1")
    assert Delivery.objects.get(post_id=post["id"]).state == State.HELD
    assert not SandboxPost.objects.exists()


def test_scheduling_later_then_reading_and_listing(team, account, token_for, call):
    secret = token_for("staff")
    post_id = call(secret, "post", "/posts", new_post(account)).json()["id"]
    at = (timezone.now() + timedelta(days=1)).isoformat()
    scheduled = call(secret, "post", f"/posts/{post_id}/schedule", {"at": at}).json()
    assert scheduled["outcome"] == "scheduled" and scheduled["deliveries"][0]["state"] == "scheduled"
    assert call(secret, "get", f"/posts/{post_id}").json()["scheduled_for"] is not None
    listed = call(secret, "get", "/posts?state=scheduled").json()
    assert [p["id"] for p in listed["items"]] == [post_id] and listed["next_page"] is None


def test_a_time_in_the_past_is_refused_with_the_reason(team, account, token_for, call):
    secret = token_for("staff")
    post_id = call(secret, "post", "/posts", new_post(account)).json()["id"]
    response = call(secret, "post", f"/posts/{post_id}/schedule", {"at": "2001-01-01T00:00:00Z"})
    assert response.status_code == 422 and "already passed" in response.json()["error"]["message"]


def test_deleting_a_draft_and_refusing_to_delete_a_scheduled_post(team, account, token_for, call):
    secret = token_for("staff")
    draft = call(secret, "post", "/posts", new_post(account)).json()["id"]
    assert call(secret, "delete", f"/posts/{draft}").status_code == 204
    assert not Post.objects.filter(pk=draft).exists()
    scheduled = call(secret, "post", "/posts", new_post(account, then="schedule")).json()["id"]
    response = call(secret, "delete", f"/posts/{scheduled}")
    assert response.status_code == 422 and Post.objects.filter(pk=scheduled).exists()


def test_per_account_variants_and_the_audit_names_the_token(team, account, token_for, call):
    other = connect_sandbox_account(team.workspace, "corner-cafe-news", by=team.owner)
    body = {"accounts": [account.pk, other.pk], "text": "Open late today", "variants": {str(other.pk): "News: late"}}
    post = call(token_for("staff", name="Zapier"), "post", "/posts", {**body, "then": "schedule"}).json()
    variants = {d["account_id"]: d["variant_text"] for d in post["deliveries"]}
    assert variants == {account.pk: "", other.pk: "News: late"}
    summary = AuditEvent.objects.filter(action="publishing.scheduled").get().summary
    assert summary.startswith("Owner Person via API token “Zapier”")


def test_a_token_limited_to_one_account_cannot_post_to_another(team, account, token_for, call):
    other = connect_sandbox_account(team.workspace, "corner-cafe-news", by=team.owner)
    secret = token_for("owner", role="staff", accounts=[account])
    assert call(secret, "post", "/posts", new_post(other)).status_code == 403
    assert call(secret, "post", "/posts", new_post(account)).status_code == 201
    assert [a["id"] for a in call(secret, "get", "/accounts").json()] == [account.pk]
    elsewhere = call(token_for("owner", name="all"), "post", "/posts", new_post(other)).json()["id"]
    assert call(secret, "get", f"/posts/{elsewhere}").status_code == 404


def test_the_same_idempotency_key_and_body_gives_the_first_answer_again(team, account, token_for, call):
    secret = token_for("staff")
    first = call(secret, "post", "/posts", new_post(account), HTTP_IDEMPOTENCY_KEY="abc-1")
    again = call(secret, "post", "/posts", new_post(account), HTTP_IDEMPOTENCY_KEY="abc-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json() and Post.objects.count() == 1


def test_the_same_idempotency_key_with_another_body_is_409(team, account, token_for, call):
    secret = token_for("staff")
    call(secret, "post", "/posts", new_post(account), HTTP_IDEMPOTENCY_KEY="abc-1")
    response = call(secret, "post", "/posts", new_post(account, text="Other"), HTTP_IDEMPOTENCY_KEY="abc-1")
    assert response.status_code == 409 and response.json()["error"]["code"] == "idempotency_conflict"
    assert Post.objects.count() == 1


def test_bad_json_is_400_in_the_error_shape(team, account, token_for, call):
    response = call(token_for("staff"), "post", "/posts", "{not json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_json"


def test_unknown_fields_and_wrong_types_are_422_naming_the_field(team, account, token_for, call):
    secret = token_for("staff")
    unknown = call(secret, "post", "/posts", new_post(account, colour="red")).json()["error"]
    assert unknown["code"] == "invalid" and unknown["fields"][0]["field"] == "colour"
    wrong = call(secret, "post", "/posts", {"accounts": "all", "text": 5})
    assert wrong.status_code == 422 and {f["field"] for f in wrong.json()["error"]["fields"]} >= {"accounts"}
    nul = call(secret, "post", "/posts", new_post(account, text="a\x00b"))
    assert nul.status_code == 422 and not Post.objects.exists()


def test_an_oversized_body_is_413(team, account, token_for, call):
    response = call(token_for("staff"), "post", "/posts", new_post(account, text="x" * 300_000))
    assert response.status_code == 413 and not Post.objects.exists()


def test_an_id_too_large_for_the_database_is_refused_not_a_server_error(team, account, token_for, call):
    assert call(token_for("staff"), "get", f"/posts/{2**70}").status_code == 422


def test_over_the_rate_limit_is_429_with_retry_after(team, account, token_for, call, settings):
    settings.API_REQUESTS_PER_MINUTE = 3
    secret = token_for("viewer")
    answers = [call(secret, "get", "/accounts") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60
    assert call(token_for("owner"), "get", "/accounts").status_code == 200  # counted per token


def test_a_post_with_a_first_comment_through_the_api_publishes_both_once(team, account, token_for, call):
    other = connect_sandbox_account(team.workspace, "corner-cafe-news", by=team.owner)
    body = {
        "accounts": [account.pk, other.pk],
        "text": "Open late today",
        "first_comment": "Menu: https://corner.example/menu",
        "comment_variants": {str(other.pk): "News menu: https://corner.example/news"},
        "then": "schedule",
    }
    created = call(token_for("owner"), "post", "/posts", body).json()
    assert created["first_comment"] == "Menu: https://corner.example/menu"
    engine.run_once("w1")
    post = call(token_for("owner"), "get", f"/posts/{created['id']}").json()
    sent = {d["account_id"]: (d["first_comment"], d["comment_state"]) for d in post["deliveries"]}
    assert sent == {
        account.pk: ("Menu: https://corner.example/menu", "sent"),
        other.pk: ("News menu: https://corner.example/news", "sent"),
    }
    assert {d["comment_remote_id"] for d in post["deliveries"]} == set(
        SandboxPost.objects.exclude(reply_to=None).values_list("remote_id", flat=True)
    )


def test_an_offensive_first_comment_through_the_api_waits_and_a_stranger_account_key_is_refused(
    team, account, token_for, call
):
    body = new_post(account, first_comment="Our rivals are f*cking idiots", then="schedule")
    post = call(token_for("staff"), "post", "/posts", body).json()
    assert post["outcome"] == "awaiting_approval"
    assert any(f["reason"].startswith("In the first comment:") for f in post["deliveries"][0]["findings"])
    response = call(token_for("owner"), "post", "/posts", new_post(account, comment_variants={"99999": "x"}))
    assert response.status_code == 422 and "comment_variants" in response.json()["error"]["message"]
