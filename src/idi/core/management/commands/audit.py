from django.core.management.base import BaseCommand, CommandError

from idi.core import health


class Command(BaseCommand):
    help = "Audit log tools. `idi audit verify` proves the hash chain is unbroken."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        result = health.verify_audit_chain()
        if not result.ok:
            where = f" at event #{result.event_id}" if result.event_id else ""
            raise CommandError(
                f"审计链校验失败 / audit chain broken{where}: {result.problem} "
                f"({result.checked} events verified before it)"
            )
        self.stdout.write(f"审计链完整 / audit chain intact: {result.checked} events")
