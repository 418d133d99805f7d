from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tocsin.petitions import limits, services
from tocsin.petitions.models import PetitionAction


class Command(BaseCommand):
    help = (
        "Nightly: delete signatures nobody confirmed in time, anonymise the signatures of "
        "petitions closed long ago, drop the rate limits' ended windows, and prove every "
        "published count equals its rows."
    )

    def handle(self, *args, **options):
        expired = services.expire_unconfirmed()
        anonymised = services.anonymise_closed_petitions(settings.TOCSIN_ANONYMISE_AFTER_DAYS)
        limits.forget_old_counts()
        wrong = [p.title for p in PetitionAction.objects.all() if not services.reconcile(p)]
        if options["verbosity"] >= 1:
            self.stdout.write(f"Expired {expired} unconfirmed signatures; anonymised {anonymised}.")
        if wrong:
            raise CommandError(f"Counts differ from the rows for: {', '.join(wrong)}")
