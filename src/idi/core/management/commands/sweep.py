from django.core.management.base import BaseCommand

from idi.core import health
from idi.core.models import DutyRun
from idi.core.permissions import SYSTEM
from idi.core.registry import Hook, providers


class Command(BaseCommand):
    help = "Run the periodic sweep: state changes that follow from today's date."

    def handle(self, *args, **options):
        # Each app registers its periodic duties (Hook.SWEEPS); each is idempotent, safe on
        # several workers at once, and returns how many records it changed.
        total = 0
        for label, sweep in providers(Hook.SWEEPS):
            changed = sweep(actor=SYSTEM)
            total += changed
            self.stdout.write(f"{label}: {changed}")
        health.record_run(duty=DutyRun.Duty.SWEEP, ok=True, count=total)
