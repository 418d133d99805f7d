"""A viral spike with crashes, then every promise checked.

Many clients sign one petition at once through one web server or several (gunicorn, production
settings, each with a local folder of its own) while web workers, a whole web server and task
workers (`tocsin worker`) are killed with SIGKILL and started again, as a process supervisor
would. A client whose request is cut off sends it again, with the same address, on the next
server if its own is down (as a load balancer would), until it gets an answer. Then the mail
is awaited, every signer presses the Confirm button of the mail they got, and:

- every answered signature has exactly one row, and so does every one that was cut off; no
  row exists that nobody asked for, and none was held back;
- each signature got exactly one confirmation mail (a real SMTP server on loopback counts
  them), whose button counts it;
- the count every web server shows equals the rows.

`bench/spike.py` runs it with 50,000 signatures on one server, `bench/two_nodes.py` on two
sharing PostgreSQL and Redis, and `test_spike.py` a small one in the suite.
"""

import email
import email.policy
import http.client
import itertools
import json
import logging
import os
import re
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
from django.core.cache import cache
from django.db import connection

ANSWERED = {200, 302, 303}
MOST_ERRORS = 50
PRODUCTION_CSRF_COOKIE = "__Host-csrftoken"  # settings/production.py
CONFIRM_PATH = re.compile(r"/petitions/confirm/[^/\s]+/")
# The worker's own recovery waits ten minutes (tocsin.core.scheduling.STUCK_AFTER_SECONDS):
# the drill does not. A mail task takes milliseconds, seconds on a busy machine; one running
# for this long lost its worker.
STUCK_AFTER_SECONDS = 15
# A killed web server comes back after this long, as systemd's RestartSec would bring it.
RESTART_AFTER_SECONDS = 2


class CountingHandler:
    """An aiosmtpd handler that counts the mails each address is sent and keeps the
    confirmation link of each."""

    def __init__(self):
        self.counts: Counter[str] = Counter()
        self.links: dict[str, str] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        found = CONFIRM_PATH.search(body.get_content() if body else "")
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.counts[recipient.lower()] += 1
                if found:
                    self.links[recipient.lower()] = found.group()
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


