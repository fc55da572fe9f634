"""`idi import units FILE --project ID [--dry-run] [--as USERNAME]` (docs/import.md)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import get_language
from tqdm import tqdm

from idi.core.errors import Forbidden, NotFound, RuleViolation
from idi.projects import selectors, services
from idi.projects.management.commands._actor import actor_for


class Command(BaseCommand):
    help = (
        "Import buildings, units, owners and sales of a project from an .xlsx or CSV file: "
        "`idi import units FILE --project ID [--dry-run]`. Every bad row is listed; nothing is "
        "written unless every row is good."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["units"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--project", type=int, required=True, help="project id")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--as", dest="username", help="act as this user (default: operator)")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在 / no such file: {path}")
        actor = actor_for(options["username"])
        try:
            project = selectors.get_project(actor=actor, pk=options["project"])
            report = services.import_units(
                actor=actor,
                project=project,
                filename=path.name,
                content=path.read_bytes(),
                dry_run=options["dry_run"],
                progress=self._bar,
            )
        except NotFound:
            raise CommandError(f"项目不存在 / no such project: {options['project']}") from None
        except (RuleViolation, Forbidden) as exc:
            raise CommandError(exc.message_for(get_language())) from None
        for error in report.errors:
            column = f" [{error.column}]" if error.column else ""
            message = error.message_for(get_language())
            self.stderr.write(f"第 {error.row} 行 / row {error.row}{column}: {message}")
        counts = ", ".join(f"{key} {value}" for key, value in report.counts.items())
        if report.errors:
            raise CommandError(
                f"{len(report.errors)} 处错误，未写入任何数据 / {len(report.errors)} errors, "
                "nothing written"
            )
        if report.dry_run:
            self.stdout.write(
                f"检查通过，未写入（试运行） / all rows good, nothing written: {counts}"
            )
        else:
            self.stdout.write(f"已导入 / imported: {counts}")

    def _bar(self, *, desc: str, total: int, unit: str):
        return tqdm(desc=desc, total=total, unit=unit, file=sys.stderr, leave=False)
