"""The fake Mastodon server (fake_server.py) and the business's account connected to it, for every test here."""

import pytest

from firsthand.networks.mastodon.tests.connecting import come_back, start_connecting
from firsthand.networks.mastodon.tests.fake_server import FakeMastodon
from firsthand.networks.models import ConnectedAccount


@pytest.fixture
def server():
    fake = FakeMastodon(max_characters=1000)
    yield fake
    fake.stop()


@pytest.fixture
def shop(server, team, client_for):
    brand = server.user("cornercafe", "Corner Café")
    server.approving_as = brand
    client = client_for(team.owner)
    assert come_back(client, start_connecting(client, team.workspace, server)).status_code == 302
    return brand, ConnectedAccount.objects.get(network="mastodon")
