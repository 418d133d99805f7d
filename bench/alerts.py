"""An action alert to 100,000 people, sent by two `tocsin worker`s to a mail server on
loopback, next to a bare Django view and Django's own SMTP sending measured in the same run.

Stores 100,000 people with a current consent (bulk_create), then times:
  - `alerts.services.send_now`: the recipients materialised in one transaction and the
    senders queued (target <= 30 s);
  - the sending, by two worker processes already started, with no rate limit
    (TOCSIN_ALERT_RATE_PER_MINUTE=0), from send_now's return to the last mail received by
    an aiosmtpd server in a process of its own that only counts (target >= 300 messages/s),
    and to the alert's "sent" (which the alerts' tick, run here every second, records);
  - each worker's resident memory (VmRSS from /proc/<pid>/status), sampled every half
    second while it sends: it must stay flat, whatever the size of the alert;
and, as yardsticks: a bare Django GET through the test client, and one process sending the
same number of plain messages through Django's SMTP backend over one connection to the same
server (the most one sender can do here, before any database work).
Then it checks that nobody got two mails and that every recipient is accounted for.

The database is the bench's own and is recreated on every run: a fresh SQLite file by
default, or DATABASE_URL (a PostgreSQL name must contain "bench").

    .venv/bin/python bench/alerts.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tocsin_bench_alerts \
        .venv/bin/python bench/alerts.py
    .venv/bin/python bench/alerts.py --quick        # 5,000 people: CI's check, not a figure
    .venv/bin/python bench/alerts.py --profile      # the workers under cProfile, then their top
"""

import argparse
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUICK = "--quick" in sys.argv or bool(os.environ.get("QUICK"))
PEOPLE = 5_000 if QUICK else 100_000
WORKERS = 2
MATERIALISE_TARGET_SECONDS = 30
RATE_TARGET = 300  # messages a second, two workers
SAMPLE_SECONDS = 0.5
FOLDER = Path(tempfile.mkdtemp(prefix="tocsin-alerts-bench-"))


def fresh_database() -> None:
    url = os.environ.get("DATABASE_URL", "sqlite:///")
    if url.startswith("sqlite"):
        # A file of its own in a fresh folder, whatever the URL named.
        os.environ["DATABASE_URL"] = f"sqlite:///{FOLDER / 'bench.sqlite3'}"
        return
    name = url.rsplit("/", 1)[1]
    if "bench" not in name:
        sys.exit(f"DATABASE_URL names {name!r}: it must contain 'bench' (it is recreated).")
    for statement in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", statement],
            check=True,
            capture_output=True,
        )


