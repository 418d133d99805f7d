from django.core.management.base import BaseCommand

from tocsin.events.services import enqueue_reminders


class Command(BaseCommand):
    help = (
        "Queue the reminder mail for sessions starting in 24 to 48 hours. Run it hourly or "
        "daily: each answer is reminded once, however often it runs."
    )

    def handle(self, *args, **options):
        count = enqueue_reminders()
        if options["verbosity"] > 0:
            self.stdout.write(f"{count} reminders queued.")
