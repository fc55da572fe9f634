from django.core.management.base import BaseCommand

from idi.core.sweeps import run_sweeps


class Command(BaseCommand):
    help = "Run the periodic sweep now: state changes that follow from today's date."

    def handle(self, *args, **options):
        # Each app registers its periodic duties (Hook.SWEEPS); each is idempotent, safe on
        # several workers at once, and returns how many records it changed.
        for label, changed in run_sweeps():
            self.stdout.write(f"{label}: {changed}")
