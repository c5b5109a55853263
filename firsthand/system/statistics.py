"""Keeping SQLite's query planner informed as the tables grow.

SQLite chooses indexes from statistics that only ANALYZE gathers; without them, a join such as "the
tags used in this workspace" walks every conversation instead of the few tags (25 ms instead of 0.1 ms
with a million messages). PostgreSQL's autovacuum analyzes by itself, so this is SQLite only.
analysis_limit makes ANALYZE sample about a thousand rows per index: milliseconds, whatever the size.
"""

import time

from django.db import connection

EVERY_SECONDS = 6 * 60 * 60
_next_run = 0.0


def refresh() -> bool:
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("ANALYZE")
    return True


def refresh_now_and_then() -> None:
    """From the worker's loop: at start, then every six hours."""
    global _next_run
    if time.monotonic() >= _next_run:
        _next_run = time.monotonic() + EVERY_SECONDS
        refresh()