def children_of(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


@dataclass
class WebServer:
    """One gunicorn master and its workers in a process group of their own, with a local
    folder (TOCSIN_VAR_DIR: static files, logs) that no other server shares."""

    folder: Path
    env: dict[str, str]
    workers: int
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def prepare(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "tocsin", "collectstatic", "--noinput", "-v", "0"],
            env=self.environment,
            check=True,
        )

    @property
    def environment(self) -> dict[str, str]:
        return self.env | {"TOCSIN_VAR_DIR": str(self.folder)}

    def start(self) -> None:
        command = [
            *(sys.executable, "-m", "gunicorn", "tocsin.wsgi"),
            *("--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}"),
            *("--log-level", "warning", "--error-logfile", str(self.folder / "gunicorn.log")),
        ]
        with (self.folder / "web.log").open("a") as log:
            self.process = subprocess.Popen(
                command, env=self.environment, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start; see {self.folder}")

    def kill_a_worker(self) -> bool:
        """SIGKILL one gunicorn worker in the middle of its requests; the master starts
        another in its place."""
        pids = children_of(self.process.pid) if self.process else []
        if not pids:
            return False
        os.kill(pids[0], signal.SIGKILL)
        return True

    def kill_whole(self) -> None:
        """SIGKILL the master and every worker at once: the server is gone."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@dataclass
class Cluster:
    """Web servers and task workers in production settings on one PostgreSQL (and, with
    redis_url, one Redis for the shared cache and the rate limits)."""

    folder: Path
    smtp_port: int
    servers: int = 1
    web_workers: int = 3
    task_workers: int = 1
    redis_url: str = ""
    web: list[WebServer] = field(default_factory=list)
    workers: list[subprocess.Popen] = field(default_factory=list)
    kills: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

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
            "REDIS_URL": self.redis_url,
            "LOG_LEVEL": "WARNING",
        }

    @property
    def ports(self) -> list[int]:
        return [server.port for server in self.web]

    def start(self) -> None:
        self.web = [
            WebServer(self.folder / f"web-{n}", self.env, self.web_workers)
            for n in range(self.servers)
        ]
        base_url = f"http://127.0.0.1:{self.web[0].port}"  # the links in the mail
        for server in self.web:
            server.env = server.env | {"TOCSIN_BASE_URL": base_url}
            server.prepare()
            server.start()
        for _ in range(self.task_workers):
            self.start_task_worker()

    def start_task_worker(self) -> None:
        number = len(self.workers)
        folder = self.folder / f"worker-{number}"
        folder.mkdir(parents=True, exist_ok=True)
        command = [
            *(sys.executable, "-m", "tocsin", "worker", "--interval", "0.05"),
            *("--worker-id", f"drill-{number}-{secrets.token_hex(4)}"),
        ]
        with (folder / "worker.log").open("w") as log:
            self.workers.append(
                subprocess.Popen(
                    command,
                    env=self.env | {"TOCSIN_VAR_DIR": str(folder)},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )

    def kill_web_worker(self) -> None:
        with self.lock:
            server = self.web[self.kills["web worker"] % len(self.web)]
            if server.kill_a_worker():
                self.kills["web worker"] += 1

    def kill_task_worker(self) -> None:
        """SIGKILL a task worker, then start a new one, as a process supervisor would."""
        running = [w for w in self.workers if w.poll() is None]
        if running:
            running[0].send_signal(signal.SIGKILL)
            running[0].wait()
            self.kills["task worker"] += 1
        time.sleep(0.5)
        self.start_task_worker()

    def kill_web_server(self) -> None:
        """SIGKILL the last web server's whole process group; bring it back a moment later
        on the same port, with the same folder."""
        server = self.web[-1]
        with self.lock:
            server.kill_whole()
            self.kills["web server"] += 1
        time.sleep(RESTART_AFTER_SECONDS)
        server.start()

    def stop(self) -> None:
        for server in self.web:
            server.stop()
        for process in self.workers:
            if process.poll() is None:
                process.terminate()
        for process in self.workers:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


class Client:
    """One supporter's browser behind a load balancer: a request cut off is sent again to
    the next server."""

    def __init__(self, ports: list[int], first: int, cookie: str):
        self.ports, self.server, self.cookie = ports, first % len(ports), cookie
        self.connection: http.client.HTTPConnection | None = None

    def post(self, path: str, form: dict[str, str]) -> int:
        if self.connection is None:
            self.connection = http.client.HTTPConnection(
                "127.0.0.1", self.ports[self.server], timeout=30
            )
        body = urllib.parse.urlencode(form)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie}
        self.connection.request("POST", path, body, headers)
        response = self.connection.getresponse()
        response.read()
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status

    def next_server(self) -> None:
        self.close()
        self.server = (self.server + 1) % len(self.ports)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@dataclass
class Outcome:
    answered: dict[str, int] = field(default_factory=dict)
    cut_off: Counter[str] = field(default_factory=Counter)
    errors: Counter[int] = field(default_factory=Counter)
    unfinished: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # of the answered requests

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def post_all(
    cluster: Cluster,
    requests: list[tuple[str, str, dict[str, str]]],
    clients: int,
    deadline: float,
    chaos: list[tuple[float, str]] = (),
) -> Outcome:
    """POST each (key, path, form) from `clients` concurrent clients until each is answered;
    at each (share done, what) of `chaos` kill a "web" worker, a "task" worker or a whole web
    "server". Gives up at `deadline` (time.monotonic()), counting what is left unfinished."""
    secret = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    cookie = f"{PRODUCTION_CSRF_COOKIE}={secret}"
    outcome = Outcome()
    lock = threading.Lock()
    queue = iter(requests)
    done = itertools.count(1)
    finished = [0]

    def client(number: int) -> None:
        browser = Client(cluster.ports, number, cookie)
        while time.monotonic() < deadline:
            with lock:
                request = next(queue, None)
            if request is None:
                break
            key, path, form = request
            while time.monotonic() < deadline:
                sent = time.monotonic()
                try:
                    status = browser.post(path, form | {"csrfmiddlewaretoken": secret})
                except (OSError, http.client.HTTPException):
                    browser.next_server()
                    with lock:
                        outcome.cut_off[key] += 1
                    time.sleep(0.05)
                    continue  # the same request again, as a browser's retry would
                with lock:
                    if status in ANSWERED:
                        outcome.answered[key] = status
                        outcome.latencies.append(time.monotonic() - sent)
                        break
                    outcome.errors[status] += 1
                    if outcome.errors[status] > MOST_ERRORS:
                        return  # something is wrong beyond the kills: stop and report it
                time.sleep(0.05)
            finished[0] = next(done)
        browser.close()

    def troublemaker() -> None:
        actions = {
            "web": cluster.kill_web_worker,
            "task": cluster.kill_task_worker,
            "server": cluster.kill_web_server,
        }
        for share, what in sorted(chaos):
            while finished[0] < share * len(requests):
                if all(f.done() for f in futures):
                    return
                time.sleep(0.01)
            actions[what]()

    started = time.monotonic()
    with ThreadPoolExecutor(clients + 1) as pool:
        futures = [pool.submit(client, n) for n in range(clients)]
        chaos_done = pool.submit(troublemaker)
        for future in futures:
            future.result()
        chaos_done.result()
    outcome.seconds = time.monotonic() - started
    outcome.unfinished = len(requests) - len(outcome.answered)
    return outcome


def wait_for_mail(handler: CountingHandler, expected: set[str], deadline: float) -> None:
    """Until every expected address has its mail and the queue stays empty; tasks a killed
    worker had claimed are put back in the queue first."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from tocsin.core.scheduling import recover_tasks

    quiet = 0
    while time.monotonic() < deadline and quiet < 4:
        recover_tasks(after=STUCK_AFTER_SECONDS)
        waiting = DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        ).exists()
        with handler.lock:
            missing = any(handler.counts[address] == 0 for address in expected)
        quiet = 0 if waiting or missing else quiet + 1
        time.sleep(0.5)


