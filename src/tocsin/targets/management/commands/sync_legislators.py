from django.core.management.base import BaseCommand, CommandError

from tocsin.core.datasources import DatasetError
from tocsin.targets.services import sync_legislators


class Command(BaseCommand):
    help = (
        "Import current members of Congress with their offices and social accounts from the "
        "congress-legislators dataset. Reads --source (a directory or URL), else "
        "TOCSIN_DATA_DIR/congress, else downloads. Nothing changes unless every file is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", help="A directory or URL to read instead of upstream.")
        parser.add_argument(
            "--allow-partial",
            action="store_true",
            help="Accept a file listing far fewer members than a full Congress (for tests).",
        )

    def handle(self, *args, source=None, allow_partial=False, **options):
        try:
            result = sync_legislators(source, allow_partial=allow_partial)
        except DatasetError as error:
            raise CommandError(f"Nothing was changed: {error}") from error
        chambers = ", ".join(
            f"{count} {chamber}" for chamber, count in sorted(result.members_by_chamber.items())
        )
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Members of Congress: {result.created} new, {result.updated} changed, "
                    f"{result.retired} no longer in office ({chambers}); {result.offices} offices "
                    f"({result.offices_retired} no longer listed); "
                    f"{result.social_accounts} social accounts."
                )
            )
