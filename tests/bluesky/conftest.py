import shutil

import pytest

from conftest import need
from firsthand.conftest import client_for, team  # noqa: F401 (the in-process fixtures, used here too)
from tests import postgres
from tests.bluesky.network import ROOT, ReferenceNetwork
from tests.browser.conftest import browser, new_page  # noqa: F401 (and the browser ones)


@pytest.fixture(scope="session")
def bluesky():
    """The reference network, once per run (it takes 15–20 s to start)."""
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


@pytest.fixture
def on_bluesky(bluesky, settings):
    """firsthand pointed at the reference network instead of bsky.social."""
    settings.BLUESKY_SERVICE_URL = bluesky.pds
    settings.BLUESKY_PLC_URL = bluesky.plc
    return bluesky