def lift_limits() -> None:
    """What organizers do on the switches page when a campaign goes viral: here one address
    (127.0.0.1) stands for every signer, so no signature may be held for review."""
    from tocsin.core import switches
    from tocsin.core.models import Switches

    switches.change(**{f.name: 10**9 for f in Switches._meta.fields if "_per_" in f.name})
    cache.clear()


def shown_counts(cluster: Cluster, slug: str, rows: int, timeout: float) -> list[int]:
    """What each web server's open-data count says, once it caught up with the rows (counts
    are cached for a few seconds) or at the timeout."""
    counts = []
    for port in cluster.ports:
        deadline = time.monotonic() + timeout
        while True:
            connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection_.request("GET", f"/c/{slug}/petition.json")
                shown = json.loads(connection_.getresponse().read())["signatures"]
            finally:
                connection_.close()
            if shown == rows or time.monotonic() > deadline:
                break
            time.sleep(1)
        counts.append(shown)
    return counts


@dataclass
class Report:
    servers: int
    signatures: int
    clients: int
    seconds: float
    p50_ms: float
    p99_ms: float
    answered: int
    unfinished: int
    cut_off: int
    errors: dict[int, int]
    kills: dict[str, int]
    rows: int
    held: int
    answered_without_exactly_one_row: int
    cut_off_without_exactly_one_row: int
    rows_nobody_asked_for: int
    mail_seconds: float
    missing_mails: int
    duplicate_mails: int
    confirm_seconds: float
    confirm_errors: dict[int, int]
    confirmed_rows: int
    public_count: int
    counts_shown: list[int]

    @property
    def kept_every_promise(self) -> bool:
        return (
            self.answered == self.signatures
            and not self.errors
            and self.answered_without_exactly_one_row == 0
            and self.cut_off_without_exactly_one_row == 0
            and self.rows_nobody_asked_for == 0
            and self.held == 0
            and self.rows == self.signatures
            and self.missing_mails == 0
            # A worker killed between the mail server's "accepted" and the record of it (one
            # local UPDATE) sends that mail again once its task is recovered: no SMTP exchange
            # can close that gap. So at most one per killed task worker, usually none.
            and self.duplicate_mails <= self.kills.get("task worker", 0)
            and not self.confirm_errors
            and self.confirmed_rows == self.public_count == self.rows
            and all(count == self.rows for count in self.counts_shown)
        )

    def lines(self) -> list[str]:
        rate = self.answered / self.seconds if self.seconds else 0
        return [
            f"{self.signatures} signatures from {self.clients} clients on {self.servers} web "
            f"server(s): answered {self.answered} in {self.seconds:.1f} s ({rate:.0f}/s, "
            f"p50 {self.p50_ms:.0f} ms, p99 {self.p99_ms:.0f} ms)"
            + (f", {self.unfinished} UNFINISHED at the deadline" if self.unfinished else ""),
            f"kills (SIGKILL): {self.kills}",
            f"requests cut off by a kill and sent again: {self.cut_off}",
            f"answers other than 2xx/3xx: {self.errors or 0}",
            f"rows: {self.rows}; answered without exactly one row: "
            f"{self.answered_without_exactly_one_row}; cut off without exactly one row: "
            f"{self.cut_off_without_exactly_one_row}; rows nobody asked for: "
            f"{self.rows_nobody_asked_for}; held for review: {self.held}",
            f"confirmation mails: all in {self.mail_seconds:.1f} s after the last answer; "
            f"missing: {self.missing_mails}; sent twice: {self.duplicate_mails} (at most one per "
            "killed task worker can be)",
            f"Confirm pressed in every mail in {self.confirm_seconds:.1f} s; answers other than "
            f"2xx/3xx: {self.confirm_errors or 0}; rows confirmed: {self.confirmed_rows}",
            f"public count: {self.public_count}; shown by each web server: {self.counts_shown}",
            "every promise kept" if self.kept_every_promise else "PROMISES BROKEN",
        ]


