"""Schemathesis over the OpenAPI description: generated requests to every endpoint, in process (WSGI), as an
owner token with a connected account. No answer may be a server error, and every answer must match what the
description says of its status code, content type and body. Bounded examples, so it runs in about a minute."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from firsthand.api import operations
from firsthand.networks.testing import connect_sandbox_account

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def connection_kept_open():
    """The WSGI handler closes the database connection after each request, as it should in production; the
    test's transaction lives on that connection, so, as Django's test client does, keep it open here."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def secret(team):
    connect_sandbox_account(team.workspace, "corner-cafe", by=team.owner)
    return operations.create(team.membership("owner"), name="Schemathesis", role="owner")[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_matches_the_description_and_none_is_a_server_error(case, secret, settings):
    settings.API_REQUESTS_PER_MINUTE = 10**6
    case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=CHECKS)
