import pytest

from firsthand.networks.sandbox import connector as sandbox_connector
from firsthand.networks.testing import connect_sandbox_account


@pytest.fixture(autouse=True)
def repeatable_faults():
    sandbox_connector.chance.seed(1234)


@pytest.fixture
def account(team):
    return connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
