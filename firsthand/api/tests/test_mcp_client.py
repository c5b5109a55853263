"""The SDK's own MCP client talks to /mcp over real HTTP: a live server thread, a token, every tool.

This is what an assistant does: mcp.client.streamable_http over httpx2 with the token in its headers,
a ClientSession's initialize → tools/list → tools/call. The second test lets the SDK's `Client` pick
the protocol itself: it probes the newer `server/discover` first and must fall back to initialize.
"""

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client

from firsthand.guard import crisis
from firsthand.guard.models import ApprovalPolicy
from firsthand.inbox.models import PendingAnswer
from firsthand.networks.sandbox.models import SandboxPost
from firsthand.publishing import engine
from firsthand.publishing.models import Delivery
from firsthand.publishing.states import State

# The server thread reads what the test wrote: committed rows, not a transaction of the test's own.
pytestmark = pytest.mark.django_db(transaction=True)


def http_with(secret: str) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(headers={"Authorization": f"Bearer {secret}"}, timeout=30)


async def session_run(url: str, secret: str, work):
    async with http_with(secret) as http, streamable_http_client(url, http_client=http) as (read, write):
        async with ClientSession(read, write) as session:
            hello = await session.initialize()
            return hello, await work(session)


def test_a_staff_assistant_reads_answers_schedules_and_reads_insights(team, account, talk, token_for, live_server):
    ApprovalPolicy.objects.update_or_create(workspace=team.workspace, defaults={"staff_answers": True})

    async def work(session):
        done = {"tools": await session.list_tools()}
        done["accounts"] = await session.call_tool("list_accounts", {})
        done["listed"] = await session.call_tool("list_conversations", {"status": "open"})
        done["read"] = await session.call_tool("read_conversation", {"conversation_id": talk.pk})
        done["answer"] = await session.call_tool(
            "draft_answer", {"conversation_id": talk.pk, "text": "Yes, every Saturday."}
        )
        done["post"] = await session.call_tool("schedule_post", {"accounts": [account.pk], "text": "Rye on Thursday"})
        done["offensive"] = await session.call_tool(
            "schedule_post", {"accounts": [account.pk], "text": "Our rivals are f*cking idiots"}
        )
        done["insights"] = await session.call_tool("read_insights", {"period": "30"})
        return done

    hello, done = anyio.run(session_run, live_server.url + "/mcp", token_for("staff"), work)
    assert hello.server_info.name == "firsthand" and hello.capabilities.tools is not None
    assert {t.name for t in done["tools"].tools} == {
        "list_accounts",
        "list_conversations",
        "read_conversation",
        "draft_answer",
        "schedule_post",
        "read_insights",
    }
    assert [a["id"] for a in done["accounts"].structured_content["accounts"]] == [account.pk]
    assert [c["id"] for c in done["listed"].structured_content["items"]] == [talk.pk]
    assert done["read"].structured_content["items"][0]["author_handle"] == "tom"
    assert done["answer"].structured_content["outcome"] == "awaiting_approval"
    assert PendingAnswer.objects.get().text == "Yes, every Saturday."
    assert done["post"].is_error is False and done["post"].structured_content["outcome"] == "scheduled"
    assert done["offensive"].structured_content["outcome"] == "awaiting_approval"
    assert done["insights"].structured_content["conversations"] == 1

    # The crisis switch holds what the assistant scheduled; the offensive one never goes at all.
    crisis.pause(team.membership("manager"), "A complaint is going viral")
    engine.run_once("w1")
    assert Delivery.objects.get(post_id=done["post"].structured_content["id"]).state == State.HELD
    assert not SandboxPost.objects.exists()


def test_the_sdk_client_falls_back_from_discover_to_initialize_and_a_viewer_is_refused(
    team, account, token_for, live_server
):
    secret = token_for("viewer")

    async def connect():
        transport = streamable_http_client(live_server.url + "/mcp", http_client=http_with(secret))
        async with Client(transport) as client:
            tools = await client.list_tools()
            refused = await client.call_tool("schedule_post", {"accounts": [account.pk], "text": "Rye"})
            handshake = (client.session.discover_result, client.session.initialize_result, client.protocol_version)
            return tools, refused, handshake

    tools, refused, (discovered, initialized, version) = anyio.run(connect)
    assert discovered is None and initialized is not None and version == "2025-11-25"
    assert "schedule_post" not in {t.name for t in tools.tools}
    assert refused.is_error is True and "can't publish" in refused.content[0].text
    assert not Delivery.objects.exists()
