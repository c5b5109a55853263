"""The log filter settings.LOGGING installs: secrets leave every line, arguments and tracebacks included."""

import io
import logging

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from firsthand.system.logs import RedactSecrets, redact

SECRET = "EAAB1234secretvalue"


def logged(*args, exc=None, **kwargs) -> str:
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.addFilter(RedactSecrets())
    logger = logging.getLogger("firsthand.test_logs")
    logger.addHandler(handler)
    try:
        if exc:
            try:
                raise exc
            except Exception:
                logger.exception(*args, **kwargs)
        else:
            logger.warning(*args, **kwargs)
    finally:
        logger.removeHandler(handler)
    return captured.getvalue()


@pytest.mark.parametrize(
    "line",
    [
        f"HTTP Request: GET https://graph.facebook.com/v25.0/me?fields=id&access_token={SECRET} 200",
        f"GET /oauth/access_token?client_id=1&client_secret={SECRET}&code={SECRET}",
        f"POST body grant_type=refresh_token&refresh_token={SECRET}&password={SECRET}",
        f"headers {{'Authorization': 'Bearer {SECRET}'}}",
        f'answer {{"access_token": "{SECRET}", "token_type": "bearer"}}',
        f"api_key={SECRET}; signature={SECRET}; appsecret_proof={SECRET}",
    ],
)
def test_secrets_leave_the_line_whether_in_the_message_or_its_arguments(line):
    assert SECRET not in logged(line)
    assert SECRET not in logged("called %s", line)
    assert SECRET not in logged("failed", exc=ValueError(line))


def test_what_is_not_secret_stays():
    for line in [
        'HTTP Request: GET https://api.example/v1/posts?fields=id&limit=25 status_code=200 "HTTP/1.1 200 OK"',
        "Facebook no longer accepts the account's access (token validation failed); connect it again.",
    ]:
        assert redact(line) == line


def token_routes(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from token_routes(pattern, prefix + (pattern.namespace + ":" if pattern.namespace else ""))
        elif isinstance(pattern, URLPattern) and "token" in pattern.pattern.converters:
            yield prefix + pattern.name, set(pattern.pattern.converters)


def test_every_route_with_a_token_in_its_path_is_redacted_in_a_404_warning():
    routes = list(token_routes())
    assert {"team:invite", "team:password_reset_confirm", "team:setup"} <= {name for name, _ in routes}
    for name, parameters in routes:
        path = reverse(name, kwargs={p: "MQ" if p != "token" else SECRET for p in parameters})
        assert SECRET not in logged("Not Found: %s", path), name
