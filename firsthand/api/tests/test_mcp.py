"""/mcp spoken as raw JSON-RPC through Django's test client: every tool, the rules behind them, bad messages.

test_mcp_client.py drives the same endpoint with the SDK's own client over a real server thread.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from firsthand.api import operations as tokens
from firsthand.guard import crisis
from firsthand.guard.models import ApprovalPolicy, BrandRules
from firsthand.inbox.models import Interaction, PendingAnswer
from firsthand.networks.sandbox.models import SandboxPost
from firsthand.publishing import engine
from firsthand.publishing.models import Delivery, Post
from firsthand.publishing.states import State
from firsthand.team.models import Membership

pytestmark = pytest.mark.django_db

WRITING_TOOLS = {"draft_answer", "schedule_post"}
READING_TOOLS = {"list_accounts", "list_conversations", "read_conversation", "read_insights"}


@pytest.fixture
def send(client):
    """send(secret, body): POST body (a dict, or a str sent as is) to /mcp; returns the response."""

    def post(secret, body, **headers):
        if secret:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return client.post("/mcp", data=data, content_type="application/json", **headers)

    return post


@pytest.fixture
def rpc(send):
    """rpc(secret, "tools/call", {...}): the JSON-RPC answer of a request, checked to be HTTP 200."""

    def call(secret, method, params=None, request_id=1):
        response = send(secret, {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params or {}})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["jsonrpc"] == "2.0" and body["id"] == request_id
        return body

    return call


@pytest.fixture
def tool(rpc):
    """tool(secret, name, **arguments): a tools/call's result (content, structuredContent, isError)."""

    def call(secret, name, **arguments):
        body = rpc(secret, "tools/call", {"name": name, "arguments": arguments})
        assert "result" in body, body
        return body["result"]

    return call


def test_initialize_negotiates_the_clients_version_or_offers_the_servers_newest(team, account, token_for, rpc):
    secret = token_for("staff")
    hello = {"capabilities": {}, "clientInfo": {"name": "assistant", "version": "1"}}
    known = rpc(secret, "initialize", {**hello, "protocolVersion": "2025-06-18"})["result"]
    assert known["protocolVersion"] == "2025-06-18"
    assert known["serverInfo"]["name"] == "firsthand" and "tools" in known["capabilities"]
    unknown = rpc(secret, "initialize", {**hello, "protocolVersion": "1999-01-01"})["result"]
    assert unknown["protocolVersion"] == "2025-11-25"


def test_notifications_are_accepted_without_an_answer(team, account, token_for, send):
    response = send(token_for("staff"), {"jsonrpc": "2.0", "method": "notifications/initialized"})
    assert response.status_code == 202 and response.content == b""


def test_tools_list_offers_an_owner_every_tool_and_a_viewer_only_reading(team, account, token_for, rpc):
    owner = {t["name"]: t for t in rpc(token_for("owner"), "tools/list")["result"]["tools"]}
    assert set(owner) == READING_TOOLS | WRITING_TOOLS
    schedule = owner["schedule_post"]
    assert schedule["inputSchema"]["type"] == "object"
    assert {"accounts", "text", "at", "anyway"} <= set(schedule["inputSchema"]["properties"])
    assert schedule["annotations"]["readOnlyHint"] is False and owner["read_insights"]["annotations"]["readOnlyHint"]
    viewer = {t["name"] for t in rpc(token_for("viewer"), "tools/list")["result"]["tools"]}
    assert viewer == READING_TOOLS


def test_list_accounts_and_conversations_then_read_one(team, talk, token_for, tool):
    secret = token_for("viewer")
    accounts = tool(secret, "list_accounts")["structuredContent"]["accounts"]
    assert [a["handle"] for a in accounts] == [talk.account.handle]
    listed = tool(secret, "list_conversations", status="open", account=talk.account_id)
    assert [c["id"] for c in listed["structuredContent"]["items"]] == [talk.pk]
    assert json.loads(listed["content"][0]["text"]) == listed["structuredContent"]  # text for text-only clients
    assert tool(secret, "list_conversations", status="done")["structuredContent"]["items"] == []
    read = tool(secret, "read_conversation", conversation_id=talk.pk)["structuredContent"]
    assert [i["text"] for i in read["items"]] == ["Do you have gluten-free bread on Saturdays?"]


def test_a_managers_answer_is_sent_to_the_customer(team, talk, token_for, tool):
    result = tool(token_for("manager", by="manager"), "draft_answer", conversation_id=talk.pk, text="Yes, from 8.")
    assert not result.get("isError") and result["structuredContent"]["outcome"] == "sent"
    assert Interaction.objects.get(direction="out").text == "Yes, from 8."
    assert [p.text for p in SandboxPost.objects.all()] == ["Yes, from 8."]


