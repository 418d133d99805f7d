"""One write transaction at a time on SQLite, queued by the kernel instead of SQLite's sleeps.

SQLite lets one writer in at a time; the others wait in its busy handler, which sleeps 1, 2,
5, 10… ms between tries. Under a burst of short writes from several worker processes most of
the time goes to those sleeps. An exclusive `flock` on a file beside the database queues the
writers instead and wakes the next one the moment the lock is free. PostgreSQL needs none of
this: `serialised_write` is then just `transaction.atomic`.
"""

import fcntl
import os
import threading
from contextlib import contextmanager
from typing import BinaryIO

from django.db import connection, transaction

_in_process = threading.Lock()
_lock_files: dict[tuple[int, str], BinaryIO] = {}


def _lock_file() -> int | None:
    name = str(connection.settings_dict["NAME"] or "")
    if connection.vendor != "sqlite" or not name or name.startswith((":memory:", "file:")):
        return None
    # Kept open for the life of the process: the lock belongs to this open file, which a
    # forked child must not share with its parent, hence one per process.
    key = (os.getpid(), name)
    if key not in _lock_files:
        _lock_files[key] = open(f"{name}.write-lock", "ab")  # noqa: SIM115
    return _lock_files[key].fileno()


@contextmanager
def serialised_write():
    """`transaction.atomic()`, entered after taking the write queue's turn on SQLite."""
    descriptor = None if connection.in_atomic_block else _lock_file()
    if descriptor is None:
        with transaction.atomic():
            yield
        return
    with _in_process:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            with transaction.atomic():
                yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
