"""An assistant talks MCP to a real `firsthand serve` (waitress, one process with the worker), as it would deployed."""

import html
import re
from concurrent.futures import ThreadPoolExecutor

import anyio
import httpx2
import pytest
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client

from tests.browser.conftest import PASSWORD, start_shop
from tests.support import csrf_token, signed_in_client

pytestmark = pytest.mark.process


def made_token(base_url: str, role: str) -> str:
    owner = signed_in_client(base_url, "owner@shop.example", PASSWORD)
    path = "/w/shop/settings/api/"
    page = owner.post(path, data={"csrfmiddlewaretoken": csrf_token(owner, path), "name": "Assistant", "role": role})
    return html.unescape(re.search(r'class="token-secret">([^<]+)<', page.text).group(1))


def test_the_sdk_client_works_with_firsthand_serve(tmp_path):
    server = start_shop(tmp_path)
    try:
        secret = made_token(server.url, "viewer")

        async def talk():
            headers = {"Authorization": f"Bearer {secret}"}
            async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
                async with streamable_http_client(server.url + "/mcp", http_client=http) as (read, write):
                    async with ClientSession(read, write) as session:
                        hello = await session.initialize()
                        listed = await session.list_tools()
                        accounts = await session.call_tool("list_accounts", {})
                        refused = await session.call_tool("draft_answer", {"conversation_id": 1, "text": "Hi"})
                        return hello, listed, accounts, refused

        # A thread of its own: the browser tests' session-long Playwright keeps an event loop
        # running in the main thread when they run first, and anyio refuses to start a second.
        with ThreadPoolExecutor(max_workers=1) as thread:
            hello, listed, accounts, refused = thread.submit(anyio.run, talk).result(timeout=120)
        assert hello.server_info.name == "firsthand"
        offered = {t.name for t in listed.tools}
        assert "read_insights" in offered and "draft_answer" not in offered
        assert accounts.structured_content == {"accounts": []}
        assert refused.is_error and "Viewers" in refused.content[0].text
        assert "Traceback" not in server.output
    finally:
        server.stop()
