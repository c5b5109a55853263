"""Connecting a YouTube channel: the business's Google Cloud OAuth client, Google's sign-in (authorization
code with PKCE, offline access for a refresh token), then the channel of the account that signed in.

developers.google.com/identity/protocols/oauth2/web-server (access_type=offline, prompt=consent,
code_challenge; token endpoint with the secret in the body; refresh), youtube/v3/docs/channels/list (mine).
"""

from django.conf import settings

from firsthand.networks import oauth2
from firsthand.networks.base import NetworkError
from firsthand.networks.models import NetworkApp

SCOPES = ("https://www.googleapis.com/auth/youtube.force-ssl",)

ABOUT = {
    "label": "YouTube",
    "developer_site": "https://console.cloud.google.com/apis/credentials",
    "steps": [
        "In Google Cloud Console, create a project for the business and enable the YouTube Data API v3.",
        "Set up the OAuth consent screen (external; Google verifies apps that ask for YouTube access).",
        "Create an OAuth client ID of the type Web application, with the callback address below as an "
        "Authorized redirect URI.",
        "Copy the Client ID and Client secret into the form here.",
    ],
    "can": [
        "Read the comments on the channel's videos into the inbox, answer them and hide them",
    ],
    "cannot": [
        "YouTube's API does not publish community posts: a YouTube account only answers, it is not offered in "
        "the composer. Videos are uploaded in YouTube Studio.",
        "YouTube's API does not like comments, and has no private messages.",
        "The API's daily quota (10,000 units by default) limits how often comments are read; firsthand waits "
        "for midnight Pacific time when it is used up.",
    ],
}


def provider() -> oauth2.Provider:
    return oauth2.Provider(
        name="YouTube",
        authorize_url=settings.GOOGLE_AUTHORIZE_URL,
        token_url=settings.GOOGLE_TOKEN_URL,
        scopes=SCOPES,
        client_auth="body",
    )


def app_for(workspace) -> NetworkApp | None:
    return NetworkApp.objects.filter(workspace=workspace, network="youtube").first()


def authorization_url(app: NetworkApp, redirect_uri: str, attempt: oauth2.Attempt) -> str:
    # offline + consent: Google gives a refresh token only then, and again on every reconnect
    return oauth2.authorization_url(
        provider(), app.client_id, redirect_uri, attempt, access_type="offline", prompt="consent"
    )


def finish(app: NetworkApp, redirect_uri: str, code: str, attempt: oauth2.Attempt) -> list[dict]:
    from firsthand.networks.youtube.connector import run, service

    tokens = oauth2.exchange_code(provider(), app.client_id, app.client_secret, redirect_uri, code, attempt)
    try:
        found = run(service(tokens["access_token"]).channels().list(part="snippet", mine=True), "reading your channel")
    except NetworkError as error:
        raise oauth2.SignInError(error.message) from None
    channels = found.get("items", [])
    if not channels:
        raise oauth2.SignInError("This Google account has no YouTube channel. Sign in with the business's channel.")
    return [
        {
            "id": channel["id"],
            "handle": channel["snippet"].get("customUrl") or channel["snippet"]["title"],
            "display_name": channel["snippet"]["title"],
            "avatar_url": ((channel["snippet"].get("thumbnails") or {}).get("default") or {}).get("url", ""),
            "credentials": {**tokens, "channel_id": channel["id"]},
        }
        for channel in channels
    ]
