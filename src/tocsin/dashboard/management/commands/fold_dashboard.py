from django.core.management.base import BaseCommand

from tocsin.calls.services import fold_reports
from tocsin.dashboard import rollups


class Command(BaseCommand):
    help = (
        "Bring the dashboard's rollups up to date: fold new call reports (which adds them to "
        "the rollups too), then recount the last few hours of signatures, RSVPs and gifts. "
        "Run it from cron every minute, and with --all-hours nightly (that also catches old "
        "rows changed since: invalidated signatures, cancelled RSVPs, refunds). --rebuild-calls "
        "recounts every folded call report, once, on a site that had calls before the "
        "dashboard. Safe to run twice at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all-hours", action="store_true")
        parser.add_argument("--rebuild-calls", action="store_true")

    def handle(self, *args, all_hours=False, rebuild_calls=False, **options):
        calls = rollups.rebuild_calls() if rebuild_calls else fold_reports()
        changed = rollups.fold(None) if all_hours else rollups.fold()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Calls folded: {calls}; rollup rows changed for signatures, RSVPs and gifts: "
                f"{changed}."
            )
