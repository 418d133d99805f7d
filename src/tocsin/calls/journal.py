"""A write-behind journal of call reports in local files, for a viral campaign on one server.

With `TOCSIN_CALL_REPORT_BUFFER=journal` a report costs one `write()` to a file of the web
worker's own: no round trip to Redis or the database while the supporter waits. The line is in
the operating system's hands when the answer goes out, so killing the worker loses nothing;
the file is flushed to disk at most a second after a write (like Redis's `appendfsync
everysec`), so only a crash of the whole machine can lose the last second.

Folding drains the files into the database: in one transaction it inserts the reports after
the position it last reached in each file and moves that position on, so a drain that dies is
simply repeated, and the reports' unique idempotency key absorbs repeated reports. Each writer
holds an exclusive `flock` on its file while it lives (the kernel drops it when the process
dies, even on SIGKILL), so a file whose lock can be taken has no writer any more and is
deleted once drained. Writers start a new file past ROTATE_BYTES, letting the old one go.

The web workers and the task worker that folds must share the directory: one machine.
"""

import datetime
import fcntl
import json
import logging
import os
import secrets
import threading
import time
from pathlib import Path

from django.conf import settings

ROTATE_BYTES = 8 * 1024 * 1024
SYNC_EVERY_SECONDS = 1.0
READ_BYTES = 1024 * 1024
SUFFIX = ".jsonl"
FIELDS = frozenset(
    ["key", "action_id", "target_id", "office_id", "outcome", "demands_raised", "place",
     "answer", "created_at"]
)  # fmt: skip

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return settings.TOCSIN_CALL_REPORT_BUFFER == "journal"


def directory() -> Path:
    return Path(settings.TOCSIN_CALL_JOURNAL_DIR)


class _Writer:
    """This process's open journal file. Threads share it: appends of one line each are
    atomic with O_APPEND, and the lock only guards opening, rotating and syncing."""

    def __init__(self):
        self.lock = threading.Lock()
        self.pid = None
        self.fd = None
        self.size = 0
        self.synced_at = 0.0

    def append(self, line: bytes) -> None:
        if self.pid != os.getpid() or self.size >= ROTATE_BYTES:
            with self.lock:
                if self.pid != os.getpid() or self.size >= ROTATE_BYTES:
                    self._open_new_file()
        os.write(self.fd, line)
        self.size += len(line)
        now = time.monotonic()
        if now - self.synced_at >= SYNC_EVERY_SECONDS and self.lock.acquire(blocking=False):
            try:
                self.synced_at = now
                os.fdatasync(self.fd)
            finally:
                self.lock.release()

    def _open_new_file(self) -> None:
        if self.fd is not None:
            if self.pid == os.getpid():
                os.fdatasync(self.fd)
            # Closing drops the lock (a forked child closes its copy of its parent's, which
            # would otherwise keep the parent's file locked after the parent is gone).
            os.close(self.fd)
        folder = directory()
        folder.mkdir(parents=True, exist_ok=True)
        # Sortable by time, unique per process and file. Locked under a name the drain does
        # not read, then renamed: the drain never sees the file unlocked while it is in use.
        name = f"{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(4)}"
        opening = folder / f"{name}.opening"
        fd = os.open(opening, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(opening, folder / f"{name}{SUFFIX}")
        self.fd, self.pid, self.size, self.synced_at = fd, os.getpid(), 0, time.monotonic()

    def close(self) -> None:
        with self.lock:
            if self.fd is not None and self.pid == os.getpid():
                os.close(self.fd)
            self.fd = self.pid = None


_writer = _Writer()


def record(values: dict) -> bool:
    """Journal one report (values as JSON-able strings and numbers). Always True: whether its
    key is new is settled when it is drained into the database."""
    _writer.append((json.dumps(values, separators=(",", ":")) + "\n").encode())
    return True


def close_for_tests() -> None:
    _writer.close()


def files() -> list[Path]:
    folder = directory()
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if path.name.endswith(SUFFIX))


def read_from(path: Path, offset: int, limit: int = READ_BYTES) -> tuple[list[dict], int]:
    """Whole lines from `offset`: the reports in them and the offset after the last one. A line
    cut off by a crash is not read until it ends (it never will: it is left behind)."""
    try:
        with open(path, "rb") as journal:
            journal.seek(offset)
            chunk = journal.read(limit)
    except FileNotFoundError:  # another drain finished it and deleted it
        return [], offset
    end = chunk.rfind(b"\n") + 1
    reports = []
    for line in chunk[:end].splitlines():
        report = parse_line(line)
        if report is None:
            logger.warning("skipped an unreadable line in the call journal %s", path.name)
        else:
            reports.append(report)
    return reports, offset + end


def parse_line(line: bytes) -> dict | None:
    try:
        report = json.loads(line)
        if not isinstance(report, dict) or set(report) != FIELDS:
            return None
        report["created_at"] = datetime.datetime.fromisoformat(report["created_at"])
    except (ValueError, TypeError):
        return None
    return report


def is_abandoned(path: Path) -> bool:
    """No process writes to it any more: its writer's lock is gone."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # also drops the lock if it was taken
    return True
