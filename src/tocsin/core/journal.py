"""Write-behind journals in local files: the busiest writes of a viral campaign on one server.

A request that journals a record makes one `write()` to a file of its worker process's own:
no round trip to the database while the supporter waits. The line is in the operating
system's hands when the answer goes out, so killing the worker loses nothing; the file is
flushed to disk at most a second after a write (like Redis's `appendfsync everysec`), so only a
crash of the whole machine can lose the last second.

Draining moves the lines into the database: in one transaction it stores the lines after the
position it last reached in a file and moves that position on (`JournalPosition`), so a drain
that dies is simply repeated. Each writer holds an exclusive `flock` on its file while it
writes to it; the kernel drops the lock when the process dies, even on SIGKILL, so a file whose
lock can be taken gets no more lines and is deleted once drained. Writers move on to a new
file after ROTATE_SECONDS or ROTATE_BYTES, so drained lines do not linger on disk.

Draining happens in one of two ways. A `tocsin drain-journals --every 0.2` service does it
several times a second, apart from the web workers, which then only append. Without that
service, each web worker stores its own new lines right after answering a request (see
`after_request`), in batches. Either way `tocsin recover-tasks` (every minute) drains whatever
is left, the files of workers that died included. All of them must share TOCSIN_JOURNAL_DIR:
one machine.
"""

import fcntl
import json
import logging
import os
import secrets
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

from .writes import serialised_write

ROTATE_BYTES = 8 * 1024 * 1024
ROTATE_SECONDS = 60.0
SYNC_EVERY_SECONDS = 1.0
READ_BYTES = 256 * 1024
SUFFIX = ".jsonl"
# After answering, a worker stores its own new lines at most this often (in batches, which is
# the point), and every FULL_DRAIN_SECONDS also the files of workers that died.
DRAIN_OWN_EVERY_SECONDS = 0.2
FULL_DRAIN_SECONDS = 5.0
# A drain-journals service that beat this recently does the draining instead of the workers.
DRAINER_FRESH_SECONDS = 3.0

logger = logging.getLogger(__name__)
_journals: dict[str, "Journal"] = {}


