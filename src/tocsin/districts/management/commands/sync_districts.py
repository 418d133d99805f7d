from django.core.management.base import BaseCommand, CommandError

from tocsin.core.datasources import DatasetError
from tocsin.districts.sync import sync_districts


class Command(BaseCommand):
    help = (
        "Load the ZIP → congressional district table and the district boundaries. Reads "
        "--source (a directory laid out like ../shared/data), else TOCSIN_DATA_DIR, else "
        "downloads from the public sources. Nothing changes unless every file is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", help="A directory or URL to read instead of upstream.")
        parser.add_argument(
            "--allow-partial",
            action="store_true",
            help="Accept files with far fewer rows than a complete dataset (for tests).",
        )

    def handle(self, *args, source=None, allow_partial=False, **options):
        try:
            result = sync_districts(source, allow_partial=allow_partial)
        except DatasetError as error:
            raise CommandError(f"Nothing was changed: {error}") from error
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {result.zip_pairs} ZIP–district pairs for {result.zctas} ZIP codes "
                    f"and {result.boundaries} district boundaries."
                )
            )
