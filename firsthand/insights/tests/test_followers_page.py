"""Insights → Followers: who may see and start audits, and the figures it shows."""

import csv
import io

import pytest

from firsthand.insights.followers import engine
from firsthand.insights.followers.models import FollowerAudit
from firsthand.insights.followers.states import AuditState
from firsthand.networks.models import ConnectedAccount
from firsthand.networks.sandbox.models import SandboxAccount
from firsthand.networks.testing import connect_sandbox_account
from firsthand.team.models import Membership

pytestmark = pytest.mark.django_db


def url(team, rest=""):
    return f"/w/{team.workspace.slug}/insights/followers/{rest}"


def sandbox(team, handle="corner-cafe", total=400, share=0.3):
    account = connect_sandbox_account(team.workspace, handle, by=team.owner)
    SandboxAccount.objects.filter(pk=int(account.remote_id)).update(followers_total=total, bought_share=share)
    return account


def run_all():
    while engine.run_once("w1"):
        pass


def test_owner_starts_an_audit_and_the_page_shows_its_progress(team, client_for):
    account = sandbox(team)
    client = client_for(team.owner)
    assert "Audit followers" in client.get(url(team)).content.decode()
    response = client.post(url(team, f"{account.pk}/audit/"), follow=True)
    page = response.content.decode()
    assert (
        "Reading the followers of @corner-cafe on Sandbox" in page
        and "<progress" in page
        and 'hx-trigger="every 2s"' in page
    )
    # Pressed again: the same audit, said plainly.
    again = client.post(url(team, f"{account.pk}/audit/"), follow=True).content.decode()
    assert "already running" in again
    assert FollowerAudit.objects.count() == 1
    # The poll shows progress while it runs, and asks for the whole page once it has ended.
    assert "<progress" in client.get(url(team, f"{account.pk}/progress/")).content.decode()
    run_all()
    done = client.get(url(team, f"{account.pk}/progress/"))
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_staff_and_viewers_see_the_figures_but_cannot_start_an_audit(team, client_for):
    account = sandbox(team)
    for persona in ("staff", "viewer"):
        client = client_for(team.user(persona))
        page = client.get(url(team)).content.decode()
        assert "Owners and managers start follower audits." in page
        response = client.post(url(team, f"{account.pk}/audit/"), follow=True)
        assert "Only owners and managers" in response.content.decode()
    assert not FollowerAudit.objects.exists()


def test_an_outsider_gets_404_for_the_page_the_audit_and_the_export(team, client_for):
    account = sandbox(team)
    client_for(team.owner).post(url(team, f"{account.pk}/audit/"))
    run_all()
    audit = FollowerAudit.objects.get()
    client = client_for(team.outsider)
    assert client.get(url(team)).status_code == 404
    assert client.post(url(team, f"{account.pk}/audit/")).status_code == 404
    assert client.get(url(team, f"audits/{audit.pk}.csv")).status_code == 404
    assert client.post(url(team, f"audits/{audit.pk}/cancel/")).status_code == 404


def test_a_member_limited_to_other_accounts_gets_404_for_this_ones_audit(team, client_for):
    bakery = sandbox(team, "bakery")
    cafe = sandbox(team, "corner-cafe")
    client_for(team.owner).post(url(team, f"{cafe.pk}/audit/"), follow=True)
    run_all()
    audit = FollowerAudit.objects.get()
    staff = Membership.objects.get(workspace=team.workspace, user=team.staff)
    staff.all_accounts = False
    staff.save()
    staff.limited_to_accounts.set([bakery])
    client = client_for(team.staff)
    page = client.get(url(team)).content.decode()
    assert "@bakery" in page and "@corner-cafe" not in page
    assert client.get(url(team) + f"?account={cafe.pk}").status_code == 404
    assert client.get(url(team, f"audits/{audit.pk}.csv")).status_code == 404


