"""The REST API, /api/v1/: one NinjaAPI, token auth on every endpoint, errors in one shape (see base.py).

Its OpenAPI description is at /api/v1/openapi.json; the page at /api/ reads it for people. Ninja's own docs
page is off: it loads Swagger UI from a CDN, and firsthand loads nothing from elsewhere at run time.
"""

from ninja import NinjaAPI

from firsthand.api.rest import inbox, posts, webhooks, workspace
from firsthand.api.rest.base import TokenAuth, install_error_handlers

api = NinjaAPI(
    title="firsthand",
    version="1",
    description=(
        "Post, schedule and answer through your own firsthand workspace. Every call acts as an API token "
        "with a role, through the same rules as the pages: the pre-publish guard, approvals, the crisis switch "
        "and the token's account limits."
    ),
    auth=TokenAuth(),
    urls_namespace="rest",
    docs_url=None,
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("/", posts.router)
api.add_router("/", inbox.router)
api.add_router("/", workspace.router)
api.add_router("/", webhooks.router)
