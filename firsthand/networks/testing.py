"""Helpers for tests and demos: sandbox accounts connected to a workspace."""

from firsthand.networks.models import ConnectedAccount
from firsthand.networks.sandbox.connector import SandboxConnector


def connect_sandbox_account(workspace, handle: str, *, by=None, colour: str = "#0f766e", is_brand=True):
    remote = SandboxConnector.sign_up(handle, display_name=handle.replace("-", " ").title(), workspace=workspace)
    account = ConnectedAccount(
        workspace=workspace,
        network="sandbox",
        remote_id=str(remote.pk),
        handle=f"@{handle}",
        display_name=remote.display_name,
        colour=colour,
        is_brand=is_brand,
        connected_by=by,
    )
    account.credentials = SandboxConnector.authorize(remote)
    account.save()
    return account


def connect_through_sign_in(client, workspace, network: str, label: str, client_id: str, client_secret: str):
    """As an owner does it: save the business's app keys, continue to the network's sign-in, approve there
    (a local fake approves at once and redirects), and come back to firsthand's callback. Returns the
    page firsthand shows after the callback."""
    import html
    import re
    from urllib.parse import urlsplit

    import httpx
    from django.urls import reverse

    client.post(
        reverse("networks:app_setup", kwargs={"slug": workspace.slug, "network": network}),
        {"client_id": client_id, "client_secret": client_secret},
    )
    page = client.post(
        reverse("networks:oauth_connect", kwargs={"slug": workspace.slug, "network": network}), {"is_brand": "on"}
    ).content.decode()
    url = html.unescape(re.search(rf'<a class="button" href="([^"]+)">Continue to {label}', page)[1])
    back = urlsplit(httpx.get(url, follow_redirects=False).headers["Location"])
    return client.get(back.path + "?" + back.query, follow=True)
