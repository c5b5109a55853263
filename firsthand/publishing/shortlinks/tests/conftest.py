"""Fixtures of the short-link tests: firsthand's own address set, and two sandbox accounts."""

import pytest

from firsthand.networks.testing import connect_sandbox_account

BASE = "https://social.example.com"


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.BASE_URL = BASE


@pytest.fixture
def accounts(team):
    return (
        connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner),
        connect_sandbox_account(team.workspace, "corner-bakery", by=team.owner),
    )
