import pytest
from django.urls import reverse

from firsthand.team import operations
from firsthand.team.models import Membership, SetupToken, User
from firsthand.team.permissions import Role

pytestmark = pytest.mark.django_db

OWNER = {
    "name": "Ada Owner",
    "email": "ada@bakery.example",
    "password": "flour and water and salt",
    "workspace_name": "Ada's Bakery",
    "timezone": "Europe/Berlin",
}


def setup_url(token):
    return reverse("team:setup", kwargs={"token": token})


def test_setup_link_creates_the_owner_and_their_workspace(client):
    token = operations.new_setup_token()
    response = client.post(setup_url(token), OWNER)
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="ada@bakery.example")
    assert membership.role == Role.OWNER
    assert membership.workspace.name == "Ada's Bakery" and membership.workspace.timezone == "Europe/Berlin"
    assert client.get(response["Location"]).status_code == 200  # signed in
    assert not SetupToken.objects.exists()


def test_setup_link_works_only_once(client):
    token = operations.new_setup_token()
    client.post(setup_url(token), OWNER)
    client.logout()
    response = client.post(setup_url(token), {**OWNER, "email": "mallory@evil.example"})
    assert response.status_code == 404
    assert not User.objects.filter(email="mallory@evil.example").exists()


def test_a_wrong_setup_token_cannot_create_an_owner(client):
    operations.new_setup_token()
    response = client.post(setup_url("guessed-token"), OWNER)
    assert response.status_code == 404
    assert not User.objects.exists()


def test_no_setup_token_is_made_once_someone_has_an_account(team):
    assert operations.new_setup_token() is None


def test_bad_setup_form_keeps_what_was_typed(client):
    token = operations.new_setup_token()
    response = client.post(setup_url(token), {**OWNER, "email": "not an email"})
    assert response.status_code == 400
    assert "Ada&#x27;s Bakery" in response.content.decode()
    assert not User.objects.exists()
    assert SetupToken.objects.exists()  # the link still works for the corrected form


def test_the_front_door_explains_setup_before_anyone_exists(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "setup link" in response.content.decode()


def test_only_the_setup_link_creates_accounts_there_is_no_sign_up(client):
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("team:signup")
    assert client.get("/signup/").status_code == 404
