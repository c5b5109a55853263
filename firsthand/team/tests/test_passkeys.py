"""Passkeys, checked server-side with a software authenticator: registering, signing in, refusing forgeries."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from firsthand.audit.models import AuditEvent
from firsthand.conftest import PASSWORD
from firsthand.team import twofactor
from firsthand.team.models import LoginFailure, Passkey
from firsthand.team.tests.soft_authenticator import SoftAuthenticator

pytestmark = pytest.mark.django_db


def post_json(client, name, body=None, query=""):
    return client.post(reverse(name) + query, json.dumps(body or {}), content_type="application/json")


def register(client, authenticator, name="Work laptop", origin=None):
    options = post_json(client, "team:passkey_options").json()
    credential = authenticator.create(options, origin=origin)
    return post_json(client, "team:passkey_add", {"name": name, "credential": credential})


def passkey_sign_in(client, authenticator, origin=None, query=""):
    options = post_json(client, "team:passkey_sign_in_options").json()
    return post_json(client, "team:passkey_sign_in", {"credential": authenticator.get(options, origin)}, query)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_adding_a_passkey_turns_two_factor_on_and_is_audited(team, client_for):
    client = client_for(team.manager)
    response = register(client, SoftAuthenticator())
    assert response.status_code == 200, response.content
    passkey = Passkey.objects.get(user=team.manager)
    assert passkey.name == "Work laptop"
    assert twofactor.is_enabled(team.manager)
    assert AuditEvent.objects.filter(action="team.passkey_added", actor=team.manager).exists()
    # The first factor also brings recovery codes, shown on the next page view.
    assert "Your recovery codes" in client.get(reverse("team:account")).content.decode()


def test_a_passkey_from_another_origin_is_refused(team, client_for):
    response = register(client_for(team.manager), SoftAuthenticator(), origin="https://evil.example")
    assert response.status_code == 400 and "wasn't added" in response.json()["error"]
    assert not Passkey.objects.exists()


def test_an_answer_without_a_challenge_or_in_pieces_is_a_clear_refusal(team, client_for):
    client = client_for(team.manager)
    assert post_json(client, "team:passkey_add", {"credential": {"id": "x"}}).status_code == 400
    client.post(reverse("team:passkey_options"))
    response = client.post(reverse("team:passkey_add"), "not json", content_type="application/json")
    assert response.status_code == 400


def test_sign_in_with_password_then_passkey(team, client_for):
    authenticator = SoftAuthenticator()
    register(client_for(team.manager), authenticator)
    client = Client()
    client.post(reverse("team:login"), {"email": "manager@corner.example", "password": PASSWORD})
    assert not is_signed_in(client)
    response = passkey_sign_in(client, authenticator)
    assert response.status_code == 200, response.content
    assert is_signed_in(client) and int(client.session["_auth_user_id"]) == team.manager.pk
    assert Passkey.objects.get(user=team.manager).sign_count == 1


def test_someone_elses_passkey_is_refused_at_the_second_step(team, client_for):
    staff_key = SoftAuthenticator()
    register(client_for(team.manager), SoftAuthenticator())
    register(client_for(team.staff), staff_key)
    client = Client()
    client.post(reverse("team:login"), {"email": "manager@corner.example", "password": PASSWORD})
    response = passkey_sign_in(client, staff_key)
    assert response.status_code == 400 and not is_signed_in(client)
    assert LoginFailure.objects.filter(email="manager@corner.example").count() == 1


def test_a_passkey_with_user_verification_signs_in_without_a_password(team, client_for):
    authenticator = SoftAuthenticator()
    register(client_for(team.staff), authenticator)
    client = Client()
    response = passkey_sign_in(client, authenticator, query="?next=/account/")
    assert response.status_code == 200 and response.json()["redirect"] == "/account/"
    assert int(client.session["_auth_user_id"]) == team.staff.pk


def test_without_user_verification_a_passkey_alone_is_not_enough(team, client_for):
    authenticator = SoftAuthenticator(user_verified=False)
    register(client_for(team.staff), authenticator)
    client = Client()
    assert passkey_sign_in(client, authenticator).status_code == 400
    assert not is_signed_in(client)


def test_a_replayed_answer_is_refused(team, client_for):
    authenticator = SoftAuthenticator()
    register(client_for(team.staff), authenticator)
    client = Client()
    options = post_json(client, "team:passkey_sign_in_options").json()
    answer = authenticator.get(options)
    assert post_json(client, "team:passkey_sign_in", {"credential": answer}).status_code == 200
    other = Client()
    post_json(other, "team:passkey_sign_in_options")
    assert post_json(other, "team:passkey_sign_in", {"credential": answer}).status_code == 400


def test_the_last_second_factor_is_not_removed_without_the_password(team, client_for):
    client = client_for(team.staff)
    register(client, SoftAuthenticator())
    passkey = Passkey.objects.get(user=team.staff)
    page = client.post(reverse("team:passkey_remove", kwargs={"passkey_id": passkey.pk}), follow=True)
    assert "only second factor" in page.content.decode()
    assert Passkey.objects.filter(pk=passkey.pk).exists()


def test_removing_a_passkey_is_audited_and_only_ones_own(team, client_for):
    register(client_for(team.staff), SoftAuthenticator())
    register(client_for(team.staff), SoftAuthenticator(), name="Phone")
    passkey = Passkey.objects.get(user=team.staff, name="Work laptop")
    manager = client_for(team.manager)
    manager.post(reverse("team:passkey_remove", kwargs={"passkey_id": passkey.pk}))
    assert Passkey.objects.filter(pk=passkey.pk).exists()
    staff = client_for(team.staff)
    staff.post(reverse("team:passkey_remove", kwargs={"passkey_id": passkey.pk}))
    assert not Passkey.objects.filter(pk=passkey.pk).exists()
    assert AuditEvent.objects.filter(action="team.passkey_removed", actor=team.staff).exists()
