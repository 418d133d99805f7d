"""A viral spike with crashes, then every promise checked.

Many clients sign one petition at once through gunicorn while a web worker and the task
worker are killed with SIGKILL and restarted. Each client retries a request that was cut
off, with the same address, until it gets an answer. Afterwards:

- every answered signature has exactly one row, and so does every one that was cut off;
- no row exists that nobody asked for;
- the folded count equals the rows, and the nightly reconciliation agrees;
- each pending signature got exactly one confirmation mail (a real SMTP server on loopback
  counts them).

`bench/spike.py` runs it with 50,000 signatures; `test_spike.py` with a few thousand.
"""

import http.client
import itertools
import os
import secrets
import signal
import socket
import string
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

ANSWERED = {200, 302, 303}
MOST_ERRORS = 50
PRODUCTION_CSRF_COOKIE = "__Host-csrftoken"  # settings/production.py


class CountingHandler:
    """An aiosmtpd handler that counts the mails each address is sent."""

    def __init__(self):
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.counts[recipient.lower()] += 1
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """This process's database, for the servers it starts (PostgreSQL only)."""
    db = connection.settings_dict
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"


@dataclass
class Cluster:
    """gunicorn and the task worker(s), in production settings, on this machine."""

    log_dir: Path
    smtp_port: int
    web_workers: int = 3
    task_workers: int = 1
    signature_buffer: str = "off"
    port: int = field(default_factory=free_port)
    gunicorn: subprocess.Popen | None = None
    workers: list[subprocess.Popen] = field(default_factory=list)
    kills: Counter[str] = field(default_factory=Counter)

    @property
    def journal_dir(self) -> Path:
        return self.log_dir / "journal"

    @property
    def env(self) -> dict[str, str]:
        return os.environ | {
            "DJANGO_SETTINGS_MODULE": "tocsin.settings.production",
            "SECRET_KEY": settings.SECRET_KEY,
            "DATABASE_URL": database_url(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "TOCSIN_VAR_DIR": str(self.log_dir),
            "TOCSIN_JOURNAL_DIR": str(self.journal_dir),
            "TOCSIN_SIGN_LIMITS": "{}",
            "TOCSIN_SIGNATURE_BUFFER": self.signature_buffer,
            "REDIS_URL": "",
            "LOG_LEVEL": "WARNING",
        }

    def start(self) -> None:
        subprocess.run(
            [sys.executable, "-m", "tocsin", "collectstatic", "--noinput", "-v", "0"],
            env=self.env, check=True,
        )  # fmt: skip
        self.gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "tocsin.wsgi", "--workers", str(self.web_workers),
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "--error-logfile", str(self.log_dir / "gunicorn.log")],
            env=self.env, stderr=(self.log_dir / "web.log").open("w"),
        )  # fmt: skip
        for _ in range(self.task_workers):
            self.start_task_worker()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start; see " + str(self.log_dir))

    def start_task_worker(self) -> None:
        log = (self.log_dir / f"worker-{len(self.workers)}.log").open("w")
        command = [sys.executable, "-m", "tocsin", "db_worker", "--interval", "0.05",
                   "--no-startup-delay"]  # fmt: skip
        self.workers.append(
            subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        )

    def web_worker_pids(self) -> list[int]:
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.gunicorn.pid:
                children.append(int(stat.parent.name))
        return children

    def kill_web_worker(self) -> None:
        """SIGKILL one gunicorn worker in the middle of its requests; the master starts
        another in its place."""
        pids = self.web_worker_pids()
        if pids:
            os.kill(pids[0], signal.SIGKILL)
            self.kills["web worker"] += 1

    def kill_task_worker(self) -> None:
        """SIGKILL the task worker, then start a new one, as a process supervisor would."""
        running = [w for w in self.workers if w.poll() is None]
        if running:
            running[0].send_signal(signal.SIGKILL)
            running[0].wait()
            self.kills["task worker"] += 1
        time.sleep(0.5)
        self.start_task_worker()

    def stop(self) -> None:
        for process in [self.gunicorn, *self.workers]:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in [self.gunicorn, *self.workers]:
            if process is not None:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()


