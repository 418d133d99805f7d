"""Counting hits in fixed time windows, in the cache: the one counter every rate limit uses
(signatures with Redis, call reports, joins, RSVPs).

Each window is one short-lived counter (`cache.incr`), so no request updates a database row;
with Redis every web process and server counts together, without it each process counts on its
own (limits are then looser, never stricter), and while Redis is down counting starts again from
one (see caching.py). The counted value (an address, a domain) is kept in the cache only as a
keyed hash.
"""

import time

from django.core.cache import cache

from .privacy import keyed_hash


def hit(scope: str, value: str, seconds: int) -> int:
    """Count one more hit of `value` within `scope` in the current window of `seconds`, and
    return how many there have been in it so far (1 for the first)."""
    window = int(time.time()) // seconds
    key = f"limit:{scope}:{seconds}:{window}:{keyed_hash(value, 'rate-limit')[:32]}"
    # incr first: after a window's first hit the counter is there, and add would only cost
    # another round trip.
    try:
        return cache.incr(key)
    except ValueError:  # the window's first hit, or the cache is down
        pass
    if cache.add(key, 1, timeout=seconds * 2):
        return 1
    try:
        return cache.incr(key)  # another process added it in between
    except ValueError:
        return 1
