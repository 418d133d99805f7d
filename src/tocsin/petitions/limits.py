"""Rate limits on signing, per IP address, email domain and country, burst and sustained.

Both ways count signatures in fixed windows (seconds since the epoch // window), so the cost
of a check does not grow with the number of recent signatures. With Redis (`REDIS_URL`) each
signature increments short-lived keys, one round trip for all of them. Without it (the SQLite
install) the counters are `SigningCount` rows, sharded per worker process so that no shared
row is updated by every request; `forget_old_counts` drops the expired ones. A signature
over a limit is not refused: it is held for review, quietly.
"""

import os
import time
from functools import cache

from django.conf import settings
from django.db import connection, models

from tocsin.core.redis import client as redis_client
from tocsin.core.tallies import add_counts

from .models import PetitionAction, SigningCount

SHARDS = 8
# A window's counter, less the shard: the rows whose counts add up to the window's total.
KEY = ("petition", "kind", "value", "window", "bucket")


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
    now = int(time.time())
    windows = [
        (kind, value, window, now // window, most)
        for kind, value in values.items()
        for window, most in _limits().get(kind, [])
    ]
    if not windows:
        return False
    shard = os.getpid() % SHARDS
    keys = [(petition.pk, *window[:4]) for window in windows]
    add_counts(SigningCount, [*KEY, "shard"], [(*key, shard, 1) for key in keys])
    with connection.cursor() as cursor:
        # Raw SQL: this runs for every signature, and the ORM's Q-building cost more than it.
        cursor.execute(_sum_sql(len(keys)), [part for key in keys for part in key])
        totals = {(kind, value, window): total for kind, value, window, total in cursor}
    return any(totals[kind, value, window] > most for kind, value, window, _, most in windows)


@cache
def _sum_sql(rows: int) -> str:
    quote = connection.ops.quote_name
    c = {name: quote(SigningCount._meta.get_field(name).column) for name in (*KEY, "count")}
    match = "(" + " AND ".join(f"{c[name]} = %s" for name in KEY) + ")"
    return (
        f"SELECT {c['kind']}, {c['value']}, {c['window']}, SUM({c['count']}) "  # noqa: S608
        f"FROM {quote(SigningCount._meta.db_table)} WHERE {' OR '.join([match] * rows)} "
        f"GROUP BY {c['kind']}, {c['value']}, {c['window']}"
    )


def counting_in_database() -> bool:
    return not settings.REDIS_URL


def forget_old_counts() -> int:
    """Counters of windows that have ended can go: nothing reads them again."""
    now = int(time.time())
    ended = models.Q()
    for window in SigningCount.objects.values_list("window", flat=True).distinct():
        ended |= models.Q(window=window, bucket__lt=now // window)
    return SigningCount.objects.filter(ended).delete()[0] if ended else 0


def over_limit(petition: PetitionAction, *, ip_hash: str, domain: str, country: str) -> bool:
    values = {k: v for k, v in (("ip", ip_hash), ("domain", domain), ("country", country)) if v}
    if counting_in_database():
        return _over_in_database(petition, values)
    return _over_in_redis(petition.pk, values)
