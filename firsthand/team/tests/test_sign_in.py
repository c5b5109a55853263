import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from firsthand.conftest import PASSWORD
from firsthand.team.models import LoginFailure

pytestmark = pytest.mark.django_db


def sign_in(client, email, password, **extra):
    return client.post(reverse("team:login"), {"email": email, "password": password}, **extra)


def test_right_password_signs_in_and_lands_in_the_workspace(team, client):
    response = sign_in(client, "staff@corner.example", PASSWORD)
    assert response.status_code == 302
    landing = client.get(response["Location"], follow=True)
    assert landing.request["PATH_INFO"] == reverse("web:workspace_home", kwargs={"slug": team.workspace.slug})


def test_email_is_not_case_sensitive(team, client):
    assert sign_in(client, "Staff@Corner.Example", PASSWORD).status_code == 302


def test_wrong_password_says_so_and_does_not_sign_in(team, client):
    response = sign_in(client, "staff@corner.example", "wrong password")
    assert response.status_code == 400
    assert "don&#x27;t match an account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_that_address_out_of_the_account_for_a_while(team, client, settings):
    settings.LOGIN_FAILURES_PER_EMAIL = 3
    for _ in range(3):
        sign_in(client, "owner@corner.example", "guess")
    response = sign_in(client, "owner@corner.example", PASSWORD)
    assert response.status_code == 400
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Other people are not locked out by someone guessing the owner's password.
    assert sign_in(Client(), "staff@corner.example", PASSWORD, REMOTE_ADDR="10.9.9.9").status_code == 302


