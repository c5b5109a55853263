import pytest
from django.urls import reverse

from firsthand.api import operations
from firsthand.api.models import ApiToken, token_hash
from firsthand.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_its_hash_and_shown_once(team, token_for, client_for):
    secret = token_for("owner")
    token = ApiToken.objects.get()
    assert token.token_hash == token_hash(secret) and secret not in str(token.__dict__)
    page = client_for(team.owner).get(reverse("api:tokens", args=[team.workspace.slug])).content.decode()
    assert token.prefix in page and secret not in page


def test_creating_a_token_shows_the_secret_on_that_one_page_only(team, client_for):
    client = client_for(team.manager)
    url = reverse("api:tokens", args=[team.workspace.slug])
    made = client.post(url, {"name": "Zapier", "role": "staff"})
    secret = made.content.decode().split('class="token-secret">')[1].split("<")[0]
    assert secret.startswith("fh_") and made["Cache-Control"] == "no-store"
    assert secret not in client.get(url).content.decode()
    assert AuditEvent.objects.filter(action="api.token_created", actor=team.manager).exists()


def test_a_manager_cannot_make_an_owner_token(team):
    with pytest.raises(operations.TokenError, match="higher role"):
        operations.create(team.membership("manager"), name="Too much", role="owner")


@pytest.mark.parametrize("persona", ["staff", "viewer"])
def test_staff_and_viewers_cannot_see_the_tokens_page(team, client_for, persona):
    response = client_for(team.user(persona)).get(reverse("api:tokens", args=[team.workspace.slug]))
    assert response.status_code == 403


def test_an_outsider_gets_a_404_for_the_tokens_page(team, client_for):
    response = client_for(team.outsider).get(reverse("api:tokens", args=[team.workspace.slug]))
    assert response.status_code == 404


def test_a_revoked_token_is_refused_from_its_next_request(team, token_for, call, client_for):
    secret = token_for("owner")
    assert call(secret, "get", "/accounts").status_code == 200
    token = ApiToken.objects.get()
    client_for(team.owner).post(reverse("api:revoke", args=[team.workspace.slug, token.pk]))
    response = call(secret, "get", "/accounts")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"


def test_a_token_stops_working_when_its_maker_leaves_the_workspace(team, token_for, call):
    secret = token_for("staff", by="manager")
    team.membership("manager").delete()
    assert call(secret, "get", "/accounts").status_code == 401


def test_last_use_is_recorded(team, token_for, call):
    secret = token_for("viewer")
    call(secret, "get", "/accounts")
    assert ApiToken.objects.get().last_used_at is not None
