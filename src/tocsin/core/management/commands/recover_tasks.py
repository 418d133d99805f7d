from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tocsin.core import journal


class Command(BaseCommand):
    help = (
        "Every minute: put back in the queue the tasks whose worker died while running them "
        "(killed, out of memory, server restarted), so no mail is lost. Tocsin's tasks are "
        "safe to run twice: a confirmation already sent is not sent again. On PostgreSQL it "
        "also refreshes the queue's statistics after a surge, so workers keep finding the next "
        "task with the index instead of sorting the whole queue. It also drains the journals "
        "(signatures and call reports waiting in local files), including those of web workers "
        "that died."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--after",
            type=int,
            default=600,
            help="Seconds a task may run before it counts as abandoned (default 600; "
            "Tocsin's tasks take well under a second).",
        )

    def handle(self, *args, after, **options):
        abandoned = DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING,
            started_at__lt=timezone.now() - timezone.timedelta(seconds=after),
        )
        count = abandoned.update(status=TaskResultStatus.READY, started_at=None)
        drained = journal.drain_all()
        analysed = refresh_statistics_after_a_surge()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Put {count} abandoned tasks back in the queue.")
            self.stdout.write(
                "Drained " + ", ".join(f"{n} {name}" for name, n in drained.items()) + "."
            )
            if analysed:
                self.stdout.write("Refreshed the task queue's statistics.")


SURGE_ROWS = 1000


def refresh_statistics_after_a_surge() -> bool:
    """ANALYZE the task table when over SURGE_ROWS rows changed since it was last analysed
    (autovacuum may be off, or a minute behind a spike)."""
    if connection.vendor != "postgresql":
        return False
    table = DBTaskResult._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE relname = %s", [table]
        )
        row = cursor.fetchone()
        if row is None or row[0] < SURGE_ROWS:
            return False
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    return True