def test_someone_elses_failures_never_lock_out_the_right_password_from_elsewhere(team, client, settings):
    settings.LOGIN_FAILURES_PER_EMAIL = 3
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    for n in range(10):  # an attacker guessing the owner's password, and others', from one address
        sign_in(client, "owner@corner.example" if n % 2 else f"x{n}@corner.example", "guess", REMOTE_ADDR="203.0.113.9")
    owner = Client()
    assert sign_in(owner, "owner@corner.example", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302
    assert "_auth_user_id" in owner.session


def test_an_owner_unlocks_a_locked_out_member(team, client, client_for, settings):
    settings.LOGIN_FAILURES_PER_EMAIL = 3
    for _ in range(3):
        sign_in(client, "staff@corner.example", "typo")
    assert "Too many failed attempts" in sign_in(client, "staff@corner.example", PASSWORD).content.decode()
    owner = client_for(team.owner)
    page = owner.get(reverse("team:team", kwargs={"slug": team.workspace.slug})).content.decode()
    assert page.count("Unlock sign-in") == 1
    member = team.membership("staff")
    response = owner.post(reverse("team:unlock_member", kwargs={"slug": team.workspace.slug, "member_id": member.pk}))
    assert response.status_code == 302
    assert sign_in(Client(), "staff@corner.example", PASSWORD).status_code == 302


def test_failures_from_one_address_are_limited_across_emails(team, client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 4
    for n in range(4):
        sign_in(client, f"nobody{n}@corner.example", "guess")
    assert "Too many failed attempts" in sign_in(client, "staff@corner.example", PASSWORD).content.decode()


def test_a_successful_sign_in_clears_the_failures(team, client):
    sign_in(client, "staff@corner.example", "guess")
    sign_in(client, "staff@corner.example", PASSWORD)
    assert not LoginFailure.objects.filter(email="staff@corner.example").exists()


def test_next_only_redirects_inside_the_app(team, client):
    response = client.post(
        reverse("team:login"), {"email": "staff@corner.example", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("web:home")
    client.logout()
    response = client.post(
        reverse("team:login"), {"email": "staff@corner.example", "password": PASSWORD, "next": "/account/"}
    )
    assert response["Location"] == "/account/"


@pytest.mark.parametrize("target", ["abc", "0", "9999-12-31T23:59", "account/"])
def test_a_next_that_is_not_a_path_goes_home_rather_than_failing(team, client, target):
    # redirect() reads a bare word as a view's name: "abc" was a NoReverseMatch, an HTTP 500 (found by the fuzz test).
    response = client.post(
        reverse("team:login"), {"email": "staff@corner.example", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    assert client.get(reverse("team:login"), {"next": target})["Location"] == reverse("web:home")


def test_password_reset_by_email_sets_a_new_password_and_ends_old_sessions(team, client):
    old_browser = Client()
    old_browser.force_login(team.staff)

    client.post(reverse("team:password_reset"), {"email": "staff@corner.example"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "a brand new passphrase 42"
    response = client.post(
        form_page.request["PATH_INFO"], {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302

    assert sign_in(Client(), "staff@corner.example", new_password).status_code == 302
    assert old_browser.get(reverse("team:account")).status_code == 302


def test_password_reset_for_an_unknown_email_reveals_nothing(team, client):
    response = client.post(reverse("team:password_reset"), {"email": "stranger@nowhere.example"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_sign_out_everywhere_ends_every_session(team):
    phone, laptop = Client(), Client()
    phone.force_login(team.staff)
    laptop.force_login(team.staff)
    laptop.post(reverse("team:sign_out_everywhere"))
    assert phone.get(reverse("team:account")).status_code == 302


def test_sign_out_needs_a_post(team, client_for):
    client = client_for(team.staff)
    assert client.get(reverse("team:logout")).status_code == 405
    assert client.get(reverse("team:account")).status_code == 200


def change_email(client, email, password=""):
    return client.post(
        reverse("team:account"),
        {"profile-name": "Staff Person", "profile-email": email, "profile-current_password": password},
    )


def test_changing_ones_email_asks_for_the_password(team, client_for):
    client = client_for(team.staff)
    refused = change_email(client, "mine@elsewhere.example", "not it")
    assert refused.status_code == 400 and "type your current password" in refused.content.decode()
    assert change_email(client, "mine@elsewhere.example").status_code == 400
    team.staff.refresh_from_db()
    assert team.staff.email == "staff@corner.example"
    assert change_email(client, "Mine@Elsewhere.example", PASSWORD).status_code == 302
    team.staff.refresh_from_db()
    # The right password only sends a link to the new address (tests/test_email_change.py).
    assert team.staff.email == "staff@corner.example"
    assert team.staff.email_change.new_email == "mine@elsewhere.example"


def test_other_profile_changes_need_no_password(team, client_for):
    response = client_for(team.staff).post(
        reverse("team:account"), {"profile-name": "Stella", "profile-email": "staff@corner.example"}
    )
    assert response.status_code == 302
    team.staff.refresh_from_db()
    assert team.staff.name == "Stella"


def test_reset_and_invite_tokens_never_reach_a_log_line(team, client, settings):
    """At DEBUG, through the filter settings.LOGGING puts on its handler: a reset link used, reused and
    mangled, and an invite link that does not exist (a 404 warning naming its path)."""
    import io
    import logging

    from firsthand.system.logs import RedactSecrets

    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.addFilter(next(f for h in logging.getLogger().handlers for f in h.filters if isinstance(f, RedactSecrets)))
    root, level = logging.getLogger(), logging.getLogger().level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        client.post(reverse("team:password_reset"), {"email": "staff@corner.example"})
        link = re.search(r"http://testserver(/password/reset/\S+/)", mail.outbox[0].body).group(1)
        client.get(link, follow=True)
        client.get(link[:-3] + "xx/")
        client.get("/invite/not-a-real-invite-token-1234/")
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    token = link.rstrip("/").rsplit("/", 1)[1]
    logged = captured.getvalue()
    assert "Not Found" in logged  # the invite's 404 was logged, without its token
    assert token not in logged and token[:-2] not in logged and "not-a-real-invite-token" not in logged
