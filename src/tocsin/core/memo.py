"""A few seconds of memory in each process in front of the shared cache.

The busiest paths (reporting a call, signing a petition) read the same handful of facts
thousands of times a minute; asking the database, or even the cache, for them every time
costs more than the write they serve. Saves clear the shared cache at once and this
process's memory; other processes see a change within `SECONDS`.
"""

import time

from django.core.cache import cache

SECONDS = 5


class ProcessMemo:
    def __init__(self, seconds: float, max_entries: int = 5000):
        self.seconds = seconds
        self.max_entries = max_entries
        self.entries: dict[str, tuple[float, object]] = {}

    def get(self, key: str):
        entry = self.entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def set(self, key: str, value) -> None:
        if len(self.entries) >= self.max_entries:
            self.entries.clear()
        self.entries[key] = (time.monotonic() + self.seconds, value)

    def clear(self) -> None:
        self.entries.clear()


memo = ProcessMemo(seconds=SECONDS)


def remembered(key: str, compute, seconds: int):
    """From this process's memo, else the shared cache, else `compute()` (which returns
    anything but None; use False for "there is none")."""
    value = memo.get(key)
    if value is None:
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, seconds)
        memo.set(key, value)
    return value


def forget(*keys: str) -> None:
    cache.delete_many(list(keys))
    for key in keys:
        memo.entries.pop(key, None)