def test_a_staff_tokens_answer_waits_for_approval_when_the_workspace_asks(team, talk, token_for, tool, rpc):
    ApprovalPolicy.objects.update_or_create(workspace=team.workspace, defaults={"staff_answers": True})
    result = tool(token_for("staff"), "draft_answer", conversation_id=talk.pk, text="Yes, every Saturday.")
    assert result["structuredContent"]["outcome"] == "awaiting_approval"
    assert PendingAnswer.objects.get().state == PendingAnswer.State.WAITING
    assert not SandboxPost.objects.exists() and not Interaction.objects.filter(direction="out").exists()
    read = tool(token_for("staff", name="x"), "read_conversation", conversation_id=talk.pk)["structuredContent"]
    assert [p["text"] for p in read["pending_answers"]] == ["Yes, every Saturday."]


def test_a_staff_tokens_answer_waits_while_publishing_is_paused(team, talk, token_for, tool):
    crisis.pause(team.membership("manager"), "A complaint is going viral")
    result = tool(token_for("staff"), "draft_answer", conversation_id=talk.pk, text="Yes!")
    assert result["structuredContent"]["outcome"] == "awaiting_approval"
    assert not SandboxPost.objects.exists()


def test_a_viewer_token_is_refused_the_writing_tools(team, talk, account, token_for, tool):
    secret = token_for("viewer")
    answered = tool(secret, "draft_answer", conversation_id=talk.pk, text="Hello")
    assert answered["isError"] is True and "Viewers" in answered["content"][0]["text"]
    scheduled = tool(secret, "schedule_post", accounts=[account.pk], text="Fresh rye")
    assert scheduled["isError"] is True and "can't publish" in scheduled["content"][0]["text"]
    assert not Post.objects.exists() and not PendingAnswer.objects.exists() and not SandboxPost.objects.exists()


def test_schedule_post_schedules_through_the_guard(team, account, token_for, tool):
    at = (timezone.now() + timedelta(days=1)).isoformat()
    result = tool(token_for("staff"), "schedule_post", accounts=[account.pk], text="Fresh rye on Thursdays.", at=at)
    post = result["structuredContent"]
    assert post["outcome"] == "scheduled" and post["deliveries"][0]["state"] == "scheduled"
    assert Delivery.objects.get(post_id=post["id"]).state == State.SCHEDULED


def test_the_guard_refuses_a_banned_phrase_and_keeps_nothing(team, account, token_for, tool):
    BrandRules.objects.update_or_create(workspace=team.workspace, defaults={"banned_phrases": "cheapest in town"})
    result = tool(token_for("owner"), "schedule_post", accounts=[account.pk], text="The cheapest in town!")
    assert result["isError"] is True and "banned" in result["content"][0]["text"]
    assert not Post.objects.exists()


def test_an_offensive_post_from_staff_waits_and_never_publishes(team, account, token_for, tool):
    result = tool(token_for("staff"), "schedule_post", accounts=[account.pk], text="Our rivals are f*cking idiots")
    post = result["structuredContent"]
    assert post["outcome"] == "awaiting_approval"
    assert any("offensive" in f["reason"] for f in post["deliveries"][0]["findings"])
    engine.run_once("w1")
    assert not SandboxPost.objects.exists()


def test_an_offensive_post_from_an_owner_asks_first_and_the_crisis_switch_holds_it(team, account, token_for, tool):
    secret = token_for("owner")
    asked = tool(secret, "schedule_post", accounts=[account.pk], text="Our rivals are f*cking idiots")
    assert asked["isError"] is True and '"anyway": true' in asked["content"][0]["text"]
    assert not Post.objects.exists()
    # Said yes to, it is scheduled; the crisis switch then holds it all the same.
    anyway = tool(secret, "schedule_post", accounts=[account.pk], text="Our rivals are f*cking idiots", anyway=True)
    assert anyway["structuredContent"]["outcome"] == "scheduled"
    crisis.pause(team.membership("manager"), "A complaint is going viral")
    engine.run_once("w1")
    assert Delivery.objects.get(post_id=anyway["structuredContent"]["id"]).state == State.HELD
    assert not SandboxPost.objects.exists()


def test_the_crisis_switch_holds_a_post_scheduled_through_mcp(team, account, token_for, tool):
    post = tool(token_for("owner"), "schedule_post", accounts=[account.pk], text="Open late today")["structuredContent"]
    assert post["outcome"] == "scheduled"
    crisis.pause(team.membership("manager"), "A complaint is going viral")
    engine.run_once("w1")
    assert Delivery.objects.get(post_id=post["id"]).state == State.HELD
    assert not SandboxPost.objects.exists()


