"""FIRSTHAND_CACHE_URL: the Redis cache several web processes share, and what happens when Redis is down.
Uses the Redis this machine runs (127.0.0.1:6379, its database 15), as CI's machine does."""

import logging
import socket

import pytest
from django.core.cache.backends.locmem import LocMemCache

from firsthand.system import cache as shared
from firsthand.system.cache import SharedCache

OPTIONS = {"KEY_PREFIX": "firsthand-test", "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}


def a_closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens on it once the probe closes


@pytest.fixture
def redis_cache():
    one = SharedCache("redis://127.0.0.1:6379/15", OPTIONS)
    one.clear()
    yield one
    one.clear()


def test_what_one_process_keeps_another_reads(redis_cache):
    other = SharedCache("redis://127.0.0.1:6379/15", OPTIONS)  # another web process: its own connections
    redis_cache.set("insights:figure", {"complaints": 7, "made_at": 1.5}, 60)
    assert other.get("insights:figure") == {"complaints": 7, "made_at": 1.5}
    assert other.add("insights:figure", "else") is False and other.delete("insights:figure") is True
    assert redis_cache.get("insights:figure", "gone") == "gone"


def test_an_unreachable_redis_is_a_miss_never_an_error_and_is_told_without_the_address(caplog, monkeypatch):
    monkeypatch.setattr(shared, "told_at", -1e9)
    down = SharedCache(f"redis://:hunter2-secret@127.0.0.1:{a_closed_port()}/0", OPTIONS)
    with caplog.at_level(logging.WARNING, logger="firsthand.cache"):
        down.set("insights:figure", 1, 60)
        assert down.get("insights:figure", "worked out") == "worked out"
        assert down.add("insights:figure", 1) is False and down.delete("insights:figure") is False
    told = [record.getMessage() for record in caplog.records if record.name == "firsthand.cache"]
    assert len(told) == 1 and "ConnectionError" in told[0]  # once a minute, not once a call
    assert "hunter2" not in caplog.text and "127.0.0.1" not in caplog.text


def test_without_the_setting_each_process_keeps_its_own(settings):
    from django.core.cache import caches

    assert not settings.CACHE_URL and isinstance(caches["default"], LocMemCache)
