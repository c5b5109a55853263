"""How firsthand's database connections are set up, on whichever database the suite runs."""

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db


def test_postgresql_pages_are_planned_without_parallel_workers():
    if connection.vendor == "postgresql":
        # Starting parallel workers cost the inbox search 20-30 ms a page (settings.py).
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone()[0] == "0"
    else:
        assert "options" not in settings.DATABASES["default"].get("OPTIONS", {})