@dataclass
class Outcome:
    answered: dict[str, int] = field(default_factory=dict)
    cut_off: Counter[str] = field(default_factory=Counter)
    errors: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0


class Signer:
    """One client: a keep-alive connection, reopened whenever a request is cut off."""

    def __init__(self, port: int, path: str, form: dict[str, str], cookie: str):
        self.port, self.path, self.form, self.cookie = port, path, form, cookie
        self.connection: http.client.HTTPConnection | None = None

    def post(self, email: str) -> int:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        body = urllib.parse.urlencode(self.form | {"email": email})
        self.connection.request("POST", self.path, body, {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie,
        })  # fmt: skip
        response = self.connection.getresponse()
        response.read()
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def sign_all(cluster: Cluster, slug: str, emails: list[str], clients: int,
             chaos: list[tuple[float, str]]) -> Outcome:  # fmt: skip
    """Sign with every address from `clients` concurrent clients; at each (share done, what)
    in `chaos` kill a "web" or a "task" worker."""
    from tocsin.petitions.forms import started_token

    secret = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    form = {
        "csrfmiddlewaretoken": secret,
        "started": started_token(time.time() - 60),
        "name": "Spike Signer",
        "postcode": "53703",
        "country": "US",
    }
    cookie = f"{PRODUCTION_CSRF_COOKIE}={secret}"
    path = f"/c/{slug}/sign/"
    outcome = Outcome()
    lock = threading.Lock()
    queue = iter(emails)
    done = itertools.count(1)
    finished = [0]

    def client() -> None:
        signer = Signer(cluster.port, path, form, cookie)
        while True:
            with lock:
                email = next(queue, None)
            if email is None:
                signer.close()
                return
            while True:
                try:
                    status = signer.post(email)
                except (OSError, http.client.HTTPException):
                    signer.close()
                    with lock:
                        outcome.cut_off[email] += 1
                    time.sleep(0.05)
                    continue  # the same address again, as a browser's retry would
                with lock:
                    if status in ANSWERED:
                        outcome.answered[email] = status
                        break
                    outcome.errors[status] += 1
                    if outcome.errors[status] > MOST_ERRORS:
                        break  # something is wrong beyond the kills: stop and report it
                time.sleep(0.05)
            finished[0] = next(done)

    def troublemaker() -> None:
        for share, what in sorted(chaos):
            while finished[0] < share * len(emails):
                if all(f.done() for f in futures):
                    return
                time.sleep(0.01)
            (cluster.kill_web_worker if what == "web" else cluster.kill_task_worker)()

    started = time.monotonic()
    with ThreadPoolExecutor(clients + 1) as pool:
        futures = [pool.submit(client) for _ in range(clients)]
        chaos_done = pool.submit(troublemaker)
        for future in futures:
            future.result()
        chaos_done.result()
    outcome.seconds = time.monotonic() - started
    return outcome


def wait_for_mail(timeout: float) -> None:
    """Until the queue stays empty; tasks a killed worker had claimed are put back first."""
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline and quiet < 4:
        unfinished = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
        quiet = 0 if unfinished else quiet + 1
        # Tocsin's tasks take milliseconds; one running for seconds lost its worker.
        call_command("recover_tasks", after=5, verbosity=0)
        time.sleep(0.5)


