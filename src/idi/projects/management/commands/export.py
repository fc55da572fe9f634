"""`idi export units --project ID FILE [--as USERNAME]`: the import format (docs/import.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from idi.core.errors import NotFound
from idi.projects import imports, selectors
from idi.projects.management.commands._actor import actor_for


class Command(BaseCommand):
    help = (
        "Export a project's buildings, units, owners and sales in the import format: "
        "`idi export units --project ID FILE` (.xlsx or .csv by the file's extension)."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["units"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--project", type=int, required=True, help="project id")
        parser.add_argument("--as", dest="username", help="act as this user (default: operator)")

    def handle(self, *args, **options):
        path: Path = options["file"]
        actor = actor_for(options["username"])
        try:
            project = selectors.get_project(actor=actor, pk=options["project"])
        except NotFound:
            raise CommandError(f"项目不存在 / no such project: {options['project']}") from None
        rows = selectors.export_rows(actor=actor, project=project)
        if path.suffix.lower() == ".xlsx":
            path.write_bytes(imports.write_xlsx(rows))
        else:
            path.write_bytes(imports.write_csv(rows))
        self.stdout.write(f"已导出 / exported: {path}")
