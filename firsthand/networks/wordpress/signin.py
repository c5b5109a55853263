"""Connecting a WordPress site: its address, a username and an **application password** (WordPress → Users →
Profile → Application Passwords), sent as HTTP Basic auth; never the account's login password. The API root
is found as WordPress advertises it (a `Link: <…/wp-json/>; rel="https://api.w.org/"` header), so sites
without pretty permalinks (`?rest_route=/`) work too.

References (developer.wordpress.org/rest-api/): using-the-rest-api/discovery/, reference/application-passwords/,
reference/users/#retrieve-a-user (GET /wp/v2/users/me, context=edit: who the password belongs to).
"""

import re
from urllib.parse import urlsplit

from firsthand.networks.base import NetworkError
from firsthand.networks.blog import normalise_site, site_request
from firsthand.networks.wordpress.connector import NAME, call, categories_of

API_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="https://api\.w\.org/"')


class SignInError(Exception):
    """Why a site could not be connected, in words for the person connecting it."""


def api_root(site: str) -> str:
    """The REST API's root as the site advertises it; /wp-json/ where it says nothing."""
    response = site_request(NAME, "GET", site + "/", what="finding the site's REST API")
    found = API_LINK.search(response.headers.get("Link", ""))
    root = found.group(1) if found else site + "/wp-json/"
    return root if root.endswith("/") else root + "/"


def sign_in(site_address: str, username: str, app_password: str) -> dict:
    """Check the site and the application password; what to store for the account, or SignInError saying why."""
    try:
        site = normalise_site(site_address)
        root = api_root(site)
        index = site_request(NAME, "GET", root, what="reading the site's REST API")
    except ValueError as problem:
        raise SignInError(str(problem)) from None
    except NetworkError as problem:
        raise SignInError(f"firsthand could not reach {site_address}: {problem.message}") from None
    if index.status_code == 404:
        raise SignInError(
            f"{site} answers, but its REST API is turned off or hidden ({root} is not found). Turn it back on "
            "(a security plugin may be blocking /wp-json/), then connect again."
        )
    try:
        described = index.json()
    except ValueError:
        described = None
    if not isinstance(described, dict) or "wp/v2" not in (described.get("namespaces") or []):
        raise SignInError(f"{site} does not look like a WordPress site: it has no WordPress REST API at {root}.")
    credentials = {"api": root, "site": site, "username": username.strip(), "app_password": app_password.strip()}
    try:
        me = call(
            credentials, "GET", "wp/v2/users/me", what="checking the application password", params={"context": "edit"}
        )
    except NetworkError as problem:
        if problem.auth:
            over_http = (
                " WordPress accepts application passwords only over HTTPS: write the address with https://."
                if site.startswith("http://")
                else ""
            )
            raise SignInError(
                "WordPress did not accept that username and application password. Use the username (not the "
                "e-mail) and an application password made under Users → Profile → Application Passwords, "
                "never the login password." + over_http
            ) from None
        raise SignInError(problem.message) from None
    if not {"publish_posts", "upload_files"} <= {k for k, v in (me.get("capabilities") or {}).items() if v}:
        raise SignInError(
            f"{me.get('name') or username} cannot publish posts and upload images on {site}: connect a user with "
            "the Author, Editor or Administrator role."
        )
    credentials.update(user_id=me["id"], status="publish", category=None)
    credentials["categories"] = categories_of(credentials)
    return {
        "remote_id": f"{site}#{me['id']}",
        "handle": urlsplit(site).netloc + urlsplit(site).path,
        "display_name": described.get("name") or me.get("name", ""),
        "credentials": credentials,
    }
