"""How many forms one client address may send in an hour: joins per campaign, answers per
event session. Counted in the cache (shared by every process when REDIS_URL is set), one
counter per address, scope and hour; the address is kept there only as a keyed hash.

TOCSIN_JOINS_PER_IP_PER_HOUR (20) and TOCSIN_RSVPS_PER_IP_PER_HOUR (10) set the numbers:
generous, as people at one meeting may share one connection."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from tocsin.core.http import client_ip

HOUR = 3600


@dataclass(frozen=True)
class HourlyLimit:
    key: str
    most: int

    def allows_one_more(self) -> bool:
        """Counts this submission and says whether it is within the limit."""
        window = int(time.time()) // HOUR
        key = f"{self.key}:{window}"
        cache.add(key, 0, timeout=HOUR * 2)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=HOUR * 2)
            count = 1
        return count <= self.most


def per_client(request: HttpRequest, scope: str, most: int) -> HourlyLimit:
    digest = salted_hmac("tocsin.supporters.limits", client_ip(request)).hexdigest()[:32]
    return HourlyLimit(key=f"limit:{scope}:{digest}", most=most)


def join_limit(request: HttpRequest, campaign) -> HourlyLimit:
    most = getattr(settings, "TOCSIN_JOINS_PER_IP_PER_HOUR", 20)
    return per_client(request, f"join:{campaign.pk}", most)