class Journal:
    """One kind of record (call reports, signatures), in files under its own directory.
    `store(lines)` writes a batch of lines (bytes, one JSON record each) to the database; it
    runs inside the drain's transaction."""

    def __init__(
        self, name: str, store: Callable[[list[bytes]], None], *, drains_after_requests: bool
    ):
        self.name = name
        self.store = store
        self.drains_after_requests = drains_after_requests
        self.lock_id = zlib.crc32(f"tocsin.journal.{name}".encode())
        self._lock = threading.Lock()
        self._pid = None
        self._fd = None
        self._file: Path | None = None
        self._size = 0
        self._opened_at = 0.0
        self._synced_at = 0.0
        self._drained_at = 0.0
        self._fully_drained_at = 0.0
        self._undrained = False
        _journals[name] = self

    def directory(self) -> Path:
        return Path(settings.TOCSIN_JOURNAL_DIR) / self.name

    # ------------------------------------------------------------------ writing

    def append(self, line: bytes) -> None:
        """Journal one line (no newline in it). Threads may share the file: with O_APPEND
        each write of a whole line is atomic; the lock guards opening, rotating and syncing."""
        if self._pid != os.getpid() or self._size >= ROTATE_BYTES or self._is_old():
            with self._lock:
                if self._pid != os.getpid() or self._size >= ROTATE_BYTES or self._is_old():
                    self._open_new_file()
        os.write(self._fd, line + b"\n")
        self._size += len(line) + 1
        self._undrained = True
        now = time.monotonic()
        if now - self._synced_at >= SYNC_EVERY_SECONDS and self._lock.acquire(blocking=False):
            try:
                self._synced_at = now
                os.fdatasync(self._fd)
            finally:
                self._lock.release()

    def _is_old(self) -> bool:
        return time.monotonic() - self._opened_at >= ROTATE_SECONDS

    def _open_new_file(self) -> None:
        self._close_file()
        folder = self.directory()
        folder.mkdir(parents=True, exist_ok=True)
        # Sortable by time, unique per process and file. Locked under a name the drain does
        # not read, then renamed: a drain never sees the file unlocked while it is in use.
        name = f"{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(4)}"
        opening = folder / f"{name}.opening"
        fd = os.open(opening, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(opening, folder / f"{name}{SUFFIX}")
        self._fd, self._pid, self._file = fd, os.getpid(), folder / f"{name}{SUFFIX}"
        self._size, self._opened_at = 0, time.monotonic()
        self._synced_at = self._opened_at

    def _close_file(self) -> None:
        if self._fd is None:
            return
        if self._pid == os.getpid():
            os.fdatasync(self._fd)
        # Closing drops the lock. A forked child closes its copy of its parent's descriptor,
        # which would otherwise keep the parent's file locked after the parent is gone.
        os.close(self._fd)
        self._fd = self._pid = self._file = None

    def close(self) -> None:
        """Let this process's file go (tests; a drained file older than ROTATE_SECONDS)."""
        with self._lock:
            self._close_file()

    # ------------------------------------------------------------------ reading

    def files(self) -> list[Path]:
        folder = self.directory()
        if not folder.is_dir():
            return []
        return sorted(path for path in folder.iterdir() if path.name.endswith(SUFFIX))

    @staticmethod
    def read_from(path: Path, offset: int, limit: int = 0) -> tuple[list[bytes], int]:
        """Whole lines from `offset`, and the offset after the last of them. A line cut off by
        a crash is not read until it ends (it never will: it is left behind)."""
        limit = limit or READ_BYTES
        try:
            with open(path, "rb") as journal:
                journal.seek(offset)
                chunk = journal.read(limit)
        except FileNotFoundError:  # another drain finished it and deleted it
            return [], offset
        end = chunk.rfind(b"\n") + 1
        if end == 0 and len(chunk) == limit:
            # No line is this long: it is damage, passed on to be refused, not a wall.
            return [chunk], offset + len(chunk)
        return chunk[:end].splitlines(), offset + end

    @staticmethod
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

    # ------------------------------------------------------------------ draining

    def drain(self) -> int:
        """Store the new lines of every file; delete the files whose writer is gone once they
        are read to the end. Returns how many lines were read."""
        from .models import JournalPosition

        moved = 0
        for path in self.files():
            # Asked before reading: a file abandoned now gets no more lines, so reading it to
            # the end below reads everything it will ever hold.
            abandoned = self.is_abandoned(path)
            moved += self._drain_file(path)
            if abandoned:
                path.unlink(missing_ok=True)
        # Positions of deleted files (a concurrent drain may recreate one as it finishes).
        folder = self.directory()
        gone = [
            name
            for name in JournalPosition.objects.filter(journal=self.name).values_list(
                "file", flat=True
            )
            if not (folder / name).exists()
        ]
        if gone:
            JournalPosition.objects.filter(journal=self.name, file__in=gone).delete()
        self._fully_drained_at = self._drained_at = time.monotonic()
        self._undrained = False
        return moved

    def drain_own(self) -> int:
        """Store the new lines of this process's current file only."""
        self._undrained = False
        self._drained_at = time.monotonic()
        return self._drain_file(self._file) if self._file and self._pid == os.getpid() else 0

    def _drain_file(self, path: Path) -> int:
        from .models import JournalPosition

        moved = 0
        while True:
            with serialised_write():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [self.lock_id])
                position, _ = JournalPosition.objects.get_or_create(
                    journal=self.name, file=path.name
                )
                lines, end = self.read_from(path, position.offset)
                if end == position.offset:
                    return moved
                self.store(lines)
                JournalPosition.objects.filter(pk=position.pk).update(offset=end)
                moved += len(lines)
            if end - position.offset < READ_BYTES // 2:
                # Caught up: what arrives now waits for the next drain, so that batches
                # stay batches while lines keep coming.
                return moved

    def after_request(self) -> None:
        now = time.monotonic()
        if now - self._fully_drained_at >= FULL_DRAIN_SECONDS:
            if self.files():
                self.drain()
            else:  # nothing anywhere: look again in FULL_DRAIN_SECONDS, not after every request
                self._fully_drained_at = now
        elif self._undrained and now - self._drained_at >= DRAIN_OWN_EVERY_SECONDS:
            self.drain_own()
        if self._fd is not None and not self._undrained and self._is_old():
            self.close()  # drained and old: the next full drain deletes it


def read_records(lines: list[bytes], fields: frozenset, complete, journal: str) -> list[dict]:
    """The lines that are JSON objects with exactly `fields`, each passed through
    `complete` (which adds what it derives and raises ValueError or TypeError on nonsense);
    the others are skipped, and counted in the log (the count only: they hold personal data)."""
    records = []
    for line in lines:
        try:
            record = json.loads(line)
            if isinstance(record, dict) and set(record) == fields:
                records.append(complete(record))
        except (ValueError, TypeError, OverflowError):
            pass
    if len(records) < len(lines):
        logger.warning(
            "skipped %d unreadable lines in the %s journal", len(lines) - len(records), journal
        )
    return records


def drain_all() -> dict[str, int]:
    return {name: journal.drain() for name, journal in _journals.items()}


def _heartbeat() -> Path:
    return Path(settings.TOCSIN_JOURNAL_DIR) / ".drainer-alive"


def beat() -> None:
    """`tocsin drain-journals --every` says it is at work: the web workers leave it to it."""
    path = _heartbeat()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


_drainer_seen = {"checked": 0.0, "running": False}


def drainer_is_running() -> bool:
    """Whether a drain-journals service beat in the last DRAINER_FRESH_SECONDS (looked up at
    most once a second per process)."""
    now = time.monotonic()
    if now - _drainer_seen["checked"] >= 1.0:
        try:
            age = time.time() - _heartbeat().stat().st_mtime
        except OSError:  # none yet, or no such folder
            age = float("inf")
        _drainer_seen.update(checked=now, running=age < DRAINER_FRESH_SECONDS)
    return _drainer_seen["running"]


def after_request(**kwargs) -> None:
    """Connected to request_finished: by then the answer has gone out, so the supporter does
    not wait for this."""
    if drainer_is_running():
        return
    for journal in _journals.values():
        if journal.drains_after_requests:
            try:
                journal.after_request()
            except Exception as error:  # the lines stay in the file; the next drain takes them
                # The type only: a database error's message can quote the row it was about.
                logger.error("draining the %s journal failed: %s", journal.name, type(error))
