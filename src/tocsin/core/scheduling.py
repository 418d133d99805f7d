"""The periodic jobs that `tocsin worker` runs beside the task queue.

settings.TOCSIN_SCHEDULE names each job with the dotted path of what it calls (so core imports
no app), how often it runs and, optionally, keyword arguments:

    TOCSIN_SCHEDULE = {"event-reminders": {"call": "tocsin.events.services.enqueue_reminders",
                                           "every": 3600, "kwargs": {}}}

Every worker, on every server, looks at the schedule every few seconds. A job has one row
(ScheduledJob); a worker claims a due job with a conditional UPDATE that moves the row's
`next_run_at` on, and only the worker whose UPDATE changed the row queues it, as a task, in the
same transaction. So a due job runs once per period however many workers look at once.

Jobs run as tasks rather than in the scheduler's thread so that they are run by whichever
worker is free, recorded with their outcome (and traceback) in the task table, and put back in
the queue by `recover_tasks` when the worker running them dies, like any other task. They go
before mail in the queue, so counts and recovery keep their pace through a surge of mail.
"""

import dataclasses
import datetime
import inspect
import json
import logging
import os
import socket
import threading

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import ScheduledJob, WorkerHeartbeat

logger = logging.getLogger(__name__)

# Ahead of mail, which is queued at the default priority (0).
JOB_PRIORITY = 10
# A worker not seen for this long is forgotten when another one starts.
HEARTBEATS_KEPT = datetime.timedelta(days=7)
ENTRY_KEYS = {"call", "every", "kwargs"}


class ScheduleError(ImproperlyConfigured):
    pass


@dataclasses.dataclass(frozen=True)
class Job:
    name: str
    call: str
    every: datetime.timedelta
    kwargs: dict


def load_schedule(schedule: dict | None = None) -> dict[str, Job]:
    """The jobs of `schedule` (default settings.TOCSIN_SCHEDULE), each checked: its dotted path
    imports, is callable and takes its kwargs. Raises ScheduleError saying which job is wrong."""
    if schedule is None:
        schedule = settings.TOCSIN_SCHEDULE
    if not isinstance(schedule, dict):
        raise ScheduleError("TOCSIN_SCHEDULE must be a dict of jobs by name.")
    jobs = {}
    for name, entry in schedule.items():
        where = f"TOCSIN_SCHEDULE[{name!r}]"
        max_length = ScheduledJob._meta.get_field("job").max_length
        if not isinstance(name, str) or not 0 < len(name) <= max_length:
            raise ScheduleError(f"{where}: a job's name is text of 1 to {max_length} characters.")
        if not isinstance(entry, dict):
            raise ScheduleError(f'{where} must be a dict like {{"call": "a.b.c", "every": 60}}.')
        unknown = set(entry) - ENTRY_KEYS
        if unknown:
            raise ScheduleError(
                f"{where}: unknown key(s) {', '.join(sorted(unknown))}; a job has "
                f"{', '.join(sorted(ENTRY_KEYS))}."
            )
        call = entry.get("call")
        if not isinstance(call, str) or not call:
            raise ScheduleError(f'{where}: "call" must be the dotted path of a function.')
        try:
            function = import_string(call)
        except ImportError as error:
            raise ScheduleError(f"{where}: cannot import {call!r}: {error}") from error
        if not callable(function):
            raise ScheduleError(f"{where}: {call!r} is not callable.")
        every = entry.get("every")
        if isinstance(every, bool) or not isinstance(every, int | float) or not every >= 1:
            raise ScheduleError(f'{where}: "every" must be a number of seconds, at least 1.')
        kwargs = entry.get("kwargs", {})
        if not isinstance(kwargs, dict):
            raise ScheduleError(f'{where}: "kwargs" must be a dict.')
        try:
            json.dumps(kwargs)
        except (TypeError, ValueError) as error:
            # They travel to the worker that runs the job inside the task's row.
            raise ScheduleError(f'{where}: "kwargs" must be JSON: {error}') from error
        try:
            inspect.signature(function).bind(**kwargs)
        except TypeError as error:
            raise ScheduleError(
                f"{where}: {call!r} cannot be called with {kwargs}: {error}"
            ) from error
        except ValueError:
            pass  # a builtin without a signature: it will say so when called
        jobs[name] = Job(name, call, datetime.timedelta(seconds=every), kwargs)
    return jobs


@task(priority=JOB_PRIORITY)
def run_job(name: str, call: str, kwargs: dict):
    """One run of a scheduled job. A job that raises is logged and marked failed; the worker
    goes on, and the job runs again in its next period."""
    try:
        result = import_string(call)(**kwargs)
    except Exception:
        logger.exception("Scheduled job %s (%s) failed.", name, call)
        raise
    logger.debug("Scheduled job %s done: %s", name, result)
    return storable(result)


