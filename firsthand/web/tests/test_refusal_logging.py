"""An ordinary refusal (a viewer's 403) is logged as one line, without a traceback."""

import io
import logging

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_viewers_403_is_logged_without_a_traceback(team, client_for):
    console = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream, console.stream = console.stream, io.StringIO()
    try:
        response = client_for(team.viewer).get(reverse("publishing:compose", kwargs={"slug": team.workspace.slug}))
        logged = console.stream.getvalue()
    finally:
        console.stream = stream
    assert response.status_code == 403
    assert "Forbidden" in logged and "Traceback" not in logged
