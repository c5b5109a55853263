import pytest
from django.urls import reverse

from firsthand.audit.models import AuditEvent
from firsthand.team.models import Membership
from firsthand.team.permissions import Role

pytestmark = pytest.mark.django_db


def role_url(team, member):
    return reverse("team:change_role", kwargs={"slug": team.workspace.slug, "member_id": member.pk})


def remove_url(team, member):
    return reverse("team:remove_member", kwargs={"slug": team.workspace.slug, "member_id": member.pk})


def test_owner_changes_a_role_and_it_is_audited(team, client_for):
    staff = team.membership("staff")
    client_for(team.owner).post(role_url(team, staff), {"role": "manager"})
    staff.refresh_from_db()
    assert staff.role == Role.MANAGER
    event = AuditEvent.objects.get(action="team.role_changed")
    assert event.actor == team.owner and event.data["new_role"] == "manager"


def test_last_owner_cannot_step_down(team, client_for):
    owner = team.membership("owner")
    client = client_for(team.owner)
    response = client.post(role_url(team, owner), {"role": "staff"}, follow=True)
    assert "only owner" in response.content.decode()
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_an_owner_can_step_down_once_there_is_another(team, client_for):
    client = client_for(team.owner)
    client.post(role_url(team, team.membership("manager")), {"role": "owner"})
    client.post(role_url(team, team.membership("owner")), {"role": "manager"})
    assert team.membership("owner").role == Role.MANAGER
    assert team.workspace.owners().get().user == team.manager


def test_last_owner_cannot_remove_themselves(team, client_for):
    response = client_for(team.owner).post(remove_url(team, team.membership("owner")), follow=True)
    assert "only owner" in response.content.decode()
    assert Membership.objects.filter(user=team.owner, workspace=team.workspace).exists()


def test_unknown_role_is_refused(team, client_for):
    staff = team.membership("staff")
    response = client_for(team.owner).post(role_url(team, staff), {"role": "emperor"}, follow=True)
    assert "Choose one of the roles" in response.content.decode()
    staff.refresh_from_db()
    assert staff.role == Role.STAFF


def test_removal_ends_the_removed_persons_sessions_at_once(team, client_for, client):
    from django.test import Client

    staff_browser = Client()
    staff_browser.force_login(team.staff)
    home = reverse("web:workspace_home", kwargs={"slug": team.workspace.slug})
    assert staff_browser.get(home).status_code == 200

    client_for(team.owner).post(remove_url(team, team.membership("staff")))

    response = staff_browser.get(home)
    assert response.status_code == 302 and response["Location"].startswith(reverse("team:login"))
    # Not only this workspace: the session itself is gone.
    assert staff_browser.get(reverse("team:account")).status_code == 302
    assert AuditEvent.objects.filter(action="team.member_removed", data__member="staff@corner.example").exists()


def test_removed_person_can_sign_in_again_but_sees_no_workspace(team, client_for):
    from django.test import Client

    client_for(team.owner).post(remove_url(team, team.membership("viewer")))
    team.viewer.refresh_from_db()
    browser = Client()
    browser.force_login(team.viewer)
    assert browser.get(reverse("web:workspace_home", kwargs={"slug": team.workspace.slug})).status_code == 404
    assert "not part of any workspace" in browser.get(reverse("team:workspaces")).content.decode()


def test_role_change_from_the_select_returns_just_the_updated_row(team, client_for):
    staff = team.membership("staff")
    response = client_for(team.owner).post(role_url(team, staff), {"role": "viewer"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<li class="member" id="member-{staff.pk}"')
    assert "Saved: Staff Person is now viewer." in html
    assert '<option value="viewer" selected>' in html
    staff.refresh_from_db()
    assert staff.role == Role.VIEWER


def test_refused_role_change_from_the_select_shows_the_reason_in_the_row(team, client_for):
    owner = team.membership("owner")
    response = client_for(team.owner).post(role_url(team, owner), {"role": "staff"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "only owner" in html
    assert '<option value="owner" selected>' in html  # the select shows the role that still holds


def test_owner_stepping_down_from_the_select_is_sent_home(team, client_for):
    client = client_for(team.owner)
    client.post(role_url(team, team.membership("manager")), {"role": "owner"})
    response = client.post(role_url(team, team.membership("owner")), {"role": "manager"}, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("web:workspace_home", kwargs={"slug": team.workspace.slug})


def test_the_audit_log_on_the_settings_page_reads_on_the_workspaces_clock(team, client_for):
    from datetime import UTC, datetime

    from firsthand.audit.models import AuditEvent

    team.workspace.timezone = "America/New_York"
    team.workspace.save()
    client = client_for(team.owner)
    client.post(role_url(team, team.membership("staff")), {"role": "manager"})
    AuditEvent.objects.filter(action="team.role_changed").update(created_at=datetime(2026, 7, 1, 16, 5, tzinfo=UTC))
    html = client.get(reverse("team:settings", args=[team.workspace.slug])).content.decode()
    assert "1 Jul, 12:05" in html  # 16:05 UTC is 12:05 in New York in summer
    assert "1 Jul, 16:05" not in html
