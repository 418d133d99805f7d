"""Rate limits on signing, per IP address, email domain and country, burst and sustained.

With Redis (`REDIS_URL`) each signature increments short-lived counters, one round trip for
all of them. Without it (the SQLite install) the limits count the petition's recent rows by
indexed columns; neither way updates a shared counter row in the database. A signature over
a limit is not refused: it is held for review, quietly.
"""

import time

from django.conf import settings
from django.utils import timezone

from tocsin.core.redis import client as redis_client

from .models import PetitionAction, Signature

KINDS = {"ip": "ip_hash", "domain": "email_domain", "country": "country"}


def _limits() -> dict[str, list[tuple[int, int]]]:
    """{kind: [(window seconds, most signatures in it), …]}"""
    return settings.TOCSIN_SIGN_LIMITS


def _over_in_redis(petition_id: int, values: dict[str, str]) -> bool:
    now = int(time.time())
    pipe = redis_client().pipeline(transaction=False)
    checks = []
    for kind, value in values.items():
        for window, most in _limits().get(kind, []):
            key = (
                f"{settings.TOCSIN_REDIS_PREFIX}:sign:{petition_id}:{kind}:{value}:"
                f"{window}:{now // window}"
            )
            pipe.incr(key)
            pipe.expire(key, window * 2)
            checks.append(most)
    counts = pipe.execute()[::2]
    return any(count > most for count, most in zip(counts, checks, strict=True))


def _over_in_database(petition: PetitionAction, values: dict[str, str]) -> bool:
    now = timezone.now()
    for kind, value in values.items():
        for window, most in _limits().get(kind, []):
            recent = Signature.objects.filter(
                petition=petition,
                created_at__gte=now - timezone.timedelta(seconds=window),
                **{KINDS[kind]: value},
            )
            if recent.count() >= most:
                return True
    return False


def over_limit(petition: PetitionAction, *, ip_hash: str, domain: str, country: str) -> bool:
    values = {k: v for k, v in (("ip", ip_hash), ("domain", domain), ("country", country)) if v}
    if settings.REDIS_URL:
        return _over_in_redis(petition.pk, values)
    return _over_in_database(petition, values)
