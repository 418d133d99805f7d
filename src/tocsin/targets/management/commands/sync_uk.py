from django.core.management.base import BaseCommand, CommandError

from tocsin.core.datasources import DatasetError
from tocsin.targets.uk import sync_uk


class Command(BaseCommand):
    help = (
        "Import the UK's constituencies, postcodes and boundaries, then its MPs and ministers. "
        "Reads --source (a directory or URL), else TOCSIN_DATA_DIR/uk, else downloads. Nothing "
        "changes unless every file is valid; MPs who leave are kept, inactive, and "
        "organizations' corrections to their offices survive."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", help="A directory or URL to read instead of upstream.")
        parser.add_argument(
            "--allow-partial",
            action="store_true",
            help="Accept files listing far fewer MPs or ministers than a full House (for tests).",
        )

    def handle(self, *args, source=None, allow_partial=False, **options):
        try:
            places, members = sync_uk(source, allow_partial=allow_partial)
        except DatasetError as error:
            raise CommandError(f"Nothing was changed: {error}") from error
        if options["verbosity"] >= 1:
            postcodes = (
                f"{places.postcodes} postcodes checked to exist"
                if places.postcodes is not None
                else "no list of postcodes in the source (the one loaded before is kept)"
                if places.postcode_list_kept
                else "no list of postcodes (existence is not checked)"
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"UK places: {places.constituencies} constituencies, "
                    f"{places.postcode_ranges} postcode ranges, {postcodes}."
                )
            )
            ministers = (
                f"ministers: {members.ministers_created} new, {members.ministers_updated} "
                f"changed, {members.ministers_retired} no longer in office"
                if members.ministers_source
                else "ministers: no file found, left as they were"
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"MPs: {members.mps_created} new, {members.mps_updated} changed, "
                    f"{members.mps_retired} no longer in office; {ministers}; "
                    f"{members.offices} offices ({members.offices_retired} no longer listed)."
                )
            )
