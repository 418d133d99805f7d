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

from .models import PetitionAction, SigningCount

SHARDS = 8


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
    with connection.cursor() as cursor:
        # Raw SQL: this runs for every signature, and the ORM's Q-building cost more than it.
        cursor.execute(_add_sql(len(keys)), [part for key in keys for part in (*key, shard)])
        cursor.execute(_sum_sql(len(keys)), [part for key in keys for part in key])
        totals = {(kind, value, window): total for kind, value, window, total in cursor}
    return any(totals[kind, value, window] > most for kind, value, window, _, most in windows)


def _names() -> tuple[str, dict[str, str]]:
    quote = connection.ops.quote_name
    meta = SigningCount._meta
    columns = ("petition", "kind", "value", "window", "bucket", "shard", "count")
    return quote(meta.db_table), {name: quote(meta.get_field(name).column) for name in columns}


@cache
def _add_sql(rows: int) -> str:
    table, c = _names()
    key = ", ".join(c[n] for n in ("petition", "kind", "value", "window", "bucket", "shard"))
    row = "(" + ", ".join(["%s"] * 6) + ", 1)"
    return (
        f"INSERT INTO {table} ({key}, {c['count']}) VALUES "  # noqa: S608 (names from the model)
        + ", ".join([row] * rows)
        + f" ON CONFLICT ({key}) DO UPDATE SET {c['count']} = {table}.{c['count']} + 1"
    )


@cache
def _sum_sql(rows: int) -> str:
    table, c = _names()
    match = (
        "("
        + " AND ".join(f"{c[n]} = %s" for n in ("petition", "kind", "value", "window", "bucket"))
        + ")"
    )
    return (
        f"SELECT {c['kind']}, {c['value']}, {c['window']}, SUM({c['count']}) FROM {table} "  # noqa: S608
        f"WHERE {' OR '.join([match] * rows)} GROUP BY {c['kind']}, {c['value']}, {c['window']}"
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
