import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tocsin.core import scheduling
from tocsin.core.models import ScheduledJob, WorkerHeartbeat

HERE = __name__  # dotted paths of the jobs below, as a schedule names them
RUNS: list[str] = []


def record(label: str = "ran") -> str:
    RUNS.append(label)
    return label


def fail() -> None:
    raise RuntimeError("the job broke")


def mail_from_the_schedule() -> None:
    mail.send_mail("From the schedule", "A scheduled job ran.", None, ["ops@example.org"])


@task()
def mail_someone(address: str) -> None:
    mail.send_mail("From the queue", "A queued task ran.", None, [address])


@pytest.fixture(autouse=True)
def no_runs_yet():
    RUNS.clear()
    yield
    RUNS.clear()


def schedule(**entries) -> dict[str, scheduling.Job]:
    return scheduling.load_schedule(entries)


START = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


def test_the_shipped_schedule_names_jobs_that_exist():
    jobs = scheduling.load_schedule()
    assert {"recover-tasks", "event-reminders", "sync-legislators"} <= set(jobs)
    assert jobs["dashboard-rollups-all"].kwargs == {"since": None}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"call": "tocsin.nowhere.job", "every": 60}, "cannot import 'tocsin.nowhere.job'"),
        ({"call": f"{HERE}.no_such_job", "every": 60}, "cannot import"),
        ({"call": f"{HERE}.RUNS", "every": 60}, "is not callable"),
        ({"call": f"{HERE}.record", "every": 0}, '"every" must be a number of seconds'),
        ({"call": f"{HERE}.record", "every": "60"}, '"every" must be a number of seconds'),
        ({"call": f"{HERE}.record", "every": 60, "at": "03:00"}, "unknown key(s) at"),
        ({"call": f"{HERE}.record", "every": 60, "kwargs": {"colour": 1}}, "cannot be called"),
        ({"call": f"{HERE}.record", "every": 60, "kwargs": {"label": {1, 2}}}, "must be JSON"),
    ],
)
def test_a_wrong_job_is_refused_saying_which(entry, message):
    with pytest.raises(scheduling.ScheduleError) as refused:
        scheduling.load_schedule({"nightly": entry})
    assert "TOCSIN_SCHEDULE['nightly']" in str(refused.value)
    assert message in str(refused.value)


@pytest.mark.django_db
def test_the_worker_refuses_to_start_with_an_unknown_dotted_path(settings):
    settings.TOCSIN_SCHEDULE = {"reminders": {"call": "tocsin.events.nowhere.remind", "every": 60}}
    with pytest.raises(CommandError, match=r"cannot import 'tocsin\.events\.nowhere\.remind'"):
        call_command("worker", verbosity=0)
    assert not ScheduledJob.objects.exists()
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db
def test_a_job_not_yet_due_does_not_run(run_tasks):
    scheduler = scheduling.Scheduler(schedule(job={"call": f"{HERE}.record", "every": 60}), "w1")
    scheduler.start(START)
    assert scheduler.tick(START) == []
    assert scheduler.tick(START + MINUTE - datetime.timedelta(seconds=1)) == []
    run_tasks()
    assert RUNS == []
    assert not DBTaskResult.objects.exists()

    assert scheduler.tick(START + MINUTE) == ["job"]
    run_tasks()
    assert RUNS == ["ran"]
    assert ScheduledJob.objects.get().next_run_at == START + 2 * MINUTE


@pytest.mark.django_db
def test_a_due_job_runs_once_per_period_and_with_its_kwargs(run_tasks):
    jobs = schedule(job={"call": f"{HERE}.record", "every": 60, "kwargs": {"label": "hello"}})
    first, second = scheduling.Scheduler(jobs, "w1"), scheduling.Scheduler(jobs, "w2")
    first.start(START)
    second.start(START + datetime.timedelta(seconds=3))  # does not push the job back
    assert first.tick(START + MINUTE) == ["job"]
    assert second.tick(START + MINUTE) == []
    assert second.tick(START + MINUTE + datetime.timedelta(seconds=30)) == []
    run_tasks()
    assert RUNS == ["hello"]
    assert second.tick(START + 2 * MINUTE) == ["job"]


@pytest.mark.django_db
def test_a_worker_that_saw_a_job_due_late_does_not_run_it_again(run_tasks):
    jobs = schedule(job={"call": f"{HERE}.record", "every": 60})
    first, second = scheduling.Scheduler(jobs, "w1"), scheduling.Scheduler(jobs, "w2")
    first.start(START)
    # Both found the job due; the first claimed it, and its run is over before the second
    # gets round to claiming it.
    assert first.claim(jobs["job"], START + MINUTE)
    run_tasks()
    assert not second.claim(jobs["job"], START + MINUTE)
    run_tasks()
    assert RUNS == ["ran"]


