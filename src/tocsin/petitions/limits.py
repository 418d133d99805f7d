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
    # One INCRBY per counter for the whole batch, rather than one INCR per signature: the
    # counts each signature sees are the same, and a spike's batches mostly share a domain
    # and a country.
    added = Counter(window[:-1] for windows in per_entry for window in windows)
    pipe = redis_client().pipeline(transaction=False)
    for key, n in added.items():
        name = ":".join(map(str, (settings.TOCSIN_REDIS_PREFIX, "sign", *key)))
        pipe.incrby(name, n)
        pipe.expire(name, key[3] * 2)  # twice the window
    totals = pipe.execute()[::2]
    before = {key: total - added[key] for key, total in zip(added, totals, strict=True)}
    return _over_in_order(per_entry, before)


def _holds_in_database(per_entry) -> list[bool]:
    added = Counter(window[:-1] for windows in per_entry for window in windows)
    keys = list(added)
    before = dict.fromkeys(keys, 0)
    with connection.cursor() as cursor:
        for start in range(0, len(keys), SUM_KEYS_AT_ONCE):
            chunk = keys[start : start + SUM_KEYS_AT_ONCE]
            # Raw SQL: this runs for every signature, and the ORM's Q-building cost more.
            cursor.execute(_sum_sql(len(chunk)), [part for key in chunk for part in key])
            before.update({tuple(row[:-1]): row[-1] for row in cursor})
    shard = os.getpid() % SHARDS
    add_counts(SigningCount, [*KEY, "shard"], [(*key, shard, n) for key, n in added.items()])
    return _over_in_order(per_entry, before)


def _over_in_order(per_entry, before: dict) -> list[bool]:
    """Each signature, in order, against the counts before the batch plus those ahead of it
    in the batch (every window is counted: each signature gets its own count)."""
    running = dict(before)
    over = []
    for windows in per_entry:
        held = False
        for window in windows:
            key = window[:-1]
            running[key] += 1
            held |= running[key] > window[-1]
        over.append(held)
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
