import pytest

from firsthand.conftest import client_for, team  # noqa: F401 (the in-process fixtures, used here too)


@pytest.fixture
def on_bluesky(bluesky, settings):
    """firsthand pointed at the reference network instead of bsky.social."""
    settings.BLUESKY_SERVICE_URL = bluesky.pds
    settings.BLUESKY_PLC_URL = bluesky.plc
    return bluesky
