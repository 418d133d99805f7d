from django.core.management.base import BaseCommand

from tocsin.dashboard import rollups


class Command(BaseCommand):
    help = (
        "Bring the dashboard's rollups of calls, signatures, RSVPs, gifts and letters up to "
        "date with the rows: the last few hours, and any campaign whose older rows changed. With "
        "--all-hours, recount everything. The task worker does both on its own (every minute, "
        "and nightly); this is for running by hand. Safe to run twice at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all-hours", action="store_true", help="Recount all of time, campaign by campaign."
        )

    def handle(self, *args, all_hours=False, **options):
        changed = rollups.refresh(None) if all_hours else rollups.refresh()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Rollup rows changed: {changed}.")