@dataclass
class Report:
    signatures: int
    seconds: float
    answered: int
    cut_off: int
    errors: dict[int, int]
    kills: dict[str, int]
    rows: int
    answered_without_exactly_one_row: int
    cut_off_without_exactly_one_row: int
    rows_nobody_asked_for: int
    folded: int
    reconciled: bool
    missing_mails: int
    duplicate_mails: int

    @property
    def kept_every_promise(self) -> bool:
        return (
            self.answered == self.signatures
            and not self.errors
            and self.answered_without_exactly_one_row == 0
            and self.cut_off_without_exactly_one_row == 0
            and self.rows_nobody_asked_for == 0
            and self.folded == self.rows == self.signatures
            and self.reconciled
            and self.missing_mails == 0
            and self.duplicate_mails == 0
        )

    def lines(self) -> list[str]:
        rate = self.signatures / self.seconds if self.seconds else 0
        return [
            f"signatures sent: {self.signatures} in {self.seconds:.1f} s ({rate:.0f}/s)",
            f"kills (SIGKILL): {dict(self.kills)}",
            f"requests cut off by a kill and retried: {self.cut_off}",
            f"answers other than 2xx/3xx: {dict(self.errors) or 0}",
            f"rows: {self.rows}; answered without exactly one row: "
            f"{self.answered_without_exactly_one_row}; cut off without exactly one row: "
            f"{self.cut_off_without_exactly_one_row}; rows nobody asked for: "
            f"{self.rows_nobody_asked_for}",
            f"folded count: {self.folded}; reconciliation: {'ok' if self.reconciled else 'FAILED'}",
            f"confirmation mails missing: {self.missing_mails}; sent twice: {self.duplicate_mails}",
            "every promise kept" if self.kept_every_promise else "PROMISES BROKEN",
        ]


def run_spike(petition, signatures: int, clients: int, log_dir: Path, mail_timeout: float = 300,
              web_workers: int = 3, task_workers: int = 1,
              signature_buffer: str = "off") -> Report:  # fmt: skip
    """The whole drill against `petition` (which must have no signatures yet)."""
    from aiosmtpd.controller import Controller

    from tocsin.petitions import services
    from tocsin.petitions.models import Signature

    handler = CountingHandler()
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    cluster = Cluster(log_dir, smtp.port, web_workers=web_workers, task_workers=task_workers,
                      signature_buffer=signature_buffer)  # fmt: skip
    run = f"{timezone.now():%H%M%S}"
    emails = [f"spike-{run}-{n}@example.org" for n in range(signatures)]
    chaos = [(0.2, "web"), (0.35, "task"), (0.5, "web"), (0.65, "task"), (0.8, "web")]
    try:
        cluster.start()
        outcome = sign_all(cluster, petition.campaign.slug, emails, clients, chaos)
        # Draining here (recover_tasks) reads the journals the web workers write, with the
        # workers' settings, as the cron job does in production.
        with override_settings(TOCSIN_JOURNAL_DIR=cluster.journal_dir, TOCSIN_SIGN_LIMITS={}):
            wait_for_mail(timeout=mail_timeout)
    finally:
        cluster.stop()
        smtp.stop()

    rows = Counter(
        Signature.objects.filter(petition=petition).values_list("email", flat=True).iterator()
    )
    pending = set(
        Signature.objects.filter(petition=petition, confirmed_at__isnull=True).values_list(
            "email", flat=True
        )
    )
    asked = set(emails)
    folded = services.fold_counts(petition)
    return Report(
        signatures=signatures,
        seconds=outcome.seconds,
        answered=len(outcome.answered),
        cut_off=len(outcome.cut_off),
        errors=dict(outcome.errors),
        kills=dict(cluster.kills),
        rows=sum(rows.values()),
        answered_without_exactly_one_row=sum(rows[e] != 1 for e in outcome.answered),
        cut_off_without_exactly_one_row=sum(rows[e] != 1 for e in outcome.cut_off),
        rows_nobody_asked_for=sum(1 for e in rows if e not in asked),
        folded=folded.confirmed + folded.pending,
        reconciled=services.reconcile(petition),
        missing_mails=sum(1 for e in pending if handler.counts[e] == 0),
        duplicate_mails=sum(1 for e in pending if handler.counts[e] > 1),
    )
