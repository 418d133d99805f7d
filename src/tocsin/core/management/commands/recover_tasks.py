from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class Command(BaseCommand):
    help = (
        "Every few minutes: put back in the queue the tasks whose worker died while running "
        "them (killed, out of memory, server restarted), so no mail is lost. Tocsin's tasks "
        "are safe to run twice: a confirmation already sent is not sent again."
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
        if options["verbosity"] >= 1:
            self.stdout.write(f"Put {count} abandoned tasks back in the queue.")
