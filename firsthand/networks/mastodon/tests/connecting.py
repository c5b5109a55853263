"""Connecting an account as a person does it: firsthand's form, the server's approval, the callback."""

import html
import re
from urllib.parse import urlsplit

import httpx
from django.urls import reverse


def start_connecting(client, workspace, server):
    response = client.post(
        reverse("networks:connect_mastodon", kwargs={"slug": workspace.slug}),
        {"mastodon-instance": server.url, "mastodon-is_brand": "on"},
    )
    assert response.status_code == 200, response.content.decode()[:1000]
    page = response.content.decode()
    assert "Sign in as the business's account" in page
    return html.unescape(re.search(r'<a class="button" href="([^"]+)">Continue to', page).group(1))


def come_back(client, authorize_url):
    """The person approves on the server, which sends the browser back to firsthand's callback."""
    answer = httpx.get(authorize_url, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    return client.get(back.path + "?" + back.query)