def run_spike(
    petition,
    signatures: int,
    clients: int,
    folder: Path,
    *,
    servers: int = 1,
    web_workers: int = 3,
    task_workers: int = 1,
    redis_url: str = "",
    chaos: list[tuple[float, str]] | None = None,
    timeout: float = 600,
) -> Report:
    """The whole drill against `petition` (which must have no signatures yet), over in about
    `timeout` seconds whatever happens. Default chaos: three web workers and two task workers
    killed; with several servers, also the last one whole."""
    from aiosmtpd.controller import Controller

    from tocsin.petitions.forms import started_value
    from tocsin.petitions.models import Signature
    from tocsin.petitions.services import public_count

    if chaos is None:
        chaos = [(0.2, "web"), (0.35, "task"), (0.5, "web"), (0.65, "task"), (0.8, "web")]
        if servers > 1:
            chaos.append((0.4, "server"))
    deadline = time.monotonic() + timeout
    lift_limits()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per command
    handler = CountingHandler()
    smtp = Controller(handler, hostname="127.0.0.1", port=free_port())
    smtp.start()
    cluster = Cluster(
        folder,
        smtp.port,
        servers=servers,
        web_workers=web_workers,
        task_workers=task_workers,
        redis_url=redis_url,
    )
    run = secrets.token_hex(3)
    emails = [f"spike-{run}-{n}@example.org" for n in range(signatures)]
    slug = petition.campaign.slug
    form = {
        "started": started_value(time.time() - 60),
        "name": "Spike Signer",
        "postcode": "53703",
        "country": "US",
    }
    try:
        cluster.start()
        # Most of the time goes to signing; the mail and the confirmations get the rest.
        signing = post_all(
            cluster,
            [(e, f"/c/{slug}/sign/", form | {"email": e}) for e in emails],
            clients,
            deadline=time.monotonic() + (deadline - time.monotonic()) * 0.6,
            chaos=chaos,
        )
        began = time.monotonic()
        expected = set(
            Signature.objects.filter(petition=petition, confirmed_at__isnull=True)
            .values_list("email", flat=True)
            .iterator()
        )
        wait_for_mail(handler, expected, deadline=began + (deadline - began) * 0.5)
        mail_seconds = time.monotonic() - began
        with handler.lock:
            links = list(handler.links.items())
        confirming = post_all(
            cluster, [(e, link, {}) for e, link in links], clients, deadline=deadline
        )
        rows = Signature.objects.filter(petition=petition)
        counts_shown = shown_counts(cluster, slug, rows.count(), timeout=20)
    finally:
        cluster.stop()
        smtp.stop()

    per_address = Counter(rows.values_list("email", flat=True).iterator())
    asked = set(emails)
    cache.clear()
    return Report(
        servers=servers,
        signatures=signatures,
        clients=clients,
        seconds=signing.seconds,
        p50_ms=signing.percentile(0.5) * 1000,
        p99_ms=signing.percentile(0.99) * 1000,
        answered=len(signing.answered),
        unfinished=signing.unfinished,
        cut_off=len(signing.cut_off),
        errors=dict(signing.errors),
        kills=dict(cluster.kills),
        rows=sum(per_address.values()),
        held=rows.filter(held_at__isnull=False).count(),
        answered_without_exactly_one_row=sum(per_address[e] != 1 for e in signing.answered),
        cut_off_without_exactly_one_row=sum(per_address[e] != 1 for e in signing.cut_off),
        rows_nobody_asked_for=sum(1 for e in per_address if e not in asked),
        mail_seconds=mail_seconds,
        missing_mails=sum(1 for e in expected if handler.counts[e] == 0),
        duplicate_mails=sum(1 for e in expected if handler.counts[e] > 1),
        confirm_seconds=confirming.seconds,
        confirm_errors=dict(confirming.errors),
        confirmed_rows=rows.filter(confirmed_at__isnull=False).count(),
        public_count=public_count(petition).confirmed,
        counts_shown=counts_shown,
    )
