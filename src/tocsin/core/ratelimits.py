"""Counting hits in fixed time windows: the one counter every rate limit uses (signatures,
call reports, joins, answers to events).

Each window is one short-lived counter, so no request updates a database row. With
`REDIS_URL` the counters live in Redis, shared by every process and server, and all the
windows a request checks are counted in one round trip (a redis-py pipeline of INCR and
EXPIRE): Django's cache API would need two round trips for each. Without Redis they live in
the cache of each process, so each process counts on its own (limits are then looser, never
stricter). While Redis is down every hit counts as the first: the limits are off, the site
stays up. The counted value (an address, a domain) is kept only as a keyed hash.
"""

import functools
import logging
import time

import redis
from django.conf import settings
from django.core.cache import cache

from .privacy import keyed_hash

logger = logging.getLogger(__name__)


def hit(scope: str, value: str, seconds: int) -> int:
    """Count one more hit of `value` within `scope` in the current window of `seconds`, and
    return how many there have been in it so far (1 for the first)."""
    return hit_many([(scope, value, seconds)])[0]


def hit_many(hits: list[tuple[str, str, int]]) -> list[int]:
    """`hit` for several (scope, value, seconds) at once, in one round trip to Redis."""
    now = int(time.time())
    windows = [
        (
            f"limit:{scope}:{seconds}:{now // seconds}:{keyed_hash(value, 'rate-limit')[:32]}",
            seconds,
        )
        for scope, value, seconds in hits
    ]
    if not settings.REDIS_URL:
        return [_hit_in_cache(key, seconds) for key, seconds in windows]
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    pipeline = _redis(settings.REDIS_URL).pipeline(transaction=False)
    for key, seconds in windows:
        pipeline.incr(f"{prefix}:{key}")
        pipeline.expire(f"{prefix}:{key}", seconds * 2)
    try:
        return pipeline.execute()[::2]
    except redis.RedisError as error:
        logger.warning("rate limits not counted: Redis said %s", type(error).__name__)
        return [1] * len(hits)


@functools.cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def _hit_in_cache(key: str, seconds: int) -> int:
    if cache.add(key, 1, timeout=seconds * 2):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds * 2)
        return 1
