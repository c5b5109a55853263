import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from firsthand.networks import crypto
from firsthand.networks.models import ConnectedAccount, NetworkApp
from firsthand.networks.testing import connect_sandbox_account
from firsthand.publishing import operations
from firsthand.publishing.states import State

pytestmark = pytest.mark.django_db


def raw_credentials(account) -> str:
    with connection.cursor() as cursor:
        cursor.execute("select credentials_encrypted from networks_connectedaccount where id = %s", [account.pk])
        return cursor.fetchone()[0]


def test_credentials_are_encrypted_at_rest_and_readable_through_the_model(team):
    account = connect_sandbox_account(team.workspace, "bakery", by=team.owner)
    token = account.credentials["token"]
    assert token.startswith("sbx_")
    assert token not in raw_credentials(account)
    assert ConnectedAccount.objects.get(pk=account.pk).credentials == {"token": token}
    assert token not in repr(account) and token not in str(account)


def test_the_accounts_page_never_shows_a_token(team, client_for):
    account = connect_sandbox_account(team.workspace, "bakery", by=team.owner)
    html = client_for(team.owner).get(reverse("networks:accounts", kwargs={"slug": team.workspace.slug})).content
    assert account.credentials["token"].encode() not in html
    assert raw_credentials(account).encode() not in html
    assert b"@bakery" in html and b"Sandbox" in html


def test_key_rotation_re_encrypts_with_the_new_key_and_old_values_stay_readable_meanwhile(team, settings):
    from firsthand.networks.mastodon.models import MastodonInstance

    account = connect_sandbox_account(team.workspace, "bakery", by=team.owner)
    token = account.credentials["token"]
    app = MastodonInstance(api_base_url="https://social.example", redirect_uri="https://x/cb", client_id="c")
    app.client_secret = "the app secret"
    app.save()
    keys = NetworkApp(workspace=team.workspace, network="x", client_id="id")
    keys.client_secret = "the business's X secret"
    keys.save()
    old_key = settings.FIRSTHAND_ENCRYPTION_KEYS[0]
    settings.FIRSTHAND_ENCRYPTION_KEYS = ["a brand new key for this installation", old_key]
    assert ConnectedAccount.objects.get(pk=account.pk).credentials["token"] == token  # old key still decrypts

    call_command("rotate_encryption_key")
    settings.FIRSTHAND_ENCRYPTION_KEYS = ["a brand new key for this installation"]  # the old key is dropped
    assert ConnectedAccount.objects.get(pk=account.pk).credentials["token"] == token
    assert MastodonInstance.objects.get().client_secret == "the app secret"  # the app secrets too
    assert NetworkApp.objects.get().client_secret == "the business's X secret"


def test_rotation_refuses_and_changes_nothing_when_a_value_cannot_be_decrypted(team, settings):
    account = connect_sandbox_account(team.workspace, "bakery", by=team.owner)
    before = raw_credentials(account)
    settings.FIRSTHAND_ENCRYPTION_KEYS = ["an unrelated key"]
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("rotate_encryption_key")
    assert raw_credentials(account) == before


def test_a_value_from_an_unknown_key_gives_a_clear_error_without_the_secret(team, settings):
    account = connect_sandbox_account(team.workspace, "bakery", by=team.owner)
    settings.FIRSTHAND_ENCRYPTION_KEYS = ["an unrelated key"]
    with pytest.raises(crypto.CannotDecrypt) as error:
        _ = ConnectedAccount.objects.get(pk=account.pk).credentials
    assert "sbx_" not in str(error.value)


def test_connecting_a_sandbox_account_from_the_page(team, client_for):
    client = client_for(team.manager)
    response = client.post(
        reverse("networks:connect_sandbox", kwargs={"slug": team.workspace.slug}),
        {"handle": "corner-cafe", "display_name": "Corner Café", "is_brand": "on"},
    )
    assert response.status_code == 302
    account = ConnectedAccount.objects.get(workspace=team.workspace)
    assert account.handle == "@corner-cafe" and account.is_brand and account.credentials["token"]