def test_read_insights_counts_the_customers_messages(team, talk, token_for, tool):
    figures = tool(token_for("viewer"), "read_insights", period="7")["structuredContent"]
    assert figures["conversations"] == 1
    assert figures["totals"]["total"] == 1 and figures["totals"]["question"] == 1
    refused = tool(token_for("viewer", name="x"), "read_insights", period="12")
    assert refused["isError"] is True and "period" in refused["content"][0]["text"]


def test_invalid_arguments_are_a_tool_error_naming_the_field(team, account, token_for, tool):
    result = tool(token_for("staff"), "schedule_post", accounts="all", text="x", colour="red")
    message = result["content"][0]["text"]
    assert result["isError"] is True and "accounts" in message and "colour" in message
    assert not Post.objects.exists()


def test_another_workspaces_token_cannot_read_or_answer_this_workspaces_conversation(team, talk, tool):
    _token, theirs = tokens.create(Membership.objects.get(user=team.outsider), name="Theirs", role="owner")
    read = tool(theirs, "read_conversation", conversation_id=talk.pk)
    assert read["isError"] is True and "No such" in read["content"][0]["text"]
    answered = tool(theirs, "draft_answer", conversation_id=talk.pk, text="Hi")
    assert answered["isError"] is True and not SandboxPost.objects.exists()
    assert tool(theirs, "list_conversations")["structuredContent"]["items"] == []


def test_no_token_a_made_up_one_or_a_revoked_one_is_401(team, account, token_for, send):
    secret = token_for("owner")
    token = tokens.tokens_for(team.workspace).get()
    tokens.revoke(team.membership("owner"), token)
    hello = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    for who in [None, "fh_not-a-real-token", secret]:
        response = send(who, hello)
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["error"]["code"] == -32600


@pytest.mark.parametrize(
    "body, status, code",
    [
        ("{not json", 400, -32700),
        ("[]", 400, -32600),
        ('[{"jsonrpc": "2.0", "id": 1, "method": "ping"}]', 400, -32600),
        ('{"jsonrpc": "1.0", "id": 1, "method": "ping"}', 400, -32600),
        ('{"jsonrpc": "2.0", "id": 1, "method": "resources/list"}', 200, -32601),
        ('{"jsonrpc": "2.0", "id": 1, "method": "server/discover"}', 200, -32601),
        ('{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "rm_rf"}}', 200, -32602),
        ('{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"arguments": {}}}', 200, -32602),
        ('{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": 5}}', 200, -32602),
        ('"ping"', 400, -32600),
        ("[" * 100_000, 400, -32700),
        (b"\xff\xfe{}", 400, -32700),
        ('{"jsonrpc": "2.0", "id": null, "method": "ping"}', 400, -32600),
    ],
)
def test_malformed_json_rpc_gets_its_json_rpc_error_never_a_server_error(team, token_for, send, body, status, code):
    response = send(token_for("staff"), body)
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code


def test_get_and_delete_are_405_and_an_unknown_protocol_version_is_400(team, account, token_for, client, send):
    assert client.get("/mcp").status_code == 405
    assert client.delete("/mcp").status_code == 405
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    assert send(token_for("staff"), ping, HTTP_MCP_PROTOCOL_VERSION="2031-01-01").status_code == 400
    assert send(token_for("staff", name="x"), ping, HTTP_MCP_PROTOCOL_VERSION="2025-06-18").status_code == 200


def test_an_oversized_body_is_413_and_the_rate_limit_is_shared_with_the_rest_api(
    team, account, token_for, send, call, settings
):
    secret = token_for("staff")
    big = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"text": "x" * 300_000}}
    assert send(secret, big).status_code == 413
    settings.API_REQUESTS_PER_MINUTE = 3
    secret = token_for("staff", name="limited")
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    assert call(secret, "get", "/accounts").status_code == 200
    assert [send(secret, ping).status_code for _ in range(3)] == [200, 200, 429]
    assert 1 <= int(send(secret, ping)["Retry-After"]) <= 60


def test_schedule_post_takes_a_first_comment_the_guard_checks(team, account, token_for, tool):
    BrandRules.objects.update_or_create(workspace=team.workspace, defaults={"banned_phrases": "cheapest in town"})
    refused = tool(
        token_for("owner"), "schedule_post", accounts=[account.pk], text="Rye", first_comment="The cheapest in town!"
    )
    assert refused["isError"] is True and "In the first comment" in refused["content"][0]["text"]
    result = tool(token_for("owner"), "schedule_post", accounts=[account.pk], text="Rye", first_comment="Order ahead")
    assert result["structuredContent"]["deliveries"][0]["first_comment"] == "Order ahead"
