"""/mcp: the MCP endpoint, so a business's own AI assistant can work in its workspace with an API token.

Why a Django view and not the SDK's server: firsthand is one WSGI process (waitress) serving the pages, the
REST API and the worker. The SDK's streamable HTTP server is an ASGI (Starlette) app that keeps sessions
and SSE streams open in memory; it would need a second server, or an event loop inside a WSGI thread, and
its sessions would not be shared by several web processes. The transport's JSON-response mode needs
neither: every POST carries one JSON-RPC message and gets one application/json answer. So this view speaks
that mode itself, statelessly (no Mcp-Session-Id: any process can answer any request), and uses the SDK's
own pydantic types (mcp.types) to read requests and build every result, so the wire format is the SDK's.

What it answers:
- POST a request → 200 and the JSON-RPC response (or error); a notification or a response → 202, no body.
- GET (there is no server-to-client stream) and DELETE (there is no session) → 405.
- No or a bad token → 401 with WWW-Authenticate; too large → 413; over the token's rate → 429, shared
  with the REST API's count; an MCP-Protocol-Version this server doesn't speak → 400.
- Malformed JSON → -32700, not a JSON-RPC request → -32600 (both HTTP 400, id null as the spec says),
  an unknown method → -32601, bad params → -32602. A tool the rules refuse, or whose arguments are not
  valid, answers a result with isError and the reason, so the assistant can read it and correct itself.
- Never a 500: an unexpected failure is logged and answered -32603.

The Origin check the transport spec asks for guards servers that trust a browser's cookies or a local
port; this one trusts nothing but the bearer token on each request (cookies are ignored), which a page in
a browser cannot read. Accept is not insisted on: the answer is always JSON, which every client takes.

Only the handshake-era protocol versions are offered (initialize, then requests). A client that first
probes the newer stateless `server/discover` gets -32601 and falls back to initialize, as the SDK's does.

# Reference: https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#streamable-http
# Reference: https://modelcontextprotocol.io/specification/2025-11-25/server/tools (SEP-1303: argument
#   errors as tool execution errors)
# Reference: https://modelcontextprotocol.io/specification/2025-11-25/basic/lifecycle#version-negotiation
# Reference: https://github.com/modelcontextprotocol/python-sdk (mcp.types, mcp.client.streamable_http)
"""

import json
import logging

import mcp.types as types
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from mcp.types.methods import serialize_server_result
from mcp.types.version import HANDSHAKE_PROTOCOL_VERSIONS, LATEST_HANDSHAKE_VERSION
from pydantic import ValidationError

from firsthand.api import operations
from firsthand.api.mcp import tools
from firsthand.api.rest.base import JSON_BODY_LIMIT, ApiError

log = logging.getLogger(__name__)

# What the spec says to assume of a request without an MCP-Protocol-Version header (transport spec).
VERSION_WITHOUT_HEADER = "2025-03-26"

SERVER = types.Implementation(name="firsthand", title="firsthand", version="1")
INSTRUCTIONS = (
    "You work in one firsthand workspace with an API token; its role decides what you may do, exactly as "
    "for a person with that role. Answers and posts pass the workspace's guard and approval rules: a result "
    "may say it waits for an owner's or manager's approval, and while publishing is paused nothing is "
    "published. Read a conversation before answering it."
)


class RpcError(Exception):
    def __init__(self, code: int, message: str, status: int = 200):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def dumped(method: str, version: str, model) -> dict:
    """The result as the SDK shapes it for that protocol version: fields a version lacks are left out."""
    return serialize_server_result(method, version, model.model_dump(by_alias=True, mode="json", exclude_none=True))


