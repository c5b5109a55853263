"""The permission matrix, for every role and for an outsider, on every workspace page and action."""

import pytest
from django.urls import reverse

from firsthand.team.models import Invite, Membership
from firsthand.team.permissions import MATRIX, Capability, Role, allows

PERSONAS = ["owner", "manager", "staff", "viewer", "outsider"]

# The matrix as the product promises it, spelled out independently of MATRIX.
EXPECTED = {
    "owner": {
        "view",
        "draft",
        "publish",
        "approve",
        "reply",
        "manage_accounts",
        "manage_team",
        "manage_apps",
        "settings",
        "pause",
        "manage_webhooks",
    },
    "manager": {
        "view",
        "draft",
        "publish",
        "approve",
        "reply",
        "manage_accounts",
        "settings",
        "pause",
        "manage_webhooks",
    },
    "staff": {"view", "draft", "publish", "reply"},
    "viewer": {"view"},
}


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("capability", [c.value for c in Capability])
def test_matrix_gives_each_role_exactly_its_capabilities(role, capability):
    assert allows(role, Capability(capability)) == (capability in EXPECTED[role])


def test_every_role_is_in_the_matrix():
    assert set(MATRIX) == set(Role)


# (url name, capability the page needs)
PAGES = [
    ("web:workspace_home", Capability.VIEW),
    ("inbox:inbox", Capability.VIEW),
    ("publishing:calendar", Capability.VIEW),
    ("insights:overview", Capability.VIEW),
    ("publishing:compose", Capability.DRAFT),
    ("networks:accounts", Capability.VIEW),
    ("team:team", Capability.MANAGE_TEAM),
    ("team:settings", Capability.SETTINGS),
    ("guard:pause", Capability.PAUSE),
    ("guard:approvals", Capability.APPROVE),
    ("practice:home", Capability.REPLY),
    ("practice:manage", Capability.SETTINGS),
]


def expected_status(persona: str, capability: Capability) -> int:
    if persona == "outsider":
        return 404
    return 200 if capability.value in EXPECTED[persona] else 403


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name,capability", PAGES)
def test_page_access_follows_the_matrix(team, client_for, persona, url_name, capability):
    client = client_for(team.user(persona))
    response = client.get(reverse(url_name, kwargs={"slug": team.workspace.slug}))
    assert response.status_code == expected_status(persona, capability)


@pytest.mark.django_db
def test_refusal_says_why(team, client_for):
    response = client_for(team.viewer).get(reverse("publishing:compose", kwargs={"slug": team.workspace.slug}))
    assert response.status_code == 403
    assert "can&#x27;t draft posts" in response.content.decode()


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in(team, client):
    url = reverse("inbox:inbox", kwargs={"slug": team.workspace.slug})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("team:login"))


def team_actions(team):
    """Every team-management action, as (url, POST data), aimed at the staff member."""
    slug = team.workspace.slug
    staff = team.membership("staff")
    invite = Invite.objects.create(workspace=team.workspace, role=Role.STAFF, created_by=team.owner)
    return [
        (reverse("team:invite_create", kwargs={"slug": slug}), {"email": "new@corner.example", "role": "staff"}),
        (reverse("team:change_role", kwargs={"slug": slug, "member_id": staff.pk}), {"role": "manager"}),
        (reverse("team:unlock_member", kwargs={"slug": slug, "member_id": staff.pk}), {}),
        (reverse("team:remove_member", kwargs={"slug": slug, "member_id": staff.pk}), {}),
        (reverse("team:invite_action", kwargs={"slug": slug, "invite_id": invite.pk, "action": "renew"}), {}),
        (reverse("team:invite_action", kwargs={"slug": slug, "invite_id": invite.pk, "action": "revoke"}), {}),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["manager", "staff", "viewer", "outsider"])
def test_only_owners_can_change_the_team(team, client_for, persona):
    client = client_for(team.user(persona))
    before = list(Membership.objects.order_by("pk").values_list("pk", "role"))
    invites_before = list(Invite.objects.order_by("pk").values_list("pk", "nonce", "revoked_at"))
    for url, data in team_actions(team):
        response = client.post(url, data)
        assert response.status_code == (404 if persona == "outsider" else 403), url
    assert list(Membership.objects.order_by("pk").values_list("pk", "role")) == before
    invites_after = list(Invite.objects.order_by("pk").values_list("pk", "nonce", "revoked_at"))
    assert invites_after[: len(invites_before)] == invites_before
    assert not Invite.objects.filter(email="new@corner.example").exists()


@pytest.mark.django_db
def test_owner_can_change_the_team(team, client_for):
    client = client_for(team.owner)
    for url, data in team_actions(team):
        response = client.post(url, data)
        assert response.status_code == 302, url
    assert Invite.objects.filter(email="new@corner.example").exists()
    assert not Membership.objects.filter(user=team.staff, workspace=team.workspace).exists()


@pytest.mark.django_db
def test_outsider_cannot_reach_another_workspaces_member_through_their_own(team, client_for):
    """An owner of workspace B may not act on a membership of workspace A by id."""
    client = client_for(team.outsider)
    own_slug = team.outsider.memberships.get().workspace.slug
    staff = team.membership("staff")
    response = client.post(reverse("team:remove_member", kwargs={"slug": own_slug, "member_id": staff.pk}))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=staff.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["manager", "staff", "viewer"])
def test_navigation_shows_only_what_the_role_can_open(team, client_for, persona):
    html = (
        client_for(team.user(persona))
        .get(reverse("web:workspace_home", kwargs={"slug": team.workspace.slug}))
        .content.decode()
    )
    team_url = reverse("team:team", kwargs={"slug": team.workspace.slug})
    compose_url = reverse("publishing:compose", kwargs={"slug": team.workspace.slug})
    assert (team_url in html) == ("manage_team" in EXPECTED[persona])
    assert (compose_url in html) == ("draft" in EXPECTED[persona])


@pytest.mark.django_db
@pytest.mark.parametrize("url_name,capability", PAGES)
def test_a_staff_member_limited_to_some_accounts_keeps_the_staff_roles_pages(team, client_for, url_name, capability):
    """A limit narrows which accounts, never which pages: the role decides those (see test_account_access.py)."""
    from firsthand.networks.testing import connect_sandbox_account
    from firsthand.team.operations import limit_accounts

    bakery = connect_sandbox_account(team.workspace, "bakery", by=team.owner)
    connect_sandbox_account(team.workspace, "owner-personal", by=team.owner)
    limit_accounts(team.membership("owner"), team.membership("staff"), [bakery])
    response = client_for(team.staff).get(reverse(url_name, kwargs={"slug": team.workspace.slug}))
    assert response.status_code == expected_status("staff", capability)
