import logging
import threading
import time

from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, close_old_connections, connection
from django.utils.crypto import get_random_string

from tocsin.core import scheduling

logger = logging.getLogger(__name__)


def worker_id(value: str) -> str:
    if not 0 < len(value) <= 64:
        raise ValueError(value)
    return value


class Command(BaseCommand):
    help = (
        "Tocsin's background process: runs the task queue (mail) and the periodic jobs of "
        "settings.TOCSIN_SCHEDULE (counts, reminders, maintenance, data syncs, recovery of "
        "stuck tasks). Run it as a service beside the web server; several, on several servers, "
        "are fine: each due job still runs once per period. Stop it with SIGTERM: it finishes "
        "the task in hand first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait before looking again when the queue is empty (default 1).",
        )
        parser.add_argument(
            "--schedule-interval",
            type=float,
            default=5.0,
            help="Seconds between looks at the schedule (default 5).",
        )
        parser.add_argument(
            "--worker-id",
            type=worker_id,
            default=None,
            help="This worker's name in the task table, unique, at most 64 characters "
            "(default: random).",
        )
        parser.add_argument(
            "--run",
            metavar="JOB",
            help="Run this scheduled job once, here and now, and exit (whatever its schedule).",
        )

    def handle(self, *args, interval, schedule_interval, worker_id, run, **options):
        try:
            jobs = scheduling.load_schedule()
        except ImproperlyConfigured as error:
            raise CommandError(f"The schedule is wrong: {error}") from error
        if run:
            self.run_now(jobs, run, options["verbosity"])
            return

        worker_id = worker_id or get_random_string(32)
        scheduler = scheduling.Scheduler(jobs, worker_id)
        scheduler.start()
        if options["verbosity"] >= 1:
            self.stdout.write(
                "Scheduled jobs: "
                + ", ".join(
                    f"{job.name} every {job.every.total_seconds():g} s" for job in jobs.values()
                )
            )
        stop = threading.Event()
        # The schedule in a thread of its own, because the task queue's worker keeps the main
        # thread (and its signal handlers) until it is told to stop.
        looking = threading.Thread(
            target=scheduler.run, args=(stop, schedule_interval), name="schedule", daemon=True
        )
        looking.start()
        try:
            while True:
                try:
                    call_command(
                        "db_worker",
                        interval=interval,
                        worker_id=worker_id,
                        reload=False,
                        verbosity=options["verbosity"],
                    )
                except OperationalError as error:
                    # On SQLite a long write (an alert's recipients, an import) can hold the
                    # database past the busy timeout, and the queue's loop ends on the error
                    # it gets; it is only a wait, so take up the queue again.
                    if connection.vendor != "sqlite" or "locked" not in str(error):
                        raise
                    logger.warning("The database was busy; the worker takes up its queue again.")
                    close_old_connections()
                    time.sleep(interval)
                    continue
                break  # stopped by a signal: the queue's worker returned
        finally:
            stop.set()
            looking.join(timeout=10)

    def run_now(self, jobs, name, verbosity):
        job = jobs.get(name)
        if job is None:
            raise CommandError(f"No job {name!r} in the schedule; there are: {', '.join(jobs)}.")
        try:
            result = scheduling.run_job.call(job.name, job.call, job.kwargs)
        except Exception as error:
            raise CommandError(f"{job.name} failed: {error}") from error
        if verbosity >= 1:
            self.stdout.write(f"{job.name}: {result}")