def rpc_error(request_id, code: int, message: str, status: int = 200, headers=None) -> JsonResponse:
    error = types.JSONRPCError(jsonrpc="2.0", id=request_id, error=types.ErrorData(code=code, message=message))
    response = JsonResponse(error.model_dump(by_alias=True, mode="json"), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def refuse_http(status: int, message: str, headers=None) -> JsonResponse:
    # Before any message is read there is no id to answer to; -32600 carries the reason for clients that read it.
    return rpc_error(None, types.INVALID_REQUEST, message, status=status, headers=headers)


@csrf_exempt
def endpoint(request):
    if request.method != "POST":
        response = HttpResponse(status=405)
        response["Allow"] = "POST"
        return response
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    who = operations.authenticate(raw.strip()) if scheme.lower() == "bearer" else None
    if who is None:
        return refuse_http(
            401, "Send a valid API token: Authorization: Bearer fh_…", {"WWW-Authenticate": 'Bearer realm="firsthand"'}
        )
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    # A chunked body has no length to read in advance: it is measured once read (Django caps what it reads).
    if length > JSON_BODY_LIMIT or (not length and len(request.body) > JSON_BODY_LIMIT):
        return refuse_http(413, f"The request body is larger than {JSON_BODY_LIMIT // 1024} KB.")
    wait = operations.seconds_to_wait(who.token)
    if wait:
        return refuse_http(
            429,
            f"This token made more than {settings.API_REQUESTS_PER_MINUTE} requests this minute. "
            f"Try again in {wait} seconds.",
            {"Retry-After": str(wait)},
        )
    version = request.headers.get("MCP-Protocol-Version")
    if version is not None and version not in HANDSHAKE_PROTOCOL_VERSIONS:
        return refuse_http(400, f"MCP-Protocol-Version {version[:40]} is not one this server speaks.")
    try:
        message = json.loads(request.body)
    except (ValueError, RecursionError):  # RecursionError: 256 KB of "[" nests deeper than the parser goes
        return rpc_error(None, types.PARSE_ERROR, "The request body is not valid JSON.", status=400)
    return answer(who, message, version or VERSION_WITHOUT_HEADER)


def answer(who, message, version: str) -> HttpResponse:
    if not isinstance(message, dict):
        # Batches were dropped from the protocol in 2025-06-18; one message per POST.
        return rpc_error(None, types.INVALID_REQUEST, "Send one JSON-RPC message (an object) per request.", 400)
    if "method" not in message:
        if "id" in message and ("result" in message or "error" in message):
            return HttpResponse(status=202)  # a response to a request this server never sends: nothing to do
        return rpc_error(None, types.INVALID_REQUEST, "This is not a JSON-RPC request.", 400)
    if "id" not in message:
        try:
            types.JSONRPCNotification.model_validate(message)
        except ValidationError:
            return rpc_error(None, types.INVALID_REQUEST, "This is not a valid JSON-RPC notification.", 400)
        return HttpResponse(status=202)  # notifications/initialized, cancelled: nothing to keep, stateless
    try:
        request = types.JSONRPCRequest.model_validate(message)
    except ValidationError:
        return rpc_error(None, types.INVALID_REQUEST, "This is not a valid JSON-RPC request.", 400)
    try:
        result = dispatch(who, request.method, request.params or {}, version)
    except RpcError as error:
        return rpc_error(request.id, error.code, error.message, error.status)
    except Exception:
        log.exception("MCP %s failed", request.method)
        return rpc_error(request.id, types.INTERNAL_ERROR, "Something went wrong on the server; it is logged.")
    response = types.JSONRPCResponse(jsonrpc="2.0", id=request.id, result=result)
    return JsonResponse(response.model_dump(by_alias=True, mode="json"))


def said(error: ValidationError, whole: str) -> str:
    """The first few problems, each naming its field as the caller wrote it ("accounts.0", "colour")."""
    parts = []
    for problem in error.errors()[:5]:
        where = ".".join(str(part) for part in problem.get("loc", ())) or whole
        message = problem.get("msg", "is not valid")
        if problem.get("type") == "extra_forbidden":
            message = "is not a field this tool knows"
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


def params_as(model, params):
    try:
        return model.model_validate(params)
    except ValidationError as error:
        raise RpcError(types.INVALID_PARAMS, f"Invalid params: {said(error, 'params')}.") from None


def dispatch(who, method: str, params: dict, version: str) -> dict:
    if method == "initialize":
        asked = params_as(types.InitializeRequestParams, params)
        # The client's version when this server speaks it, else the newest this server speaks (lifecycle spec).
        version = asked.protocol_version
        if version not in HANDSHAKE_PROTOCOL_VERSIONS:
            version = LATEST_HANDSHAKE_VERSION
        return dumped(
            method,
            version,
            types.InitializeResult(
                protocol_version=version,
                capabilities=types.ServerCapabilities(tools=types.ToolsCapability(list_changed=False)),
                server_info=SERVER,
                instructions=INSTRUCTIONS,
            ),
        )
    if method == "ping":
        return {}
    if method == "tools/list":
        return dumped(method, version, types.ListToolsResult(tools=tools.tools_for(who)))
    if method == "tools/call":
        return dumped(method, version, call_tool(who, params_as(types.CallToolRequestParams, params)))
    raise RpcError(types.METHOD_NOT_FOUND, f"Method not found: {method[:80]}")


def call_tool(who, params: types.CallToolRequestParams) -> types.CallToolResult:
    spec = tools.BY_NAME.get(params.name)
    if spec is None:
        raise RpcError(types.INVALID_PARAMS, f"Unknown tool: {params.name[:80]}")
    try:
        arguments = spec.arguments.model_validate(params.arguments or {})
    except ValidationError as error:
        return refusal(f"The arguments are not valid: {said(error, 'arguments')}.")
    try:
        done = spec.call(who, arguments)
    except ApiError as error:
        return refusal(error.message)
    except PermissionDenied as error:
        return refusal(str(error) or "This token's role can't do that.")
    except Http404:
        return refusal("No such thing here (or not within this token's reach).")
    text = json.dumps(done, default=str, ensure_ascii=False)
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)], structured_content=done)


def refusal(reason: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=reason)], is_error=True)
