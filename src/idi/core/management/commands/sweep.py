from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from idi.core.permissions import SYSTEM
from idi.core.registry import Hook, providers

# Every periodic duty of the platform, in order; each is idempotent and safe to run on several
# workers at once, and returns how many records it changed.
SWEEPS = [
    ("policy states / 保单状态", "idi.underwriting.services.sweep_policy_states"),
]


class Command(BaseCommand):
    help = "Run the periodic sweep: state changes that follow from today's date."

    def handle(self, *args, **options):
        for label, path in SWEEPS:
            changed = import_string(path)()
            self.stdout.write(f"{label}: {changed}")
        for label, sweep in providers(Hook.SWEEPS):
            self.stdout.write(f"{label}: {sweep(actor=SYSTEM)}")
