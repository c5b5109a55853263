"""Every connector test here also checks the logs: with logging at DEBUG through the filter settings.LOGGING
installs, no token, client secret or password the test's accounts and apps hold may appear in any line."""

import contextlib
import io
import logging
import re

import pytest

from firsthand.conftest import PASSWORD
from firsthand.networks.crypto import CannotDecrypt
from firsthand.system.logs import PARAMETER, REDACTED, RedactSecrets

SECRET_FIELD = re.compile(r"(?i)token|secret|password|session|key")


def configured_redaction() -> list[logging.Filter]:
    """The filters on the handler settings.LOGGING configured, so the check is of what production runs."""
    found = [f for h in logging.getLogger().handlers for f in h.filters if isinstance(f, RedactSecrets)]
    assert found, "settings.LOGGING's console handler has no RedactSecrets filter"
    return found[:1]


def secrets_held() -> set[str]:
    from firsthand.networks.mastodon.models import MastodonInstance
    from firsthand.networks.models import ConnectedAccount, NetworkApp

    held = {PASSWORD}
    for account in ConnectedAccount.objects.all():
        with contextlib.suppress(CannotDecrypt):  # a key-rotation test's keys are gone by now
            held |= {str(v) for k, v in account.credentials.items() if SECRET_FIELD.search(k) and v}
    for row in [*NetworkApp.objects.all(), *MastodonInstance.objects.all()]:
        with contextlib.suppress(CannotDecrypt):
            held.add(row.client_secret)
    return {s for s in held if len(s) >= 8}


def unredacted_parameters(text: str) -> list[str]:
    return [m.group(0) for m in PARAMETER.finditer(text) if not m.group(0).endswith(REDACTED)]


@pytest.fixture(autouse=True)
def no_secret_in_logs(request):
    uses = set(request.fixturenames)
    with_db = "transactional_db" if "transactional_db" in uses else "db" if "db" in uses else None
    if with_db:
        request.getfixturevalue(with_db)  # set up first, so still there when the check below runs
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    for redaction in configured_redaction():
        handler.addFilter(redaction)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield captured
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    text = captured.getvalue()
    assert not unredacted_parameters(text), unredacted_parameters(text)
    if with_db or request.node.get_closest_marker("django_db"):
        leaked = [s for s in secrets_held() if s in text]
        assert not leaked, f"{len(leaked)} secrets in the log, e.g. one starting {leaked[0][:4]}"
