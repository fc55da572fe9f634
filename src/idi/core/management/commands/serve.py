from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from idi.core.sweeps import SweepThread


class Command(BaseCommand):
    help = (
        "Serve the platform on 127.0.0.1:8000 (static files through WhiteNoise), running the "
        "periodic sweep in a background thread (production runs it with Celery beat instead)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument(
            "--sweep-interval",
            type=float,
            default=settings.IDI_SWEEP_INTERVAL,
            help="seconds between two sweeps (IDI_SWEEP_INTERVAL, default 300); 0: no sweep",
        )

    def handle(self, *args, **options):
        interval = options["sweep_interval"]
        sweeper = SweepThread(interval=interval) if interval > 0 else None
        if sweeper:
            sweeper.start()
        try:
            call_command("runserver", options["addr"], use_reloader=False)
        finally:
            if sweeper:
                sweeper.stop()
