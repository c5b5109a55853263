"""The workspace's two-factor policy: who sets it, whom it covers, and that the one access path enforces it."""

import pytest
from django.urls import reverse

from firsthand.audit.models import AuditEvent
from firsthand.team.models import TwoFactorPolicy, Workspace
from firsthand.team.tests.test_two_factor import enable_totp

pytestmark = pytest.mark.django_db


def set_policy(team, policy):
    Workspace.objects.filter(pk=team.workspace.pk).update(two_factor_policy=policy)


def home(team):
    return reverse("web:workspace_home", kwargs={"slug": team.workspace.slug})


def test_a_covered_member_without_two_factor_is_sent_to_set_it_up(team, client_for):
    set_policy(team, TwoFactorPolicy.MANAGERS)
    client = client_for(team.manager)
    response = client.get(home(team))
    assert response.status_code == 302
    assert response["Location"] == reverse("team:account") + "#two-factor"
    page = client.get(response["Location"]).content.decode()
    assert "Corner Café requires two-factor sign-in for owners and managers" in page
    # Every workspace page, not only the home page: the rule lives in the access path.
    assert client.get(reverse("team:settings", kwargs={"slug": team.workspace.slug})).status_code == 302


def test_an_htmx_request_from_a_covered_member_is_redirected_whole(team, client_for):
    set_policy(team, TwoFactorPolicy.EVERYONE)
    response = client_for(team.staff).get(home(team), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"].startswith(reverse("team:account"))


def test_a_member_the_policy_does_not_cover_gets_in(team, client_for):
    set_policy(team, TwoFactorPolicy.MANAGERS)
    assert client_for(team.staff).get(home(team)).status_code == 200


def test_a_covered_member_with_two_factor_gets_in(team, client_for):
    set_policy(team, TwoFactorPolicy.EVERYONE)
    enable_totp(team.viewer)
    assert client_for(team.viewer).get(home(team)).status_code == 200


def test_an_outsider_still_gets_a_404_not_a_setup_page(team, client_for):
    set_policy(team, TwoFactorPolicy.EVERYONE)
    assert client_for(team.outsider).get(home(team)).status_code == 404


def test_an_owner_sets_the_policy_and_it_is_audited(team, client_for):
    enable_totp(team.owner)
    client = client_for(team.owner)
    url = reverse("team:two_factor_policy", kwargs={"slug": team.workspace.slug})
    assert client.post(url, {"policy": "everyone"}).status_code == 302
    team.workspace.refresh_from_db()
    assert team.workspace.two_factor_policy == TwoFactorPolicy.EVERYONE
    event = AuditEvent.objects.get(action="team.two_factor_policy_changed")
    assert event.workspace_id == team.workspace.pk and event.data["new"] == "everyone"
    # Nonsense is refused with a message, never a 500.
    assert client.post(url, {"policy": "martians"}).status_code == 302
    team.workspace.refresh_from_db()
    assert team.workspace.two_factor_policy == TwoFactorPolicy.EVERYONE


@pytest.mark.parametrize("persona, status", [("manager", 403), ("staff", 403), ("viewer", 403), ("outsider", 404)])
def test_only_owners_set_the_policy(team, client_for, persona, status):
    url = reverse("team:two_factor_policy", kwargs={"slug": team.workspace.slug})
    assert client_for(team.user(persona)).post(url, {"policy": "nobody"}).status_code == status
    team.workspace.refresh_from_db()
    assert team.workspace.two_factor_policy == TwoFactorPolicy.NOBODY


def test_the_team_page_shows_who_has_two_factor_on(team, client_for):
    enable_totp(team.staff)
    page = client_for(team.owner).get(reverse("team:team", kwargs={"slug": team.workspace.slug})).content.decode()
    assert page.count("two-factor on") == 1
    assert page.count("two-factor off") == 3  # owner, manager, viewer


def test_the_settings_page_offers_the_policy_to_owners_only(team, client_for):
    url = reverse("team:settings", kwargs={"slug": team.workspace.slug})
    assert "Require two-factor sign-in" in client_for(team.owner).get(url).content.decode()
    assert "Require two-factor sign-in" not in client_for(team.manager).get(url).content.decode()