def test_the_page_figures_are_exact_on_a_known_set(team, client_for):
    account = sandbox(team, total=400)
    client = client_for(team.owner)
    client.post(url(team, f"{account.pk}/audit/"))
    run_all()
    first = FollowerAudit.objects.get()
    # More followers since: the second audit reads 740, the new 340 among them judged like the others.
    SandboxAccount.objects.filter(pk=int(account.remote_id)).update(followers_total=740)
    client.post(url(team, f"{account.pk}/audit/"))
    run_all()
    second = FollowerAudit.objects.exclude(pk=first.pk).get()
    assert second.state == AuditState.DONE and second.fetched == 740
    page = client.get(url(team)).content.decode()
    percent = round(second.bought * 100 / 740)
    assert f"<strong>{percent}%</strong>" in page
    assert f"{second.bought} of 740 followers" in page
    gained_bought = second.bought - first.bought
    assert f"<strong>+340</strong> since the last audit, about {gained_bought} of them look bought." in page
    top_reason, top_count = max(second.reason_counts.items(), key=lambda item: item[1])
    assert f"<span>{top_reason}</span> <strong>{top_count}</strong>" in page
    assert page.count('target="_blank" rel="noopener noreferrer">@') == 20
    export = client.get(url(team, f"audits/{second.pk}.csv"))
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert len(rows) == 740
    assert sum(1 for row in rows if row["label"] == "fake") == second.bought


def test_a_network_without_follower_lists_says_so_instead_of_an_audit_button(team, client_for):
    instagram = ConnectedAccount.objects.create(
        workspace=team.workspace, network="instagram", remote_id="17841", handle="@cornercafe"
    )
    client = client_for(team.owner)
    page = client.get(url(team) + f"?account={instagram.pk}").content.decode()
    assert "Instagram&#x27;s API does not give a business account&#x27;s list of followers." in page
    refused = client.post(url(team, f"{instagram.pk}/audit/"), follow=True).content.decode()
    assert "Instagram&#x27;s API does not give" in refused
    assert not FollowerAudit.objects.exists()


def test_the_demo_bakery_has_followers_of_which_about_a_third_look_bought(db, client_for):
    from firsthand import demo

    workspace = demo.create_demo("a long enough demo password")
    owner = workspace.memberships.get(role="owner").user
    brand = workspace.accounts.get(handle="@harbour-bakery")
    client = client_for(owner)
    client.post(f"/w/{workspace.slug}/insights/followers/{brand.pk}/audit/")
    run_all()
    audit = FollowerAudit.objects.filter(account=brand).latest("created_at")
    assert audit.state == AuditState.DONE and audit.fetched == 1200
    assert 0.25 < audit.bought / 1200 < 0.35
    page = client.get(f"/w/{workspace.slug}/insights/followers/?account={brand.pk}").content.decode()
    assert f"<strong>+340</strong> since the last audit, about {audit.bought - 245} of them look bought." in page


def test_a_follower_to_check_links_to_its_profile_on_the_sandbox(team, client_for):
    account = sandbox(team, total=400)
    client = client_for(team.owner)
    client.post(url(team, f"{account.pk}/audit/"))
    run_all()
    example = FollowerAudit.objects.get().followers.filter(label="fake").first()
    profile = client.get(example.profile_url)
    assert profile.status_code == 200 and f"@{example.handle}" in profile.content.decode()
    assert client_for(team.outsider).get(example.profile_url).status_code == 404


def test_the_progress_bar_counts_against_the_last_audits_followers(team, client_for):
    account = sandbox(team, total=800)
    client = client_for(team.owner)
    client.post(url(team, f"{account.pk}/audit/"))
    run_all()
    client.post(url(team, f"{account.pk}/audit/"))
    engine.run_once("w1", budget=0)  # one page of 200, then it lets go
    bar = client.get(url(team, f"{account.pk}/progress/")).content.decode()
    assert '<progress max="100" value="25"' in bar
    assert "200 of about 800 followers read" in bar
    assert "Cancel" in bar
