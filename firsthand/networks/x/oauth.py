"""Connecting an X account: the workspace's own X app, OAuth 2.0 with PKCE, then who signed in.

docs.x.com: fundamentals/authentication/oauth-2-0/authorization-code (scopes, offline.access, token
lifetime) and fundamentals/authentication/oauth-2-0/user-access-token (authorize URL, token exchange
with HTTP Basic for confidential clients, refresh).
"""

from django.conf import settings

from firsthand.networks import oauth2
from firsthand.networks.base import NetworkError
from firsthand.networks.models import NetworkApp

# What firsthand does with an account: read and write posts, read who the account is and its followers,
# like, read and send direct messages, upload images; offline.access for a refresh token.
SCOPES = (
    "tweet.read",
    "tweet.write",
    "users.read",
    "follows.read",
    "like.write",
    "dm.read",
    "dm.write",
    "media.write",
    "offline.access",
)


# What the set-up page tells the owner: what X requires, and what firsthand can do with what X allows.
ABOUT = {
    "label": "X",
    "developer_site": "https://developer.x.com/en/portal/dashboard",
    "steps": [
        "Sign in to the X Developer Console with an account of the business and create a Project and an App in it.",
        "In the App's User authentication settings, turn on OAuth 2.0, choose the type Web App (a confidential "
        "client), and give it Read and write and Direct Messages permission.",
        "Paste the callback address below into the App's Callback URI / Redirect URL field.",
        "Copy the OAuth 2.0 Client ID and Client Secret (under Keys and tokens) into the form here.",
    ],
    "can": [
        "Post for the account, with images, as threads and as replies; delete posts",
        "Read mentions and replies into the inbox, and answer them",
        "Read and answer direct messages, where the App's access includes them",
        "Like posts and read the followers, for the follower check",
    ],
    "cannot": [
        "X's free access lets an App post, but not read mentions or messages: the inbox needs a paid "
        "access level (Basic or above). When X refuses, the account shows X's own words.",
        "Quote posts, polls and videos are not sent from firsthand yet.",
    ],
}


def provider() -> oauth2.Provider:
    api = settings.X_API_URL.rstrip("/")
    return oauth2.Provider(
        name="X", authorize_url=settings.X_AUTHORIZE_URL, token_url=f"{api}/2/oauth2/token", scopes=SCOPES
    )


def app_for(workspace) -> NetworkApp | None:
    return NetworkApp.objects.filter(workspace=workspace, network="x").first()


def authorization_url(app: NetworkApp, redirect_uri: str, attempt: oauth2.Attempt) -> str:
    return oauth2.authorization_url(provider(), app.client_id, redirect_uri, attempt)


def finish(app: NetworkApp, redirect_uri: str, code: str, attempt: oauth2.Attempt) -> list[dict]:
    """Tokens for the code, and the account they belong to: [{id, handle, display_name, avatar_url, credentials}]."""
    from firsthand.networks.x.client import calling, sdk_client
    from firsthand.networks.x.connector import USER_FIELDS

    tokens = oauth2.exchange_code(provider(), app.client_id, app.client_secret, redirect_uri, code, attempt)
    try:
        with calling("reading who signed in"):
            me = sdk_client(tokens["access_token"]).get_me(user_fields=USER_FIELDS, user_auth=False).data
    except NetworkError as error:
        raise oauth2.SignInError(error.message) from None
    return [
        {
            "id": str(me.id),
            "handle": f"@{me.username}",
            "display_name": me.name,
            "avatar_url": me.profile_image_url or "",
            "credentials": {**tokens, "user_id": str(me.id)},
        }
    ]
