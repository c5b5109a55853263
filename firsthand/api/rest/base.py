"""What every endpoint shares: bearer tokens, the body limit, the rate limit, strict schemas, one error shape.

Errors always read {"error": {"code": ..., "message": ..., "fields": [...]}}: a program branches on
`code`, a person reads `message`. A token of another workspace, an id out of the token's reach and an id
that exists nowhere all answer 404 alike: a workspace's contents are nobody else's business.
"""

from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import AfterValidator, ConfigDict, Field

from firsthand.api import operations
from firsthand.publishing.media import MAX_BYTES
from firsthand.web.params import MAX_ID

JSON_BODY_LIMIT = 256 * 1024  # a post with ten follow-ups and every variant fits many times over
MEDIA_BODY_LIMIT = MAX_BYTES + 64 * 1024  # the image and its multipart wrapping
PAGE_SIZE = 50


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, *, fields=None, headers=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields, self.headers = fields or [], headers or {}


def no_nul(text: str) -> str:
    # No network takes it, nor PostgreSQL's text columns: refused here rather than as a server error there.
    if "\x00" in text:
        raise ValueError("holds a null character (U+0000), which can't be stored or sent")
    return text


Text = Annotated[str, AfterValidator(no_nul)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Strict(Schema):
    """A request body: a field it does not know is an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Problem(Schema):
    code: str
    message: str
    fields: list[dict[str, Any]] = []


class ErrorOut(Schema):
    error: Problem


ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    413: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


def with_errors(ok: dict) -> dict:
    return {**ok, **ERRORS}


class TokenAuth(HttpBearer):
    """The bearer token, then the request's size and the token's rate: all before the body is read."""

    def __call__(self, request):
        principal = super().__call__(request)
        if principal is None:
            return None
        # An image upload may be as large as the largest a network takes; everything else is JSON.
        limit = MEDIA_BODY_LIMIT if request.path.endswith("/media") else JSON_BODY_LIMIT
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            raise ApiError(413, "too_large", f"The request body is larger than {limit // 1024} KB.")
        wait = operations.seconds_to_wait(principal.token)
        if wait:
            raise ApiError(
                429,
                "rate_limited",
                f"This token made more than {settings.API_REQUESTS_PER_MINUTE} requests this minute. "
                f"Try again in {wait} seconds.",
                headers={"Retry-After": str(wait)},
            )
        return principal

    def authenticate(self, request, token):
        return operations.authenticate(token)


def principal(request) -> operations.Principal:
    return request.auth


def error_response(api, request, status: int, code: str, message: str, fields=None, headers=None):
    response = api.create_response(
        request, {"error": {"code": code, "message": message, "fields": fields or []}}, status=status
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# Where ninja says the value came from and the endpoint's parameter name, not part of the field's name.
WRAPPERS = {"body", "query", "path", "file", "form", "data", "filters", "period"}


def field_errors(errors) -> list[dict]:
    fields = []
    for error in errors:
        where = [str(part) for part in error.get("loc", ()) if part not in WRAPPERS]
        message = error.get("msg", "is not valid")
        if error.get("type") == "extra_forbidden":
            message = "is not a field this endpoint knows"
        fields.append({"field": ".".join(where), "message": message})
    return fields


def install_error_handlers(api) -> None:
    @api.exception_handler(ApiError)
    def api_error(request, exc):
        return error_response(api, request, exc.status, exc.code, exc.message, exc.fields, exc.headers)

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        fields = field_errors(exc.errors)
        said = "; ".join(f"{f['field'] or 'body'}: {f['message']}" for f in fields[:5])
        return error_response(api, request, 422, "invalid", f"The request is not valid: {said}.", fields)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = error_response(
            api, request, 401, "unauthenticated", "Send a valid API token: Authorization: Bearer fh_…"
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if exc.status_code == 400:
            return error_response(api, request, 400, "bad_json", "The request body is not valid JSON.")
        return error_response(api, request, exc.status_code, "error", str(exc))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error_response(api, request, 404, "not_found", "No such thing here (or not within this token's reach).")

    @api.exception_handler(PermissionDenied)
    def refused(request, exc):
        return error_response(api, request, 403, "forbidden", str(exc) or "This token's role can't do that.")


def page_of(rows, page: int, shape) -> dict:
    start = (page - 1) * PAGE_SIZE
    items = list(rows[start : start + PAGE_SIZE + 1])
    more = len(items) > PAGE_SIZE
    return {"items": [shape(row) for row in items[:PAGE_SIZE]], "page": page, "next_page": page + 1 if more else None}


Page = Annotated[int, Field(ge=1, le=10_000)]