@pytest.mark.parametrize("handle", ["", "Has Spaces", "x", "UPPER"])
def test_a_bad_handle_is_refused_with_a_message(team, client_for, handle):
    response = client_for(team.owner).post(
        reverse("networks:connect_sandbox", kwargs={"slug": team.workspace.slug}), {"handle": handle}
    )
    assert response.status_code == 400
    assert not ConnectedAccount.objects.exists()


def test_staff_cannot_connect_accounts(team, client_for):
    response = client_for(team.staff).post(
        reverse("networks:connect_sandbox", kwargs={"slug": team.workspace.slug}), {"handle": "sneaky"}
    )
    assert response.status_code == 403
    assert not ConnectedAccount.objects.exists()


def test_disconnecting_deletes_credentials_keeps_history_and_unschedules(team, client_for):
    account = connect_sandbox_account(team.workspace, "bakery", by=team.owner)
    post = operations.save_post(team.membership("owner"), accounts=[account], text="Tomorrow's special")
    from datetime import timedelta

    from django.utils import timezone

    operations.schedule(team.membership("owner"), post, timezone.now() + timedelta(days=1))
    client_for(team.owner).post(
        reverse("networks:disconnect", kwargs={"slug": team.workspace.slug, "account_id": account.pk})
    )
    account.refresh_from_db()
    assert account.disconnected_at is not None and account.credentials_encrypted == ""
    assert post.deliveries.get().state == State.DRAFT
    assert not ConnectedAccount.objects.connected().exists()


def test_another_workspace_cannot_connect_a_sandbox_account_it_does_not_own(team, client_for):
    from firsthand.inbox import ingest
    from firsthand.inbox.models import Interaction
    from firsthand.networks.sandbox.models import SandboxAccount, SandboxEvent
    from firsthand.team.models import Workspace

    bakery = connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    remote = SandboxAccount.objects.get(pk=int(bakery.remote_id))
    SandboxEvent.objects.create(account=remote, kind="message", author_handle="ann", text="My address is 4 Elm St")
    elsewhere = Workspace.objects.get(name="Elsewhere Ltd")
    response = client_for(team.outsider).post(
        reverse("networks:connect_sandbox", kwargs={"slug": elsewhere.slug}), {"handle": "corner-cafe"}
    )
    assert response.status_code == 400
    assert "belongs to another workspace" in response.content.decode()
    assert not ConnectedAccount.objects.filter(workspace=elsewhere).exists()
    ingest.poll(bakery)
    ingest.process_pending()
    assert not Interaction.objects.filter(conversation__workspace=elsewhere).exists()
    # Its own workspace reconnects it as before, and a new handle is the outsider's own.
    assert (
        client_for(team.outsider)
        .post(reverse("networks:connect_sandbox", kwargs={"slug": elsewhere.slug}), {"handle": "elsewhere-shop"})
        .status_code
        == 302
    )
    assert SandboxAccount.objects.get(handle="elsewhere-shop").workspace == elsewhere


def test_a_sandbox_account_made_before_owners_goes_to_whoever_connected_it_first(team, client_for):
    from firsthand.networks.sandbox.models import SandboxAccount
    from firsthand.team.models import Workspace

    connect_sandbox_account(team.workspace, "old-bakery", by=team.owner)
    SandboxAccount.objects.update(workspace=None)  # as stored before accounts had an owner
    elsewhere = Workspace.objects.get(name="Elsewhere Ltd")
    response = client_for(team.outsider).post(
        reverse("networks:connect_sandbox", kwargs={"slug": elsewhere.slug}), {"handle": "old-bakery"}
    )
    assert response.status_code == 400 and not ConnectedAccount.objects.filter(workspace=elsewhere).exists()
