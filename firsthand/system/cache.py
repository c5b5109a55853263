"""The cache every web process shares when a deployment runs several (FIRSTHAND_CACHE_URL, Redis).

One process keeps what it worked out in its own memory (Django's local-memory cache, the default). With
`serve --web-processes N`, or web servers on several machines, each process would work every Insights
page out again for itself (0.2–0.5 s at a million messages, and twice the cold views); through Redis the
first process to count a figure counts it for all of them.

The cache only ever spares work: when Redis cannot be reached, a read is a miss and a write is dropped,
so the page is worked out as if nothing were kept, and the reason is logged (once a minute, without the
address, which may hold a password).
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("firsthand.cache")
TOLD_EVERY_SECONDS = 60
told_at = 0.0


def unreachable(error: Exception) -> None:
    global told_at
    if time.monotonic() - told_at >= TOLD_EVERY_SECONDS:
        told_at = time.monotonic()
        logger.warning("The shared cache (FIRSTHAND_CACHE_URL) failed: %s; working figures out without it.",
                       type(error).__name__)  # fmt: skip


class SharedCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            unreachable(error)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            unreachable(error)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            unreachable(error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            unreachable(error)
            return False
