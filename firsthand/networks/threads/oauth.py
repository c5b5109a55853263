"""Connecting a Threads account: the business's Meta app with the Threads use case, Threads' own sign-in,
then a long-lived token (developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
and .../long-lived-tokens: POST /oauth/access_token, GET /access_token?grant_type=th_exchange_token)."""

import time
from urllib.parse import urlencode

from django.conf import settings

from firsthand.networks import oauth2
from firsthand.networks.base import NetworkError
from firsthand.networks.models import NetworkApp

SCOPES = (
    "threads_basic",
    "threads_content_publish",
    "threads_manage_replies",
    "threads_read_replies",
    "threads_manage_mentions",
)

ABOUT = {
    "label": "Threads",
    "developer_site": "https://developers.facebook.com/apps/",
    "steps": [
        "On Meta for Developers, create an app with the use case Access the Threads API.",
        "Add the permissions threads_basic, threads_content_publish, threads_manage_replies, threads_read_replies "
        "and threads_manage_mentions.",
        "Under the use case's settings, add the callback address below as a Redirect Callback URL.",
        "Copy the Threads app ID and Threads app secret into the form here.",
    ],
    "can": [
        "Post text, an image or a carousel, and threads of several posts",
        "Read replies to the account's posts into the inbox (72 hours after each post), answer and hide them",
    ],
    "cannot": [
        "Threads fetches images from a public address: FIRSTHAND_BASE_URL must be reachable from the internet.",
        "The API does not like posts, has no private messages, and gives follower counts, not followers.",
    ],
}


def app_for(workspace) -> NetworkApp | None:
    return NetworkApp.objects.filter(workspace=workspace, network="threads").first()


def authorization_url(app: NetworkApp, redirect_uri: str, attempt: oauth2.Attempt) -> str:
    query = {
        "client_id": app.client_id,
        "redirect_uri": redirect_uri,
        "scope": ",".join(SCOPES),
        "response_type": "code",
        "state": attempt.state,
    }
    return f"{settings.THREADS_AUTHORIZE_URL}?{urlencode(query)}"


def finish(app: NetworkApp, redirect_uri: str, code: str, attempt: oauth2.Attempt) -> list[dict]:
    from firsthand.networks.facebook import graph
    from firsthand.networks.threads.connector import call

    base = (settings.THREADS_API_URL, "")
    try:
        short = graph.call(
            "POST",
            "oauth/access_token",
            None,
            what="signing in",
            api=base,
            name="Threads",
            data={
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "grant_type": "authorization_code",
                "redirect_uri": redirect_uri,
                "code": code,
            },
        )
        long = graph.call(
            "GET",
            "access_token",
            None,
            what="signing in",
            api=base,
            name="Threads",
            params={
                "grant_type": "th_exchange_token",
                "client_secret": app.client_secret,
                "access_token": short["access_token"],
            },
        )
        me = call(
            "GET",
            "me",
            long["access_token"],
            what="reading who signed in",
            params={"fields": "id,username,name,threads_profile_picture_url"},
        )
    except NetworkError as error:
        raise oauth2.SignInError(error.message) from None
    return [
        {
            "id": me["id"],
            "handle": f"@{me['username']}",
            "display_name": me.get("name", ""),
            "avatar_url": me.get("threads_profile_picture_url", ""),
            "credentials": {
                "user_id": me["id"],
                "access_token": long["access_token"],
                "expires_at": time.time() + float(long.get("expires_in", 5184000)),
            },
        }
    ]
