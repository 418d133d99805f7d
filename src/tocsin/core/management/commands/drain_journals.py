import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from tocsin.core import journal


class Command(BaseCommand):
    help = (
        "Store what the web workers journaled (signatures, call reports: see "
        "TOCSIN_SIGNATURE_BUFFER and TOCSIN_CALL_REPORT_BUFFER) in the database. Once, or with "
        "--every, as a service that keeps doing it; while it runs, the web workers leave the "
        "draining to it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=float, default=0, help="Seconds between drains (default: drain once)."
        )

    def handle(self, *args, every, **options):
        while True:
            if every:
                journal.beat()
            drained = journal.drain_all()
            if options["verbosity"] >= 2 or (options["verbosity"] >= 1 and not every):
                self.stdout.write(
                    "Drained " + ", ".join(f"{n} {name}" for name, n in drained.items()) + "."
                )
            if not every:
                return
            close_old_connections()
            time.sleep(every)
