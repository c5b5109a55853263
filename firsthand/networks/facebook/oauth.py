"""Connecting Facebook Pages: the business's own Meta app, Facebook Login, then the Pages it was given.

developers.facebook.com/docs: facebook-login/guides/advanced/manual-flow (the dialog, state, exchanging
the code with the app secret), facebook-login/guides/access-tokens/get-long-lived (fb_exchange_token:
a 60-day user token, and Page tokens from it that do not expire), pages-api/overview (/me/accounts and
the pages_* permissions). The person chooses which Pages to give in Facebook's own dialog; firsthand
connects each Page given.
"""

from urllib.parse import urlencode

from django.conf import settings

from firsthand.networks import oauth2
from firsthand.networks.base import NetworkError
from firsthand.networks.facebook.graph import VERSION, call
from firsthand.networks.models import NetworkApp

SCOPES = (
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_posts",
    "pages_manage_engagement",
    "pages_read_user_content",
    "pages_messaging",
)

ABOUT = {
    "label": "Facebook",
    "developer_site": "https://developers.facebook.com/apps/",
    "steps": [
        "On Meta for Developers, create an app of the type Business with the business's Meta account, and add "
        "the Facebook Login for Business product.",
        "Under Facebook Login → Settings, add the callback address below as a Valid OAuth Redirect URI.",
        "Ask for the permissions pages_manage_posts, pages_read_engagement, pages_manage_engagement, "
        "pages_read_user_content and pages_messaging (App Review is needed before people outside the app's own "
        "roles can connect).",
        "Copy the App ID and App secret (App settings → Basic) into the form here.",
    ],
    "can": [
        "Post to each Page you give, with photos; follow-up parts become the Page's first comments",
        "Read comments on the Page's posts into the inbox (for 72 hours after each post, and at once "
        "through the app's webhook), answer, like and hide them",
        "Read and answer Messenger conversations, within Messenger's 24-hour answer window",
    ],
    "cannot": [
        "The Graph API does not list a Page's followers, so the follower check has nothing to look at.",
        "Personal profiles and groups cannot be posted to: only Pages.",
        "Reels, stories and videos are not sent from firsthand yet.",
    ],
}


def provider() -> oauth2.Provider:
    return oauth2.Provider(
        name="Facebook",
        authorize_url=f"{settings.FACEBOOK_DIALOG_URL.rstrip('/')}/{VERSION}/dialog/oauth",
        token_url="",  # the code is exchanged with a GET (finish), not OAuth's POST  # nosec B106 # no URL, not a password
        scopes=SCOPES,
        scope_separator=",",
    )


def app_for(workspace) -> NetworkApp | None:
    return NetworkApp.objects.filter(workspace=workspace, network="facebook").first()


def authorization_url(app: NetworkApp, redirect_uri: str, attempt: oauth2.Attempt, scopes=SCOPES) -> str:
    """Facebook Login's dialog (Instagram's too, with its own scopes)."""
    query = {
        "client_id": app.client_id,
        "redirect_uri": redirect_uri,
        "state": attempt.state,
        "response_type": "code",
        "scope": ",".join(scopes),
    }
    return f"{provider().authorize_url}?{urlencode(query)}"


def finish(app: NetworkApp, redirect_uri: str, code: str, attempt: oauth2.Attempt) -> list[dict]:
    """Each Page given: {id, handle, display_name, avatar_url, credentials}."""
    try:
        short = call(
            "GET",
            "oauth/access_token",
            None,
            what="signing in",
            params={
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "redirect_uri": redirect_uri,
                "code": code,
            },
        )
        long = call(
            "GET",
            "oauth/access_token",
            None,
            what="signing in",
            params={
                "grant_type": "fb_exchange_token",
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "fb_exchange_token": short["access_token"],
            },
        )
        pages = call(
            "GET",
            "me/accounts",
            long["access_token"],
            what="reading your Pages",
            params={"fields": "id,name,username,access_token,picture{url}", "limit": 100},
        )
    except NetworkError as error:
        raise oauth2.SignInError(error.message) from None
    given = pages.get("data", [])
    if not given:
        raise oauth2.SignInError("Facebook gave access to no Page. Connect again and choose the business's Page.")
    return [
        {
            "id": page["id"],
            "handle": page.get("username") or page["name"],
            "display_name": page["name"],
            "avatar_url": ((page.get("picture") or {}).get("data") or {}).get("url", ""),
            "credentials": {"page_id": page["id"], "page_token": page["access_token"]},
        }
        for page in given
    ]
