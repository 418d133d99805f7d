"""Import stances from a CSV file: `tocsin import-stances <campaign-slug> <file.csv>`.

All or nothing: one bad row refuses the file, with its line number. Rows already recorded
(same target, stance, date and source) are skipped, so running it twice records nothing new.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tocsin.campaigns.models import Campaign
from tocsin.whip import services


class Command(BaseCommand):
    help = "Record dated stances for a campaign's whip count from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="The campaign's slug.")
        parser.add_argument("file", help="CSV: target_id or name+state, stance, date, source_url.")

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(slug=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"No campaign has the slug {options['campaign']!r}.")
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
        try:
            result = services.import_stances(campaign, data)
        except services.StanceImportError as refusal:
            lines = "\n".join(
                f"  line {line}: {message}" if line else f"  {message}"
                for line, message in refusal.problems
            )
            raise CommandError(f"Nothing was imported from {path}:\n{lines}") from refusal
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{result.recorded} stances recorded, {result.unchanged} already known."
                )
            )
