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
from collections import Counter
from functools import cache

from django.conf import settings
from django.db import connection, models

from tocsin.core.redis import client as redis_client
from tocsin.core.tallies import add_counts

from .models import PetitionAction, SigningCount

SHARDS = 8
SUM_KEYS_AT_ONCE = 100
# A window's counter, less the shard: the rows whose counts add up to the window's total.
KEY = ("petition", "kind", "value", "window", "bucket")


def _limits() -> dict[str, list[tuple[int, int]]]:
    """{kind: [(window seconds, most signatures in it), …]}"""
    return settings.TOCSIN_SIGN_LIMITS


def holds(entries: list[tuple[int, dict[str, str], float]]) -> list[bool]:
    """For each signature, in order, as (petition id, {kind: value}, when signed in seconds
    since the epoch): whether it goes over a limit. Every one of them is counted."""
    per_entry = [
        [
            (petition_id, kind, value, window, int(at) // window, most)
            for kind, value in values.items()
            for window, most in _limits().get(kind, [])
        ]
        for petition_id, values, at in entries
    ]
    if not any(per_entry):
        return [False] * len(entries)
    if counting_in_database():
        return _holds_in_database(per_entry)
    return _holds_in_redis(per_entry)


def _holds_in_redis(per_entry) -> list[bool]:
    pipe = redis_client().pipeline(transaction=False)
    for windows in per_entry:
        for petition_id, kind, value, window, bucket, _most in windows:
            key = ":".join(
                map(str, (settings.TOCSIN_REDIS_PREFIX, "sign", petition_id, kind, value, window,
                          bucket))
            )  # fmt: skip
            pipe.incr(key)
            pipe.expire(key, window * 2)
    counts = iter(pipe.execute()[::2])
    # Every count is read (any() would stop early), so each signature gets its own.
    return [max([next(counts) - window[-1] for window in windows], default=0) > 0
            for windows in per_entry]  # fmt: skip


def _holds_in_database(per_entry) -> list[bool]:
    keys = list({window[:-1] for windows in per_entry for window in windows})
    running = {}
    with connection.cursor() as cursor:
        for start in range(0, len(keys), SUM_KEYS_AT_ONCE):
            chunk = keys[start : start + SUM_KEYS_AT_ONCE]
            # Raw SQL: this runs for every signature, and the ORM's Q-building cost more.
            cursor.execute(_sum_sql(len(chunk)), [part for key in chunk for part in key])
            running.update({tuple(row[:-1]): row[-1] for row in cursor})
    added: Counter = Counter()
    over = []
    for windows in per_entry:
        held = False
        for window in windows:
            key = window[:-1]
            running[key] = running.get(key, 0) + 1
            added[key] += 1
            held |= running[key] > window[-1]
        over.append(held)
    shard = os.getpid() % SHARDS
    add_counts(SigningCount, [*KEY, "shard"], [(*key, shard, n) for key, n in added.items()])
    return over


@cache
def _sum_sql(rows: int) -> str:
    quote = connection.ops.quote_name
    c = {name: quote(SigningCount._meta.get_field(name).column) for name in (*KEY, "count")}
    match = "(" + " AND ".join(f"{c[name]} = %s" for name in KEY) + ")"
    key = ", ".join(c[name] for name in KEY)
    return (
        f"SELECT {key}, SUM({c['count']}) "  # noqa: S608
        f"FROM {quote(SigningCount._meta.db_table)} WHERE {' OR '.join([match] * rows)} "
        f"GROUP BY {key}"
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


def limited_values(*, ip_hash: str, domain: str, country: str) -> dict[str, str]:
    return {k: v for k, v in (("ip", ip_hash), ("domain", domain), ("country", country)) if v}


def over_limit(petition: PetitionAction, *, ip_hash: str, domain: str, country: str) -> bool:
    values = limited_values(ip_hash=ip_hash, domain=domain, country=country)
    return holds([(petition.pk, values, time.time())])[0]