@pytest.mark.django_db(transaction=True)
def test_a_due_job_runs_once_when_two_schedulers_look_at_once(run_tasks):
    jobs = schedule(job={"call": f"{HERE}.record", "every": 60})
    scheduling.Scheduler(jobs, "w0").start(START)
    both_ready = threading.Barrier(2)
    queued: list[list[str]] = []

    def look(worker_id: str) -> None:
        try:
            scheduler = scheduling.Scheduler(jobs, worker_id)
            both_ready.wait(timeout=10)
            queued.append(scheduler.tick(START + MINUTE))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=look, args=(f"w{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(queued) == [[], ["job"]]
    assert DBTaskResult.objects.count() == 1
    run_tasks()
    assert RUNS == ["ran"]


@pytest.mark.django_db
def test_a_job_still_waiting_in_the_queue_is_not_queued_again(run_tasks):
    scheduler = scheduling.Scheduler(schedule(job={"call": f"{HERE}.record", "every": 60}), "w1")
    scheduler.start(START)
    assert scheduler.tick(START + MINUTE) == ["job"]
    assert scheduler.tick(START + 2 * MINUTE) == []  # the queue fell behind
    assert DBTaskResult.objects.count() == 1
    run_tasks()
    assert scheduler.tick(START + 3 * MINUTE) == ["job"]
    run_tasks()
    assert RUNS == ["ran", "ran"]


@pytest.mark.django_db
def test_a_failing_job_is_logged_and_does_not_stop_the_others(run_tasks, caplog):
    jobs = schedule(
        first={"call": f"{HERE}.record", "every": 60, "kwargs": {"label": "first"}},
        broken={"call": f"{HERE}.fail", "every": 60},
        last={"call": f"{HERE}.record", "every": 60, "kwargs": {"label": "last"}},
    )
    scheduler = scheduling.Scheduler(jobs, "w1")
    scheduler.start(START)
    assert sorted(scheduler.tick(START + MINUTE)) == ["broken", "first", "last"]
    run_tasks()
    assert sorted(RUNS) == ["first", "last"]
    statuses = {r.args_kwargs["args"][0]: r.status for r in DBTaskResult.objects.all()}
    assert statuses == {
        "first": TaskResultStatus.SUCCESSFUL,
        "broken": TaskResultStatus.FAILED,
        "last": TaskResultStatus.SUCCESSFUL,
    }
    assert "Scheduled job broken" in caplog.text
    assert "the job broke" in caplog.text
    # It runs again in its next period.
    assert "broken" in scheduler.tick(START + 2 * MINUTE)


@pytest.mark.django_db
def test_the_worker_records_when_it_last_looked():
    assert scheduling.last_heartbeat() is None
    scheduler = scheduling.Scheduler(schedule(), "w1")
    scheduler.start(START)
    scheduler.tick(START + MINUTE)
    assert scheduling.last_heartbeat() == START + MINUTE
    beat = WorkerHeartbeat.objects.get()
    assert (beat.worker_id, beat.pid, beat.started_at) == ("w1", os.getpid(), START)


@pytest.mark.django_db
def test_a_job_can_be_run_by_hand(settings, capsys):
    settings.TOCSIN_SCHEDULE = {
        "job": {"call": f"{HERE}.record", "every": 60, "kwargs": {"label": "x"}}
    }
    call_command("worker", run="job")
    assert RUNS == ["x"]
    assert "job: x" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No job 'nope' in the schedule; there are: job"):
        call_command("worker", run="nope")


@pytest.mark.django_db
def test_recovery_puts_a_task_stuck_running_back_in_the_queue():
    stuck = mail_someone.enqueue("a@example.org")
    busy = mail_someone.enqueue("b@example.org")
    now = timezone.now()
    DBTaskResult.objects.filter(pk=stuck.id).update(
        status=TaskResultStatus.RUNNING, started_at=now - datetime.timedelta(seconds=601)
    )
    DBTaskResult.objects.filter(pk=busy.id).update(
        status=TaskResultStatus.RUNNING, started_at=now - datetime.timedelta(seconds=60)
    )
    assert scheduling.recover_tasks()["recovered"] == 1
    assert DBTaskResult.objects.get(pk=stuck.id).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=busy.id).status == TaskResultStatus.RUNNING


def test_statistics_are_refreshed_only_after_a_surge(db, monkeypatch):
    monkeypatch.setattr(scheduling, "SURGE_ROWS", 0)
    assert scheduling.refresh_statistics_after_a_surge() == (connection.vendor == "postgresql")
    monkeypatch.setattr(scheduling, "SURGE_ROWS", 10**12)
    assert not scheduling.refresh_statistics_after_a_surge()


def database_url() -> str:
    """The test database, for another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, seconds: float, process: subprocess.Popen):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the worker exited with {process.returncode}")
        if result := condition():
            return result
        time.sleep(0.1)
    pytest.fail("gave up waiting for the worker")


@pytest.mark.django_db(transaction=True)
def test_tocsin_worker_runs_queued_mail_and_the_schedule_then_stops_on_sigterm(tmp_path):
    mailbox = tmp_path / "mail"
    (tmp_path / "worker_settings.py").write_text(
        "from tocsin.settings.development import *  # noqa: F403\n"
        "DEBUG = False\n"
        'EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"\n'
        f"EMAIL_FILE_PATH = {str(mailbox)!r}\n"
        "TOCSIN_SCHEDULE = {'mail': {'call': "
        f"'{HERE}.mail_from_the_schedule', 'every': 1}}}}\n"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "worker_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path]),
        "DATABASE_URL": database_url(),
        "TOCSIN_VAR_DIR": str(tmp_path / "var"),
    }
    mail_someone.enqueue("supporter@example.org")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tocsin",
            "worker",
            "--interval",
            "0.1",
            "--schedule-interval",
            "0.2",
        ],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:

        def mails() -> list[str]:
            if not mailbox.exists():
                return []
            texts = [path.read_text() for path in sorted(Path(mailbox).iterdir())]
            subjects = {
                s for s in ("From the queue", "From the schedule") if any(s in t for t in texts)
            }
            return texts if len(subjects) == 2 else []

        texts = wait_for(mails, 60, worker)
        assert any("To: supporter@example.org" in text for text in texts)
        assert DBTaskResult.objects.get(task_path__endswith="mail_someone").status == (
            TaskResultStatus.SUCCESSFUL
        )
        assert WorkerHeartbeat.objects.get().pid == worker.pid
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=20) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
        output = worker.communicate()[0]
    assert "Scheduled jobs: mail every 1 s" in output
