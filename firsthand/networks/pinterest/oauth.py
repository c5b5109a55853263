"""Connecting a Pinterest business account: the business's Pinterest app, Pinterest's sign-in (OAuth 2.0
authorization code; the token request with HTTP Basic), then the account and its boards.

developers.pinterest.com/docs/getting-started/set-up-authentication-and-authorization, api/v5 oauth-token,
user_account-get, boards-list."""

from urllib.parse import urlencode

from django.conf import settings

from firsthand.networks import oauth2
from firsthand.networks.base import NetworkError
from firsthand.networks.models import NetworkApp

SCOPES = ("boards:read", "pins:read", "pins:write", "user_accounts:read")

ABOUT = {
    "label": "Pinterest",
    "developer_site": "https://developers.pinterest.com/apps/",
    "steps": [
        "With the business's Pinterest business account, create an app on developers.pinterest.com (Pinterest "
        "reviews it before it can act for accounts beyond its own).",
        "Add the callback address below as a redirect URI.",
        "Copy the App ID and App secret key into the form here.",
    ],
    "can": [
        "Pin posts with their images to the board chosen for the account (Accounts → Edit), with title, "
        "description, link and alt text; up to five images make a carousel",
    ],
    "cannot": [
        "Pinterest's API gives no comments or messages: nothing from Pinterest comes into the inbox.",
        "Every pin needs an image; pins cannot be answered or liked through the API.",
    ],
}


def provider() -> oauth2.Provider:
    return oauth2.Provider(
        name="Pinterest",
        authorize_url=settings.PINTEREST_AUTHORIZE_URL,
        token_url=f"{settings.PINTEREST_API_URL.rstrip('/')}/v5/oauth/token",
        scopes=SCOPES,
        scope_separator=",",
        pkce=False,
    )


def app_for(workspace) -> NetworkApp | None:
    return NetworkApp.objects.filter(workspace=workspace, network="pinterest").first()


def authorization_url(app: NetworkApp, redirect_uri: str, attempt: oauth2.Attempt) -> str:
    query = {
        "client_id": app.client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": ",".join(SCOPES),
        "state": attempt.state,
    }
    return f"{settings.PINTEREST_AUTHORIZE_URL}?{urlencode(query)}"


def boards_of(token: str) -> dict:
    """Board id → name, every board of the account."""
    from firsthand.networks.pinterest.connector import call

    boards, bookmark = {}, None
    for _ in range(10):
        page = call(
            "GET",
            "boards",
            token,
            what="reading the boards",
            params={"page_size": 100, **({"bookmark": bookmark} if bookmark else {})},
        )
        boards.update({board["id"]: board["name"] for board in page.get("items", [])})
        bookmark = page.get("bookmark")
        if not bookmark:
            break
    return boards


def finish(app: NetworkApp, redirect_uri: str, code: str, attempt: oauth2.Attempt) -> list[dict]:
    from firsthand.networks.pinterest.connector import call

    tokens = oauth2.exchange_code(provider(), app.client_id, app.client_secret, redirect_uri, code, attempt)
    try:
        me = call("GET", "user_account", tokens["access_token"], what="reading who signed in")
        boards = boards_of(tokens["access_token"])
    except NetworkError as error:
        raise oauth2.SignInError(error.message) from None
    return [
        {
            "id": me["username"],
            "handle": me["username"],
            "display_name": me.get("business_name") or me["username"],
            "avatar_url": me.get("profile_image", ""),
            "credentials": {**tokens, "boards": boards, "board_id": next(iter(boards), "")},
        }
    ]