def storable(value):
    """A job's return value as the task table can keep it (JSON)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    return json.loads(json.dumps(value, default=str))


class Scheduler:
    """What one worker does with the schedule: keep its rows, claim and queue the due jobs,
    and record that it looked."""

    def __init__(self, jobs: dict[str, Job], worker_id: str):
        self.jobs = jobs
        self.worker_id = worker_id

    def start(self, now: datetime.datetime | None = None) -> None:
        """A row for each job new to the schedule, first due one period from now."""
        now = now or timezone.now()
        with transaction.atomic():
            known = set(
                ScheduledJob.objects.filter(job__in=self.jobs).values_list("job", flat=True)
            )
            ScheduledJob.objects.bulk_create(
                [
                    ScheduledJob(job=job.name, next_run_at=now + job.every)
                    for job in self.jobs.values()
                    if job.name not in known
                ],
                ignore_conflicts=True,  # another worker starting at the same moment
            )
            # A period shortened in the settings counts from now, not from the old period.
            for job in self.jobs.values():
                ScheduledJob.objects.filter(job=job.name, next_run_at__gt=now + job.every).update(
                    next_run_at=now + job.every
                )
        WorkerHeartbeat.objects.filter(seen_at__lt=now - HEARTBEATS_KEPT).delete()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": now,
                "seen_at": now,
            },
        )

    def beat(self, now: datetime.datetime) -> None:
        if not WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(seen_at=now):
            WorkerHeartbeat.objects.create(
                worker_id=self.worker_id,
                hostname=socket.gethostname()[:255],
                pid=os.getpid(),
                started_at=now,
                seen_at=now,
            )

    def tick(self, now: datetime.datetime | None = None) -> list[str]:
        """Record the heartbeat, then claim and queue every due job; returns the names queued
        by this worker."""
        now = now or timezone.now()
        self.beat(now)
        due = ScheduledJob.objects.filter(job__in=self.jobs, next_run_at__lte=now)
        queued = []
        for name in due.values_list("job", flat=True):
            try:
                if self.claim(self.jobs[name], now):
                    queued.append(name)
            except DatabaseError:
                logger.exception("Could not queue scheduled job %s; trying again soon.", name)
        return queued

    def claim(self, job: Job, now: datetime.datetime) -> bool:
        with transaction.atomic():
            won = ScheduledJob.objects.filter(job=job.name, next_run_at__lte=now).update(
                next_run_at=now + job.every
            )
            if not won:
                return False  # another worker claimed it first
            previous = (
                ScheduledJob.objects.filter(job=job.name)
                .values_list("last_task_id", flat=True)
                .get()
            )
            if (
                previous
                and DBTaskResult.objects.filter(
                    pk=previous, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
                ).exists()
            ):
                # A queue that fell behind holds one run of each job, not one per period.
                logger.warning("Scheduled job %s has not finished its last run yet.", job.name)
                return False
            result = run_job.enqueue(job.name, job.call, job.kwargs)
            ScheduledJob.objects.filter(job=job.name).update(
                last_task_id=str(result.id), last_queued_at=now
            )
        return True

    def run(self, stop: threading.Event, every: float) -> None:
        """The worker's scheduling thread: look every `every` seconds until `stop` is set. A
        database that is down is logged and tried again; it never ends the thread."""
        try:
            while not stop.is_set():
                try:
                    queued = self.tick()
                    if queued:
                        logger.debug("Queued scheduled jobs: %s", ", ".join(queued))
                except Exception:
                    logger.exception("Could not look at the schedule; trying again.")
                close_old_connections()
                stop.wait(every)
        finally:
            connection.close()


def last_heartbeat() -> datetime.datetime | None:
    """When a worker last looked at the schedule (None: never), for a readiness check."""
    return WorkerHeartbeat.objects.aggregate(seen=Max("seen_at"))["seen"]


# ---------------------------------------------------------------------------- core's own jobs

STUCK_AFTER_SECONDS = 600
SURGE_ROWS = 1000


def recover_tasks(after: int = STUCK_AFTER_SECONDS) -> dict:
    """Put back in the queue the tasks whose worker died while running them (killed, out of
    memory, server restarted), so no mail is lost. Tocsin's tasks are safe to run twice: a
    confirmation already sent is not sent again. Then, after a surge, refresh PostgreSQL's
    statistics of the queue."""
    abandoned = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING,
        started_at__lt=timezone.now() - datetime.timedelta(seconds=after),
    )
    recovered = abandoned.update(status=TaskResultStatus.READY, started_at=None)
    if recovered:
        logger.warning("Put %s abandoned tasks back in the queue.", recovered)
    return {"recovered": recovered, "analysed": refresh_statistics_after_a_surge()}


def refresh_statistics_after_a_surge() -> bool:
    """ANALYZE the task table when over SURGE_ROWS rows changed since it was last analysed:
    autovacuum may be off, or behind a spike, and with the statistics of an empty queue the
    workers' "next task" query sorts the whole table instead of using its index."""
    if connection.vendor != "postgresql":
        return False
    table = DBTaskResult._meta.db_table
    # The ORM has no way to read pg_stat_user_tables or to run ANALYZE.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE relname = %s", [table]
        )
        row = cursor.fetchone()
        if row is None or row[0] < SURGE_ROWS:
            return False
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return True


def prune_task_results(days: int = 14) -> None:
    """Delete finished tasks older than `days` (the scheduled jobs alone add thousands a day)."""
    call_command("prune_db_task_results", queue_name="*", min_age_days=days, verbosity=0)
