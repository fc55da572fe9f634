from django.core.management.base import BaseCommand

from idi.core.permissions import SYSTEM
from idi.core.registry import Hook, providers


class Command(BaseCommand):
    help = "Run the periodic sweep: state changes that follow from today's date."

    def handle(self, *args, **options):
        # Each app registers its periodic duties (Hook.SWEEPS); each is idempotent, safe on
        # several workers at once, and returns how many records it changed.
        for label, sweep in providers(Hook.SWEEPS):
            self.stdout.write(f"{label}: {sweep(actor=SYSTEM)}")
