import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "For `make demo`: Django's development server with `tocsin worker` beside it, so the "
        "demo's mail goes out and its counts refresh. Ctrl-C stops both."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        if settings.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":
            self.stdout.write(f"Mail is written to {settings.EMAIL_FILE_PATH}/, one file each.")
        # A session of its own keeps Ctrl-C (meant for the server) from reaching the worker
        # too: it is stopped once, with SIGTERM, after the server.
        worker = subprocess.Popen(
            [sys.executable, "-m", "tocsin", "worker", "--verbosity", "0"],
            start_new_session=True,
        )
        # Stopped some other way than Ctrl-C, it still stops the worker on its way out.
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGHUP, stop)
        try:
            # Without the reloader: it would start the server, and so this, twice.
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()


def stop(signum, frame):
    sys.exit(0)
