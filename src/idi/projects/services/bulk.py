"""The bulk import of buildings, units and sales (docs/import.md)."""

from collections.abc import Callable

from django.db import transaction

from idi.core import audit
from idi.core.permissions import Actor
from idi.projects.codes import AuditAction
from idi.projects.models import (
    Project,
)
from idi.projects.services._common import (
    _lock,
    _require_developer,
)

# ---------------------------------------------------------------------------------------------
# Bulk import (docs/import.md)


class _Silent:
    """The progress bar of a caller that wants none."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def update(self, n: int = 1) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


Progress = Callable[..., object]  # called as progress(desc=..., total=...), e.g. tqdm


@transaction.atomic
def import_units(
    *,
    actor: Actor,
    project: Project,
    filename: str,
    content: bytes,
    dry_run: bool,
    progress: Progress | None = None,
):
    """批量导入楼栋、房屋、业主和销售: every row is checked in memory first; if any row is bad
    nothing is written and every bad row is reported; a dry run only reports.

    Returns an `idi.projects.imports.ImportReport`. A file that is not a real .xlsx workbook or
    a UTF-8/GB18030 CSV is refused with a RuleViolation on the field "file".
    """
    from idi.projects import import_writing, imports

    _require_developer(actor, project)
    project = _lock(project)
    progress = progress or _Silent
    table = imports.read_table(filename=filename, content=content)
    plan = imports.plan_import(project=project, table=table, progress=progress)
    report = plan.report(dry_run=dry_run)
    if dry_run or plan.errors:
        return report
    import_writing.write_plan(plan=plan, progress=progress)
    if report.counts["units"] >= import_writing.ANALYZE_FROM_UNITS:
        transaction.on_commit(import_writing.refresh_statistics)
    # One event summarises the whole import, with the file's fingerprint, rather than one event
    # per row: 100,000 chained audit writes would take minutes and bury the log, while the file
    # itself (kept by the developer, matched by the SHA-256) holds every row.
    audit.record(
        actor=actor,
        action=AuditAction.IMPORT_UNITS,
        obj=project,
        after={
            "file": filename,
            "sha256": imports.fingerprint(content),
            **report.counts,
        },
    )
    return report