fresh_database()
os.environ.setdefault("TOCSIN_VAR_DIR", str(FOLDER / "var"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tocsin.settings.development")
os.environ["DEBUG"] = "false"  # no query log growing in memory
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
sys.path.insert(0, str(Path(__file__).parent / "support"))

import django  # noqa: E402

django.setup()

from bare_urls import BARE_GET  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from tocsin.alerts import services  # noqa: E402
from tocsin.alerts.models import Alert, AlertRecipient  # noqa: E402
from tocsin.alerts.tests import drill  # noqa: E402
from tocsin.campaigns.models import Campaign  # noqa: E402
from tocsin.core.models import WorkerHeartbeat  # noqa: E402
from tocsin.organizations.models import Organization  # noqa: E402


def seconds(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def bare_get_p50_ms() -> float:
    with override_settings(ROOT_URLCONF="bare_urls"):
        client = Client()
        assert client.get(BARE_GET).status_code == 200  # and warm
        samples = []
        for _ in range(300):
            start = time.perf_counter()
            client.get(BARE_GET)
            samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def plain_django_rate(smtp_port: int, how_many: int) -> float:
    """Messages a second that one process sends through Django's SMTP backend, one reused
    connection, no database: the floor for one sender."""
    messages = [
        mail.EmailMultiAlternatives(
            f"Yardstick {n}",
            "A plain message.\n" * 20,
            "bench@example.org",
            [f"yardstick{n}@example.org"],
            alternatives=[("<p>A plain message.</p>" * 20, "text/html")],
        )
        for n in range(how_many)
    ]
    backend = mail.get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host="127.0.0.1",
        port=smtp_port,
        use_tls=False,
    )
    took, sent = seconds(lambda: backend.send_messages(messages))
    assert sent == how_many
    return how_many / took


def an_alert() -> Alert:
    organization = Organization.objects.create(slug="bench-alerts", name="Bench alerts")
    campaign = Campaign.objects.create(
        organization=organization,
        title="Call Senator Baldwin",
        slug="bench-alerts",
        summary="Bench",
        status=Campaign.Status.LIVE,
    )
    took, addresses = seconds(lambda: drill.add_people(organization, PEOPLE))
    print(f"people with a current consent stored (bulk_create): {len(addresses):,} in {took:.1f} s")
    if connection.vendor == "postgresql":
        # Statistics for the rows just stored, as autovacuum would give them in time: with
        # none, PostgreSQL takes the people table for empty and plans the senders' queries
        # accordingly. The ORM has no way to run ANALYZE.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Alert.objects.create(
        organization=organization,
        campaign=campaign,
        action_kind=Alert.ActionKind.JOIN,
        action_id=campaign.pk,
        subject_en="Call Senator Baldwin today",
        preheader_en="One call, two minutes.",
        body_en=(
            "{first_name}, Senator Baldwin has not co-sponsored the bill yet.\n\n"
            "**One call today** tells her Wisconsin is watching. {your_targets}"
        ),
        button_label_en="Call now",
        targets_fallback_en="Your senators have not said where they stand.",
        subject_es="Llame hoy a la senadora Baldwin",
        body_es="{first_name}, una llamada hoy le dice que Wisconsin la observa.",
        button_label_es="Llamar",
        from_name="Bench",
    )


def start_workers(smtp_port: int, profile: bool) -> drill.Workers:
    workers = drill.Workers(
        FOLDER,
        drill.worker_environment(
            FOLDER,
            smtp_port,
            TOCSIN_ALERT_RATE_PER_MINUTE=0,
            TOCSIN_ALERT_SENDERS=WORKERS,
        ),
        profile=profile,
    )
    for _ in range(WORKERS):
        workers.start()
    # Their start-up is not part of the sending.
    if not drill.wait_for(lambda: WorkerHeartbeat.objects.count() >= WORKERS, 60, every=0.2):
        sys.exit("the workers did not start:\n" + workers.logs())
    return workers


def send(alert: Alert, sink: drill.SinkProcess, workers: drill.Workers, already: int) -> dict:
    pids = [p.pid for p in workers.processes]
    memory: dict[int, list[int]] = {pid: [] for pid in pids}
    materialise, recipients = seconds(lambda: services.send_now(alert))
    started = time.perf_counter()
    last_mail = None
    timeout = max(120, PEOPLE / 50)
    while time.perf_counter() - started < timeout:
        for pid in pids:
            if (kib := drill.resident_kib(pid)) is not None:
                memory[pid].append(kib)
        if last_mail is None and sink.received - already >= recipients:
            last_mail = time.perf_counter() - started
        alert.refresh_from_db(fields=["status", "stop_reason"])
        if alert.status in (Alert.Status.SENT, Alert.Status.PAUSED, Alert.Status.CANCELLED):
            break
        if not workers.running():
            sys.exit("every worker exited:\n" + workers.logs())
        time.sleep(SAMPLE_SECONDS)
    finished = time.perf_counter() - started
    return {
        "materialise": materialise,
        "recipients": recipients,
        "last_mail": last_mail,
        "finished": finished,
        "memory": memory,
    }


def report_memory(memory: dict[int, list[int]]) -> None:
    columns = ("samples", "at 10%", "max", "end", "growth")
    print(f"\n{'worker RSS (MiB)':18} " + " ".join(f"{c:>8}" for c in columns))
    for number, samples in enumerate(memory.values()):
        if not samples:
            continue
        early = samples[len(samples) // 10]
        print(
            f"{'worker ' + str(number):18} {len(samples):8} {early / 1024:8.1f} "
            f"{max(samples) / 1024:8.1f} {samples[-1] / 1024:8.1f} "
            f"{(samples[-1] - early) / 1024:+8.1f}"
        )


def report_profiles(workers: drill.Workers) -> None:
    for path in sorted(FOLDER.glob("worker-*.prof")):
        print(f"\n--- {path.name}, by own time")
        pstats.Stats(str(path)).sort_stats("tottime").print_stats(20)
        print(f"--- {path.name}, by cumulative time")
        pstats.Stats(str(path)).sort_stats("cumulative").print_stats(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 people (or QUICK=1)")
    parser.add_argument("--profile", action="store_true", help="run the workers under cProfile")
    args = parser.parse_args()
    print(f"{connection.vendor}{', QUICK: not a figure' if QUICK else ''}; files in {FOLDER}")
    call_command("migrate", verbosity=0)
    alert = an_alert()
    with drill.SinkProcess() as sink:
        yardstick_count = min(PEOPLE, 5_000)
        plain_rate = plain_django_rate(sink.port, yardstick_count)
        workers = start_workers(sink.port, args.profile)
        try:
            figures = send(alert, sink, workers, already=sink.received)
        finally:
            workers.stop_all()
    received = sink.received - yardstick_count
    bare = bare_get_p50_ms()

    alert.refresh_from_db()
    counts = AlertRecipient.objects.filter(alert=alert).counts()
    recipients, last_mail = figures["recipients"], figures["last_mail"]
    rate = recipients / last_mail if last_mail else received / figures["finished"]
    materialise = figures["materialise"]
    print(f"\n{'what':56} {'figure':>10}  target")
    row("bare Django GET p50 (ms)", f"{bare:.2f}")
    row(
        f"Django SMTP backend, one process, no database (msg/s, {yardstick_count:,} mails)",
        f"{plain_rate:.0f}",
    )
    row(
        f"send_now: {recipients:,} recipients materialised, senders queued (s)",
        f"{materialise:.1f}",
        f"<= {MATERIALISE_TARGET_SECONDS} s: {met(materialise <= MATERIALISE_TARGET_SECONDS)}",
    )
    row(
        f"sending, {WORKERS} workers, to the last mail (msg/s)",
        f"{rate:.0f}",
        f">= {RATE_TARGET}: {met(rate >= RATE_TARGET)}",
    )
    row("  per worker, as a share of the one bare process", f"{rate / WORKERS / plain_rate:.2f}")
    row("to the last mail (s)", f"{last_mail:.1f}" if last_mail else "never")
    row("to the alert marked sent (s)", f"{figures['finished']:.1f}")
    report_memory(figures["memory"])

    duplicates = sink.duplicates
    accounted = counts["sent"] + counts["unknown"] + counts["failed"]
    print(
        f"\nalert {alert.status}{' (' + alert.stop_reason + ')' if alert.stop_reason else ''}; "
        f"{counts}; mails received {received:,}; addresses sent two mails: {len(duplicates)}"
    )
    if args.profile:
        report_profiles(workers)
    promises = (
        not duplicates
        and alert.status == Alert.Status.SENT
        and accounted == recipients == PEOPLE
        and received == counts["sent"]
    )
    print("every promise kept" if promises else "A PROMISE WAS BROKEN")
    return 0 if promises else 1


def row(what: str, figure: str, target: str = "") -> None:
    print(f"{what:56} {figure:>10}  {target}")


def met(condition: bool) -> str:
    return "met" if condition else "MISSED"


if __name__ == "__main__":
    sys.exit(main())
