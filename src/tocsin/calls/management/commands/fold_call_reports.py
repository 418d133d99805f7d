from django.core.management.base import BaseCommand

from tocsin.calls.services import fold_reports
from tocsin.calls.telephony import forget_stale_numbers


class Command(BaseCommand):
    help = (
        "Fold new call reports (and any buffered in Redis) into the per-target, office, "
        "outcome, day and place tallies, and drop the phone numbers of click-to-calls that "
        "are over. Pages fold every few seconds while people watch; run this from cron every "
        "minute so quiet campaigns stay current too."
    )

    def handle(self, *args, **options):
        folded = fold_reports()
        forgotten = forget_stale_numbers()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Folded {folded} call reports; dropped {forgotten} stale phone numbers."
            )
