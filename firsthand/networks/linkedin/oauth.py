"""Connecting LinkedIn organization pages: the business's LinkedIn app, LinkedIn's sign-in (OAuth 2.0,
three-legged), then each page the member administers.

learn.microsoft.com/linkedin/shared/authentication/authorization-code-flow (authorization URL, state,
POST /oauth/v2/accessToken with the secret in the body, 60-day tokens), .../programmatic-refresh-tokens,
marketing/community-management/organizations/organization-access-control-by-role (organizationAcls).
"""

from django.conf import settings

from firsthand.networks import oauth2
from firsthand.networks.base import NetworkError
from firsthand.networks.linkedin.rest import call
from firsthand.networks.models import NetworkApp

SCOPES = ("r_organization_social", "w_organization_social", "rw_organization_admin")

ABOUT = {
    "label": "LinkedIn",
    "developer_site": "https://www.linkedin.com/developers/apps",
    "steps": [
        "On LinkedIn's developer site, create an app linked to the business's LinkedIn page and verify it.",
        "Request the Community Management API product (LinkedIn reviews the request).",
        "Under Auth, add the callback address below as an Authorized redirect URL.",
        "Copy the Client ID and Primary Client Secret into the form here.",
    ],
    "can": [
        "Post for each page you administer, with images and alt text; follow-up parts become comments",
        "Read comments on the page's posts into the inbox (72 hours after each post), answer and like them",
    ],
    "cannot": [
        "LinkedIn pages have no messages an app can answer, and LinkedIn gives follower counts, not followers.",
        "LinkedIn's access lasts 60 days unless LinkedIn gives the app refresh tokens; the page then asks to "
        "be connected again.",
        "Comment authors show as LinkedIn members: their names need a permission LinkedIn gives few apps.",
    ],
}


def provider() -> oauth2.Provider:
    base = settings.LINKEDIN_AUTH_URL.rstrip("/")
    return oauth2.Provider(
        name="LinkedIn",
        authorize_url=f"{base}/oauth/v2/authorization",
        token_url=f"{base}/oauth/v2/accessToken",
        scopes=SCOPES,
        pkce=False,
        client_auth="body",
    )


def app_for(workspace) -> NetworkApp | None:
    return NetworkApp.objects.filter(workspace=workspace, network="linkedin").first()


def authorization_url(app: NetworkApp, redirect_uri: str, attempt: oauth2.Attempt) -> str:
    return oauth2.authorization_url(provider(), app.client_id, redirect_uri, attempt)


def finish(app: NetworkApp, redirect_uri: str, code: str, attempt: oauth2.Attempt) -> list[dict]:
    tokens = oauth2.exchange_code(provider(), app.client_id, app.client_secret, redirect_uri, code, attempt)
    token = tokens["access_token"]
    try:
        acls = call(
            "GET",
            "organizationAcls",
            token,
            what="reading your pages",
            params={"q": "roleAssignee", "role": "ADMINISTRATOR", "state": "APPROVED"},
        ).json()
        accounts = []
        for acl in acls.get("elements", []):
            urn = acl["organization"]
            org = call("GET", f"organizations/{urn.rsplit(':', 1)[-1]}", token, what="reading the page").json()
            accounts.append(
                {
                    "id": urn,
                    "handle": org.get("vanityName") or org.get("localizedName", urn),
                    "display_name": org.get("localizedName", ""),
                    "avatar_url": "",
                    "credentials": {**tokens, "organization": urn},
                }
            )
    except NetworkError as error:
        raise oauth2.SignInError(error.message) from None
    if not accounts:
        raise oauth2.SignInError("This LinkedIn member administers no page. Sign in as a page administrator.")
    return accounts
