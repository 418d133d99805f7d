"""What the alert drill (test_drill.py) and bench/alerts.py share: a mail server on loopback
that counts what each address is sent (and can be slowed, or made to hold every message so
that a worker is caught in the middle of a send), people with a current consent made quickly,
and `tocsin worker` processes started against the current database.

Not a test module (pytest collects test_*.py only); it imports Django models, so import it
after Django is set up.
"""

import asyncio
import contextlib
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from django.db import connection
from django.utils import timezone

from tocsin.supporters.models import Consent, Supporter

BATCH = 5_000


class CountingSink:
    """An aiosmtpd handler that counts the messages each recipient address is sent.

    `delay` slows every message a little, as a real mail server's answer takes time. While
    `hold()` is on, every message is taken (and counted, as a server that has read it) but not
    answered: the worker that sent it waits in the middle of its batch, where a kill is meant
    to land. `held_peers` says from which client ports those messages came."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.counts: Counter[str] = Counter()
        self.received = 0
        self.held_peers: list[tuple[str, int]] = []
        self._holding = threading.Event()
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            for address in envelope.rcpt_tos:
                self.counts[address.lower()] += 1
            self.received += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if self._holding.is_set():
            with self._lock:
                self.held_peers.append(session.peer)
            # Polling, not Event.wait(): the event loop serves every connection.
            while self._holding.is_set():
                await asyncio.sleep(0.01)
        return "250 Message accepted for delivery"

    def hold(self) -> None:
        with self._lock:
            self.held_peers.clear()
        self._holding.set()

    def release(self) -> None:
        self._holding.clear()

    def duplicates(self) -> dict[str, int]:
        with self._lock:
            return {address: n for address, n in self.counts.items() if n > 1}


@contextlib.contextmanager
def serving(handler):
    """The handler behind a real SMTP server on a free loopback port; yields the port."""
    from aiosmtpd.controller import Controller

    # aiosmtpd logs every command it reads; thousands of mails would flood the output and
    # slow the server down.
    server_log = logging.getLogger("mail.log")
    level = server_log.level
    server_log.setLevel(logging.WARNING)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
        server_log.setLevel(level)


class SinkProcess:
    """A `CountingSink` in a process of its own, so that the mail server's work never competes
    with the process measuring (the GIL): `received` is read live, `duplicates` once stopped."""

    def __init__(self):
        import multiprocessing

        # Forked, not spawned: a spawned child would run the calling script's top level again
        # (a bench recreates its database there).
        context = multiprocessing.get_context("fork")
        self._received = context.Value("q", 0, lock=False)
        self._port = context.Value("i", 0, lock=False)
        self._stop = context.Event()
        self._results = context.Queue()
        self._process = context.Process(
            target=_serve_counting,
            args=(self._received, self._port, self._stop, self._results),
            daemon=True,
        )
        self.duplicates: dict[str, int] = {}
        self.addresses = 0

    def __enter__(self) -> "SinkProcess":
        self._process.start()
        if not wait_for(lambda: self._port.value, 30):
            raise RuntimeError("the mail server did not start")
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self.duplicates, self.addresses = self._results.get(timeout=60)
        self._process.join(timeout=10)

    @property
    def port(self) -> int:
        return self._port.value

    @property
    def received(self) -> int:
        return self._received.value


def _serve_counting(received, port, stop, results) -> None:
    class Sink(CountingSink):
        async def handle_DATA(self, server, session, envelope):
            answer = await super().handle_DATA(server, session, envelope)
            received.value = self.received
            return answer

    sink = Sink()
    with serving(sink) as listening_on:
        port.value = listening_on
        stop.wait()
    results.put((sink.duplicates(), len(sink.counts)))


def add_people(organization, how_many: int, *, spanish_every: int = 5) -> list[str]:
    """`how_many` people of `organization` with a current (confirmed) consent, stored with
    bulk_create in batches; one in `spanish_every` reads Spanish. Returns their addresses."""
    now = timezone.now()
    addresses = []
    for start in range(0, how_many, BATCH):
        people = Supporter.objects.bulk_create(
            Supporter(
                organization=organization,
                email=f"person{n}@drill.example.org",
                name=f"Person {n}",
                postcode="53703",
                country="US",
                state="WI",
                district="WI-02",
                language="es" if n % spanish_every == 0 else "en",
                source="drill",
                email_confirmed_at=now,
                is_known=True,
            )
            for n in range(start, min(start + BATCH, how_many))
        )
        Consent.objects.bulk_create(
            Consent(
                supporter=person,
                organization=organization,
                wording="Keep me posted.",
                language=person.language,
                method="import",
                given_at=now,
                confirmed_at=now,
            )
            for person in people
        )
        addresses.extend(person.email for person in people)
    return addresses


def database_url() -> str:
    """The database this process uses, for another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_environment(folder: Path, smtp_port: int, *, tick_every: float = 1, **settings) -> dict:
    """The environment of a `tocsin worker` on this process's database, mailing the sink on
    `smtp_port`. Its schedule holds only the alerts' tick, run every `tick_every` seconds
    (the shipped schedule runs it every 30: a drill does not wait that long). `settings` are
    more variables (TOCSIN_ALERT_BATCH=…)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "drill_worker_settings.py").write_text(
        "from tocsin.settings.development import *  # noqa: F403\n"
        "DEBUG = False\n"
        "TOCSIN_SCHEDULE = {'alerts-tick': "
        f"{{'call': 'tocsin.alerts.services.tick', 'every': {tick_every!r}}}}}\n"
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "drill_worker_settings",
        "PYTHONPATH": os.pathsep.join([str(folder), *sys.path]),
        "DATABASE_URL": database_url(),
        "TOCSIN_VAR_DIR": str(folder / "var"),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "LOG_LEVEL": "WARNING",
        **{name: str(value) for name, value in settings.items()},
    }


class Workers:
    """`tocsin worker` processes, each logging to a file of its own in `folder`; with
    `profile`, each runs under cProfile and writes worker-<n>.prof there when stopped
    (SIGTERM: the worker finishes its task and exits normally)."""

    def __init__(self, folder: Path, environment: dict, *, profile: bool = False):
        self.folder = folder
        self.environment = environment
        self.profile = profile
        self.processes: list[subprocess.Popen] = []
        self._logs = []

    def start(self) -> subprocess.Popen:
        number = len(self.processes)
        log = (self.folder / f"worker-{number}.log").open("w")
        self._logs.append(log)
        profiler = (
            ("-m", "cProfile", "-o", str(self.folder / f"worker-{number}.prof"))
            if self.profile
            else ()
        )
        process = subprocess.Popen(
            [
                *(sys.executable, *profiler, "-m", "tocsin", "worker"),
                *("--interval", "0.05", "--schedule-interval", "0.5"),
                *("--worker-id", f"drill-{number}-{secrets.token_hex(4)}"),
            ],
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def running(self) -> list[subprocess.Popen]:
        return [p for p in self.processes if p.poll() is None]

    def kill(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.running():
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self._logs:
            log.close()

    def logs(self, last_lines: int = 30) -> str:
        """The end of each worker's log, for a failure's message."""
        parts = []
        for number in range(len(self.processes)):
            lines = (self.folder / f"worker-{number}.log").read_text(errors="replace").splitlines()
            parts.append(f"--- worker {number} ---\n" + "\n".join(lines[-last_lines:]))
        return "\n".join(parts)


def owner_of_connection(client_port: int, server_port: int, pids) -> int | None:
    """Which of `pids` holds the TCP connection from loopback `client_port` to `server_port`
    (Linux: the socket's inode in /proc/net/tcp, then each process's open files)."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError), open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                local, remote = fields[1], fields[2]
                if (
                    int(local.rsplit(":", 1)[1], 16) == client_port
                    and int(remote.rsplit(":", 1)[1], 16) == server_port
                ):
                    inode = fields[9]
    if inode is None:
        return None
    wanted = f"socket:[{inode}]"
    for pid in pids:
        with contextlib.suppress(FileNotFoundError, PermissionError):
            for descriptor in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(FileNotFoundError):
                    if os.readlink(f"/proc/{pid}/fd/{descriptor}") == wanted:
                        return pid
    return None


def resident_kib(pid: int) -> int | None:
    """The process's resident memory (VmRSS), or None once it has exited."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def wait_for(condition, seconds: float, *, every: float = 0.1, failing=None):
    """Call `condition` until it returns something true, for at most `seconds`; returns that,
    or None when time ran out. `failing` (optional) is called each round and may raise."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if failing is not None:
            failing()
        if result := condition():
            return result
        time.sleep(every)
    return None
