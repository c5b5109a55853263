"""What a web process made while starting is set aside from Python's garbage collector.

A web process at a million messages holds some 270,000 objects the collector tracks: Django, its URL
patterns and views, the judgements, the connectors. A full collection walks every one of them, 100–190 ms
on this project's 2-core test machine, and no request of that process moves meanwhile: it came every few
hundred views after pages that work many figures out, and those pauses were the slowest requests of the
Insights load benchmark. None of those objects ever becomes garbage, so `settle` moves them into the
collector's permanent generation (`gc.freeze`), which no collection walks again; new objects are collected
as always. Called once before serving, and before the other web processes are forked, so they share those
pages of memory with the first instead of each copying them when its collector would have touched them.
"""

import gc


def settle() -> int:
    """Import every view now rather than during the first requests, then freeze what exists; returns how
    many objects were set aside."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (reading it imports every app's views)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
