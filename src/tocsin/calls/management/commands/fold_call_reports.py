from django.core.management.base import BaseCommand

from tocsin.calls.services import fold_reports


class Command(BaseCommand):
    help = (
        "Fold new call reports (and any buffered in Redis) into the per-target, office, "
        "outcome, day and place tallies. Pages do this every few seconds while people are "
        "watching; run it from cron every minute so quiet campaigns stay current too."
    )

    def handle(self, *args, **options):
        folded = fold_reports()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Folded {folded} call reports.")
