"""Django's Redis cache, with Redis being down treated as a cache miss.

Everything Tocsin caches can be computed again from the database, so losing Redis should slow
the site down, not take it down. Django's RedisCache raises on a refused or timed-out
connection; this subclass (of its public cache API) catches those errors, logs them, and
answers as an empty cache would: reads miss, writes and deletes do nothing, `add` adds nothing
and `incr` finds no key. After a failure the process leaves Redis alone for RETRY_SECONDS, so
an unanswering Redis does not cost every cache call its timeout.

What is lost while Redis is away: deletes (a cached page or count may stay stale until its
own timeout once Redis is back) and the shared rate-limit counters (limits count from one
again). /readyz reports the outage (core/views.py).
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
_MISSING = object()


class ForgivingRedisCache(RedisCache):
    RETRY_SECONDS = 5

    # When Redis may be tried again, per server list, shared by every thread of the process
    # (Django makes one cache object per thread).
    _down_until: dict[tuple, float] = {}
    _lock = threading.Lock()

    @classmethod
    def forget_outages(cls) -> None:
        with cls._lock:
            cls._down_until.clear()

    @property
    def _outage_key(self) -> tuple:
        return tuple(self._servers)

    def is_down(self) -> bool:
        return self._down_until.get(self._outage_key, 0.0) > time.monotonic()

    def _failed(self, error: Exception) -> None:
        with self._lock:
            already_known = self.is_down()
            self._down_until[self._outage_key] = time.monotonic() + self.RETRY_SECONDS
        if not already_known:
            logger.warning(
                "The cache (Redis) is unreachable, serving from the database for now: %s",
                error,
            )

    def _attempt(self, fallback, method, *args, **kwargs):
        if self.is_down():
            return fallback
        try:
            return method(*args, **kwargs)
        except UNREACHABLE as error:
            self._failed(error)
            return fallback

    def get(self, key, default=None, version=None):
        return self._attempt(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._attempt({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._attempt(False, super().has_key, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(False, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that could not be set.
        return self._attempt(list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._attempt(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._attempt(None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        value = self._attempt(_MISSING, super().incr, key, delta, version)
        if value is _MISSING:
            # What any cache answers for a key it does not hold.
            raise ValueError(f"Key '{key}' not found.")
        return value

    def clear(self):
        return self._attempt(False, super().clear)
