"""Suite-wide rules: what a run needs, and saying loudly what it could not run.

With CI=true a missing PostgreSQL or Chromium fails the run; elsewhere the
tests that need them are skipped and the summary lists them in capitals.
"""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
NOT_RUN: list[str] = []


def need(available: bool, what: str) -> None:
    """Call at the start of a test that cannot run without `what`."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required when CI=true, and it is not available.", pytrace=False)
    NOT_RUN.append(what)
    pytest.skip(f"NOT RUN: {what} is not available here")


def pytest_terminal_summary(terminalreporter):
    if NOT_RUN:
        terminalreporter.section("PARTS OF THE SUITE THAT DID NOT RUN", sep="!", bold=True, red=True)
        for what in sorted(set(NOT_RUN)):
            terminalreporter.write_line(
                f"NOT RUN: tests needing {what} ({NOT_RUN.count(what)} tests)", red=True, bold=True
            )
