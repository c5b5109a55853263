import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from firsthand.audit.models import AuditEvent
from firsthand.conftest import PASSWORD
from firsthand.team import operations
from firsthand.team.models import Invite, Membership, User
from firsthand.team.permissions import Role

pytestmark = pytest.mark.django_db


def invite_url(invite):
    return reverse("team:invite", kwargs={"token": invite.token})


def has_link_to(text: str, invite, base: str = "") -> bool:
    """Whether the text holds a working link to this invite. Tokens are signed with the time, so two made in
    different seconds differ: compared by what they open, not character by character."""
    tokens = regex_invite(base).findall(text)
    return invite.nonce in [Invite.nonce_from_token(token) for token in tokens]


def regex_invite(base: str):
    return re.compile(re.escape(base) + r"/invite/([^/\"\s]+)/")


def new_invite(team, role=Role.STAFF, email=""):
    return operations.create_invite(team.membership("owner"), role=role, email=email)


def test_invite_link_makes_a_new_member_with_the_invited_role(team, client):
    invite = new_invite(team, role=Role.VIEWER)
    response = client.post(
        invite_url(invite), {"name": "Nia Newcomer", "email": "nia@corner.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    user = User.objects.get(email="nia@corner.example")
    assert Membership.objects.get(user=user, workspace=team.workspace).role == Role.VIEWER
    # Signed in straight away.
    assert client.get(reverse("web:workspace_home", kwargs={"slug": team.workspace.slug})).status_code == 200
    assert AuditEvent.objects.filter(action="team.invite_accepted", actor=user).exists()


def test_invite_link_works_only_once(team, client):
    invite = new_invite(team)
    client.post(invite_url(invite), {"name": "First", "email": "first@corner.example", "password": PASSWORD})
    client.logout()
    response = client.post(
        invite_url(invite), {"name": "Second", "email": "second@corner.example", "password": PASSWORD}
    )
    assert response.status_code == 404
    assert "already been used" in response.content.decode()
    assert not User.objects.filter(email="second@corner.example").exists()


def test_expired_invite_is_refused_with_a_reason(team, client):
    invite = new_invite(team)
    Invite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(invite_url(invite))
    assert response.status_code == 404
    assert "expired" in response.content.decode()


@pytest.mark.parametrize("token", ["nonsense", "abc:def", ""])
def test_unknown_invite_link_is_refused(team, client, token):
    url = reverse("team:invite", kwargs={"token": token}) if token else "/invite//"
    response = client.get(url)
    assert response.status_code == 404


def test_forged_token_with_a_real_nonce_is_refused(team, client):
    """Someone who reads the database learns the nonce, but cannot sign it without SECRET_KEY."""
    invite = new_invite(team)
    response = client.get(reverse("team:invite", kwargs={"token": f"{invite.nonce}:forgedsignature"}))
    assert response.status_code == 404


def test_new_link_replaces_the_old_one(team, client):
    invite = new_invite(team)
    old_url = invite_url(invite)
    operations.renew_invite(team.membership("owner"), invite)
    assert client.get(old_url).status_code == 404
    assert client.get(invite_url(invite)).status_code == 200


def test_withdrawn_invite_no_longer_works(team, client):
    invite = new_invite(team)
    operations.revoke_invite(team.membership("owner"), invite)
    response = client.get(invite_url(invite))
    assert response.status_code == 404
    assert "withdrawn" in response.content.decode()


def test_signed_in_person_joins_with_one_click(team, client_for):
    invite = new_invite(team, role=Role.MANAGER)
    client = client_for(team.outsider)
    assert client.get(invite_url(invite)).status_code == 200
    client.post(invite_url(invite))
    assert Membership.objects.get(user=team.outsider, workspace=team.workspace).role == Role.MANAGER
    # They keep their own workspace too and can switch between both.
    assert team.outsider.memberships.count() == 2


def test_existing_member_does_not_use_up_the_invite(team, client_for):
    invite = new_invite(team)
    client_for(team.staff).post(invite_url(invite))
    invite.refresh_from_db()
    assert invite.accepted_at is None


def test_sign_up_with_an_email_that_has_an_account_asks_to_sign_in(team, client):
    invite = new_invite(team)
    response = client.post(invite_url(invite), {"name": "X", "email": "STAFF@corner.example", "password": PASSWORD})
    assert response.status_code == 400
    assert "Sign in to accept" in response.content.decode()
    invite.refresh_from_db()
    assert invite.accepted_at is None


def test_weak_password_on_sign_up_is_refused_and_nothing_is_created(team, client):
    invite = new_invite(team)
    response = client.post(invite_url(invite), {"name": "Weak", "email": "weak@corner.example", "password": "12345"})
    assert response.status_code == 400
    assert not User.objects.filter(email="weak@corner.example").exists()


def test_inviting_an_existing_member_is_refused(team, client_for):
    response = client_for(team.owner).post(
        reverse("team:invite_create", kwargs={"slug": team.workspace.slug}),
        {"email": "viewer@corner.example", "role": "staff"},
    )
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    assert not Invite.objects.exists()


def test_team_page_shows_a_copyable_link_for_each_pending_invite(team, client_for):
    invite = new_invite(team, email="pat@corner.example")
    html = client_for(team.owner).get(reverse("team:team", kwargs={"slug": team.workspace.slug})).content.decode()
    assert has_link_to(html, invite, base="http://testserver")
    assert "pat@corner.example" in html


def test_invite_is_emailed_when_smtp_is_configured(team, client_for, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_CONFIGURED = True
    with django_capture_on_commit_callbacks(execute=True):
        client_for(team.owner).post(
            reverse("team:invite_create", kwargs={"slug": team.workspace.slug}),
            {"email": "pat@corner.example", "role": "staff"},
        )
    invite = Invite.objects.get(email="pat@corner.example")
    assert invite.email_status == Invite.EmailStatus.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pat@corner.example"]
    assert has_link_to(mail.outbox[0].body, invite, base="http://testserver")


def test_failed_invite_email_is_shown_with_its_reason(team, client_for, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_CONFIGURED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens on port 9
    client = client_for(team.owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("team:invite_create", kwargs={"slug": team.workspace.slug}),
            {"email": "pat@corner.example", "role": "staff"},
        )
    invite = Invite.objects.get(email="pat@corner.example")
    assert invite.email_status == Invite.EmailStatus.FAILED
    assert "ConnectionRefusedError" in invite.email_error
    html = client.get(reverse("team:team", kwargs={"slug": team.workspace.slug})).content.decode()
    assert "email failed" in html
    assert has_link_to(html, invite)  # the link is still there to copy


def test_without_smtp_no_email_is_attempted(team, client_for):
    client_for(team.owner).post(
        reverse("team:invite_create", kwargs={"slug": team.workspace.slug}),
        {"email": "pat@corner.example", "role": "staff"},
    )
    assert Invite.objects.get(email="pat@corner.example").email_status == Invite.EmailStatus.NOT_SENT
    assert mail.outbox == []


def test_an_invite_sent_to_an_address_is_accepted_only_by_that_address(team, client, client_for):
    invite = new_invite(team, email="Nia@Corner.example")
    # A signed-in person with another address is told why, and the link is not used up.
    other = client_for(team.outsider)
    page = other.get(invite_url(invite)).content.decode()
    assert "only that address can accept it" in page and "Join as" not in page
    other.post(invite_url(invite))
    assert not Membership.objects.filter(user=team.outsider, workspace=team.workspace).exists()
    other.logout()
    # Signing up under another address (the read-only field edited) creates nobody.
    response = client.post(invite_url(invite), {"name": "Eve", "email": "eve@evil.example", "password": PASSWORD})
    assert response.status_code == 400 and "only that address can accept it" in response.content.decode()
    assert not User.objects.filter(email="eve@evil.example").exists()
    invite.refresh_from_db()
    assert invite.accepted_at is None
    # The person it was sent to joins, whatever the case of the address.
    response = client.post(invite_url(invite), {"name": "Nia", "email": "nia@corner.example", "password": PASSWORD})
    assert response.status_code == 302
    assert Membership.objects.filter(user__email="nia@corner.example", workspace=team.workspace).exists()


def test_an_invite_made_without_an_address_is_a_link_anyone_given_it_can_use(team, client_for):
    invite = new_invite(team)
    client_for(team.outsider).post(invite_url(invite))
    assert Membership.objects.filter(user=team.outsider, workspace=team.workspace).exists()
