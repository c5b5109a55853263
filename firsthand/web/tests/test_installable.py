"""The installable app: manifest, service worker, offline page, and where the app opens."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_manifest_describes_an_installable_app_whose_icons_exist(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/app/" and manifest["display"] == "standalone" and manifest["scope"] == "/"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_every_page_links_the_manifest(client):
    assert '<link rel="manifest" href="/manifest.webmanifest">' in client.get(reverse("team:login")).content.decode()


def test_the_service_worker_is_served_from_the_root_and_keeps_nothing_signed_in(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/" and response["Cache-Control"] == "no-cache"
    worker = response.content.decode()
    kept = worker[worker.index("const KEEP = [") : worker.index("];")]
    assert "OFFLINE" in kept and '/static/web/app.css"' in kept
    assert "/w/" not in kept and "inbox" not in kept and "/app/" not in kept  # no signed-in page is ever cached


def test_the_offline_page_needs_no_sign_in(client):
    response = client.get("/offline/")
    assert response.status_code == 200 and "You're offline" in response.content.decode()


def test_the_app_opens_on_the_inbox_of_the_last_workspace(team, client_for, client):
    assert client.get("/app/")["Location"].startswith(reverse("team:login"))
    member = client_for(team.staff)
    assert member.get("/app/")["Location"] == reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    # With several workspaces, the last one used.
    from firsthand.team.models import Membership, Workspace
    from firsthand.team.permissions import Role

    other = Workspace.objects.create(name="Second Shop")
    Membership.objects.create(user=team.staff, workspace=other, role=Role.STAFF)
    assert member.get("/app/")["Location"] == reverse("web:home")
    member.get(reverse("web:workspace_home", kwargs={"slug": other.slug}))
    assert member.get("/app/")["Location"] == reverse("inbox:inbox", kwargs={"slug": other.slug})
