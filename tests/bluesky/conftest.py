import pytest

from firsthand.conftest import client_for, team  # noqa: F401 (the in-process fixtures, used here too)

# The connector's suite against the real network checks its logs as every connector test under
# firsthand/networks does: at DEBUG, through the configured redaction, no token or password in any line.
from firsthand.networks.conftest import no_secret_in_logs  # noqa: F401


@pytest.fixture
def on_bluesky(bluesky, settings):
    """firsthand pointed at the reference network instead of bsky.social."""
    settings.BLUESKY_SERVICE_URL = bluesky.pds
    settings.BLUESKY_PLC_URL = bluesky.plc
    return bluesky
