from django.core.management.base import BaseCommand, CommandError

from idi.core import audit
from idi.core.permissions import SYSTEM


class Command(BaseCommand):
    help = (
        "Audit log tools. `idi audit verify` checks the keyed hash chain against the key and the "
        "signed checkpoints and reports what was removed or rewritten; `idi audit checkpoint` "
        "anchors the chain now (the sweep does it periodically)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint"])

    def handle(self, *args, **options):
        if options["action"] == "checkpoint":
            written = audit.write_checkpoint(actor=SYSTEM)
            self.stdout.write(f"审计检查点 / audit checkpoints written: {written}")
            return
        result = audit.verify()
        if not result.ok:
            where = f" at event #{result.event_id}" if result.event_id else ""
            details = "\n".join(f"  - {problem}" for problem in result.problems)
            raise CommandError(
                f"审计链校验失败 / audit chain broken{where}: {result.problem} "
                f"({result.checked} events verified before it)\n{details}"
            )
        self.stdout.write(
            f"审计链完整 / audit chain intact: {result.checked} events, "
            f"{result.checkpoints} checkpoints, {result.unanchored} events since the last one"
        )
