from django.core.management.base import BaseCommand

from idi.core.permissions import SYSTEM
from idi.notifications.services import recompute_provisional_deadlines


class Command(BaseCommand):
    help = (
        "R-T5: after adding a year's calendar file (IDI_CALENDAR_DIR), recompute every open "
        "provisional deadline with it."
    )

    def handle(self, *args, **options):
        changed = recompute_provisional_deadlines(actor=SYSTEM)
        self.stdout.write(f"recomputed / 已重算: {changed}")
