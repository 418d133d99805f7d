"""An optional write-behind buffer for call reports, in Redis.

With `TOCSIN_CALL_REPORT_BUFFER=redis` (and `REDIS_URL`), a report costs one Redis round trip:
a Lua script records its idempotency key (SET NX, kept a day) and appends the report to a list
only if the key is new. Folding drains the list into the database in the same locked
transaction that builds the tallies, and trims the list only after that commit; a drain that
is interrupted is simply repeated, and the unique key in the database absorbs the repeat.
Redis must then persist its data (appendonly yes), or a Redis restart loses what it held.
"""

import hashlib
import json

import redis
from django.conf import settings

from tocsin.core.redis import client

SEEN_SECONDS = 24 * 3600
_RECORD = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then
  redis.call('RPUSH', KEYS[2], ARGV[1])
  return 1
end
return 0
"""

_RECORD_SHA = hashlib.sha1(_RECORD.encode()).hexdigest()  # noqa: S324 (Redis names scripts so)


def enabled() -> bool:
    return settings.TOCSIN_CALL_REPORT_BUFFER == "redis" and bool(settings.REDIS_URL)


def _list_key() -> str:
    return f"{settings.TOCSIN_REDIS_PREFIX}:calls:buffer"


def _seen_key(key: str) -> str:
    return f"{settings.TOCSIN_REDIS_PREFIX}:calls:seen:{key}"


def record(values: dict) -> bool:
    """Buffer one report (values as JSON-able strings); False when its key was seen before."""
    payload = json.dumps(values, separators=(",", ":"))
    arguments = (2, _seen_key(values["key"]), _list_key(), payload, SEEN_SECONDS)
    # EVALSHA through execute_command: redis-py's Script wrapper inspects signatures on every
    # call, which costs more than the round trip itself.
    try:
        return bool(client().execute_command("EVALSHA", _RECORD_SHA, *arguments))
    except redis.exceptions.NoScriptError:
        return bool(client().execute_command("EVAL", _RECORD, *arguments))


def peek(limit: int) -> list[dict]:
    return [json.loads(item) for item in client().lrange(_list_key(), 0, limit - 1)]


def trim(count: int) -> None:
    client().ltrim(_list_key(), count, -1)


def pending() -> int:
    return client().llen(_list_key()) if enabled() else 0


def reset_for_tests() -> None:
    conn = client()
    keys = list(conn.scan_iter(f"{settings.TOCSIN_REDIS_PREFIX}:calls:*"))
    if keys:
        conn.delete(*keys)
