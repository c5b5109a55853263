"""What every network connected through OAuth shares (networks/oauth_views.py), tried on each of them."""

import pytest
from django.urls import reverse

from firsthand.networks.models import ConnectedAccount, NetworkApp
from firsthand.networks.oauth_views import FLOWS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("network", sorted(FLOWS))
def test_a_callback_with_a_state_this_session_did_not_start_connects_nothing(network, team, client_for):
    client = client_for(team.owner)
    client.post(
        reverse("networks:app_setup", kwargs={"slug": team.workspace.slug, "network": network}),
        {"client_id": "id", "client_secret": "secret"},
    )
    started = client.post(reverse("networks:oauth_connect", kwargs={"slug": team.workspace.slug, "network": network}))
    assert started.status_code == 200  # the hand-off page, with the network's sign-in address
    page = client.get(
        reverse("networks:oauth_callback", kwargs={"network": network}), {"state": "forged", "code": "x"}, follow=True
    )
    assert "not started here" in page.content.decode()
    assert not ConnectedAccount.objects.filter(network=network).exists()


@pytest.mark.parametrize("network", sorted(FLOWS))
def test_each_network_has_a_set_up_page_saying_what_it_requires_and_allows(network, team, client_for):
    page = (
        client_for(team.manager)
        .get(reverse("networks:app_setup", kwargs={"slug": team.workspace.slug, "network": network}))
        .content.decode()
    )
    assert f"/networks/{network}/callback/" in page and "What firsthand can do" in page
    assert "An owner of this workspace enters the app keys" in page  # managers connect, owners enter keys
    assert not NetworkApp.objects.exists()


def test_an_unknown_network_is_a_404(team, client_for):
    url = reverse("networks:app_setup", kwargs={"slug": team.workspace.slug, "network": "myspace"})
    assert client_for(team.owner).get(url).status_code == 404
