"""Connecting Instagram professional accounts: Facebook Login with the business's Meta app, then the
Instagram account linked to each Page given (developers.facebook.com/docs/instagram-platform/
instagram-api-with-facebook-login: get-started, business-login... /me/accounts with
instagram_business_account)."""

from firsthand.networks import oauth2
from firsthand.networks.base import NetworkError
from firsthand.networks.facebook import oauth as facebook
from firsthand.networks.facebook.graph import call
from firsthand.networks.models import NetworkApp

SCOPES = (
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_comments",
    "instagram_manage_messages",
    "pages_manage_metadata",
    "pages_show_list",
    "pages_read_engagement",
)

ABOUT = {
    "label": "Instagram",
    "developer_site": "https://developers.facebook.com/apps/",
    "steps": [
        "The Instagram account must be a professional (business or creator) account linked to a Facebook Page.",
        "On Meta for Developers, use the business's Meta app (the one for Facebook Pages will do) and add the "
        "Instagram product (API setup with Facebook login).",
        "Add the callback address below as a Valid OAuth Redirect URI, and ask for instagram_basic, "
        "instagram_content_publish, instagram_manage_comments and instagram_manage_messages (App Review for "
        "people outside the app's roles).",
        "Copy the App ID and App secret into the form here.",
    ],
    "can": [
        "Post images and carousels of up to ten, with captions and alt text",
        "Read comments on the account's posts into the inbox (72 hours after each post), answer and hide them",
    ],
    "cannot": [
        "Instagram fetches images from a public address: FIRSTHAND_BASE_URL must be reachable from the internet.",
        "Text without an image cannot be posted; Instagram's API cannot delete posts or like comments.",
        "Mentions, direct messages, reels and stories are not handled from firsthand yet.",
    ],
}


def app_for(workspace) -> NetworkApp | None:
    return NetworkApp.objects.filter(workspace=workspace, network="instagram").first()


def authorization_url(app: NetworkApp, redirect_uri: str, attempt: oauth2.Attempt) -> str:
    return facebook.authorization_url(app, redirect_uri, attempt, scopes=SCOPES)


def finish(app: NetworkApp, redirect_uri: str, code: str, attempt: oauth2.Attempt) -> list[dict]:
    pages = facebook.finish(app, redirect_uri, code, attempt)
    accounts = []
    for page in pages:
        token = page["credentials"]["page_token"]
        try:
            linked = call(
                "GET",
                page["id"],
                token,
                what="reading the Page's Instagram account",
                params={"fields": "instagram_business_account{id,username,name,profile_picture_url}"},
            )
        except NetworkError as error:
            raise oauth2.SignInError(error.message) from None
        ig = linked.get("instagram_business_account")
        if ig:
            accounts.append(
                {
                    "id": ig["id"],
                    "handle": f"@{ig.get('username', ig['id'])}",
                    "display_name": ig.get("name", ""),
                    "avatar_url": ig.get("profile_picture_url", ""),
                    "credentials": {"ig_user_id": ig["id"], "page_id": page["id"], "page_token": token},
                }
            )
    if not accounts:
        raise oauth2.SignInError(
            "None of the Pages given has a linked Instagram professional account. Link one in Instagram's settings."
        )
    return accounts
