"""Fixtures shared by the end-to-end tests in more than one folder (one instance per run)."""

import shutil

import pytest

from conftest import need
from tests import postgres
from tests.bluesky.network import ROOT, ReferenceNetwork


@pytest.fixture(scope="session")
def bluesky():
    """The reference Bluesky network, once per run (it takes 15–20 s to start)."""
    need(postgres.available(), "PostgreSQL (the reference Bluesky network stores its AppView there)")
    need(shutil.which("npm") is not None, "npm (installs Node 22 and @atproto/dev-env)")
    need(
        (ROOT / "tests/bluesky/.installed").exists(), "the reference Bluesky network (scripts/bluesky-network install)"
    )
    with postgres.fresh_database() as database_url:
        network = ReferenceNetwork(database_url)
        try:
            yield network
        finally:
            network.stop()
