"""Rate limits on call reports: per client address on each campaign, and per campaign from
everyone, each over a minute and an hour. They are counted in the cache on fixed windows (one
short-lived counter per window), so every web process counts together when the cache is Redis.
The client address is core.http.client_ip's, so behind a proxy each supporter has their own.

A report over a limit is not counted, and the supporter is told so: a call report has nobody to
review it, so holding it would only hide from the supporter that it was left out, and the call
itself, which is what matters, has already been made. Without Redis each process counts on its
own, and while Redis is down the counters start again from one (core/caching.py): the limits are
then looser, never stricter.

The defaults leave room for a phone bank, where a room of volunteers shares one address.
"""

import time

from django.conf import settings
from django.core.cache import cache

from tocsin.core.privacy import keyed_hash

DEFAULTS = {
    "TOCSIN_CALL_REPORTS_PER_IP_PER_MINUTE": 20,
    "TOCSIN_CALL_REPORTS_PER_IP_PER_HOUR": 400,
    "TOCSIN_CALL_REPORTS_PER_CAMPAIGN_PER_MINUTE": 300,
    "TOCSIN_CALL_REPORTS_PER_CAMPAIGN_PER_HOUR": 6000,
}


def _limit(name: str) -> int:
    return getattr(settings, name, DEFAULTS[name])


def windows() -> dict[str, list[tuple[int, int]]]:
    """{kind: [(window seconds, most reports in it), …]}."""
    return {
        "ip": [
            (60, _limit("TOCSIN_CALL_REPORTS_PER_IP_PER_MINUTE")),
            (3600, _limit("TOCSIN_CALL_REPORTS_PER_IP_PER_HOUR")),
        ],
        "campaign": [
            (60, _limit("TOCSIN_CALL_REPORTS_PER_CAMPAIGN_PER_MINUTE")),
            (3600, _limit("TOCSIN_CALL_REPORTS_PER_CAMPAIGN_PER_HOUR")),
        ],
    }


def over_limit(action_id: int, ip_address: str) -> bool:
    """Whether one more report for this action from this address goes over a limit. Every
    window is counted, so each counter stays right."""
    # Keyed: the cache never holds a supporter's address.
    values = {"ip": keyed_hash(ip_address or "unknown", "ip"), "campaign": ""}
    over = False
    for kind, limits in windows().items():
        for seconds, most in limits:
            over |= _counted(action_id, kind, values[kind], seconds) > most
    return over


def _counted(action_id: int, kind: str, value: str, seconds: int) -> int:
    """This report's place in the current fixed window (1 for the first)."""
    window = int(time.time()) // seconds
    key = f"calls:limit:{action_id}:{kind}:{seconds}:{window}:{value}"
    # incr first: after a window's first report the counter is there, and add would only
    # cost another round trip to Redis.
    try:
        return cache.incr(key)
    except ValueError:  # the window's first report, or the cache is down
        pass
    if cache.add(key, 1, timeout=seconds * 2):
        return 1
    try:
        return cache.incr(key)  # another process added it in between
    except ValueError:
        return 1
