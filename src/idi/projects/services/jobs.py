"""Large imports and their checks as background jobs (docs/import.md)."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from idi.core import audit, clock
from idi.core.errors import Forbidden, RuleViolation
from idi.core.permissions import Actor
from idi.parties.selectors import actor_for_user
from idi.projects.codes import AuditAction, Code
from idi.projects.models import (
    ImportJob,
    ImportJobState,
    Project,
)
from idi.projects.services._common import (
    _require_developer,
)
from idi.projects.services.bulk import (
    import_units,
)
from idi.projects.validators import (
    violation,
)

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# Large imports in the background (docs/import.md)

JOB_PROGRESS_SECONDS = 24 * 3600
# The row errors a failed job keeps: enough to fix a file, never the whole of a bad one.
JOB_ERRORS_KEPT = 200


def runs_in_background(content: bytes) -> bool:
    """A file larger than IDI_IMPORT_BACKGROUND_BYTES is imported by a worker, not the request."""
    return len(content) > settings.IDI_IMPORT_BACKGROUND_BYTES


class JobProgress:
    """The import's progress bar for a job: what it has checked or written so far, in the shared
    cache. The import writes everything in one transaction, so the job row itself cannot show
    progress to others until the end; the cache can."""

    def __init__(self, job: ImportJob) -> None:
        self.key = job.progress_key
        self.phase = ""
        self.done = 0
        self.total = 0
        self.rows = 0

    def __call__(self, *, desc: str, total: int, **_) -> "JobProgress":
        self.phase, self.done, self.total = desc, 0, total
        # The first phase (checking) counts the file's rows: the job's total.
        self.rows = self.rows or total
        self._publish()
        return self

    def update(self, n: int = 1) -> None:
        self.done += n
        self._publish()

    def _publish(self) -> None:
        cache.set(
            self.key,
            {"phase": self.phase, "done": self.done, "total": self.total},
            JOB_PROGRESS_SECONDS,
        )

    def __enter__(self) -> "JobProgress":
        return self

    def __exit__(self, *exc) -> None:
        pass


@transaction.atomic
def queue_import(
    *, actor: Actor, project: Project, filename: str, content: bytes, dry_run: bool = False
) -> ImportJob:
    """A large import, or with `dry_run` the check of one: kept as a queued job that a worker
    runs (idi.projects.tasks.run_import) once this transaction commits, so that the request
    answers at once with the job. Reading a workbook at the size limits takes tens of seconds,
    which no request should hold a worker for."""
    from idi.projects import imports, tasks

    _require_developer(actor, project)
    if actor.user_id is None:
        raise Forbidden("后台导入需以用户身份提交", "a background import is submitted by a user")
    if not content or len(content) > imports.MAX_FILE_BYTES:
        imports.read_table(filename=filename, content=content)  # refuses with its own reason
    job = ImportJob.objects.create(
        project=project,
        organisation_id=actor.organisation_id,
        created_by_id=actor.user_id,
        filename=filename[:255],
        sha256=imports.fingerprint(content),
        size=len(content),
        dry_run=dry_run,
        content=content,
        created_at=clock.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.QUEUE_IMPORT,
        obj=job,
        after={
            "project": project.pk,
            "file": job.filename,
            "sha256": job.sha256,
            "size": job.size,
            "dry_run": dry_run,
        },
    )
    transaction.on_commit(lambda: tasks.run_import.delay(job.pk))
    return job


def run_import_job(*, job_id: int) -> ImportJob:
    """The worker's side of a queued import: running, then the same all-or-nothing import as a
    small file (with its own audit event), then done with the counts or failed with the error.
    A job delivered twice runs once."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("created_by").get(pk=job_id)
        if job.state != ImportJobState.QUEUED:
            return job
        job.state = ImportJobState.RUNNING
        job.started_at = clock.now()
        job.save(update_fields=["state", "started_at"])
        actor = actor_for_user(job.created_by)
        audit.record(
            actor=actor, action=AuditAction.START_IMPORT, obj=job, after={"state": "running"}
        )
    progress = JobProgress(job)
    counts, error = None, None
    try:
        report = import_units(
            actor=actor,
            project=job.project,
            filename=job.filename,
            content=bytes(job.content),
            dry_run=job.dry_run,
            progress=progress,
        )
    except (RuleViolation, Forbidden) as exc:
        error = _job_error(exc)
    except Exception:
        # A fault of the platform, not of the file: the job must not stay "running" for ever.
        logger.exception("import job %s failed", job.pk)
        error = {
            "message": "导入时发生内部错误",
            "message_en": "an internal error stopped the import",
        }
    else:
        if report.ok:
            counts = report.counts
        else:
            error = {
                "message": f"{len(report.errors)} 处错误，未导入任何数据",
                "message_en": f"{len(report.errors)} errors; nothing was imported",
                "rows": [
                    {
                        "row": e.row,
                        "column": e.column,
                        "message": e.message_for("zh-hans"),
                        "message_en": e.message_for("en"),
                    }
                    for e in report.errors[:JOB_ERRORS_KEPT]
                ],
            }
    return _finish_job(job.pk, actor, progress, counts=counts, error=error)


def _job_error(exc: RuleViolation | Forbidden) -> dict:
    return {
        "rule": exc.rule,
        "field": exc.field,
        "message": exc.message_for("zh-hans"),
        "message_en": exc.message_for("en"),
    }


@transaction.atomic
def _finish_job(
    job_id: int, actor: Actor, progress: JobProgress, *, counts: dict | None, error: dict | None
) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job_id)
    job.state = ImportJobState.DONE if error is None else ImportJobState.FAILED
    job.result, job.error = counts, error
    job.rows_total = progress.rows
    job.rows_done = progress.rows if error is None else 0
    if not (job.dry_run and error is None):
        job.content = b""
    job.finished_at = clock.now()
    job.save()
    audit.record(
        actor=actor,
        action=AuditAction.FINISH_IMPORT,
        obj=job,
        after={"state": job.state, "counts": counts, "error": error and error["message_en"]},
    )
    transaction.on_commit(lambda: cache.delete(job.progress_key))
    return job


@transaction.atomic
def confirm_import_job(*, actor: Actor, job: ImportJob) -> ImportJob:
    """The uploader confirms a passed check: the same file is queued for import as a new job,
    and the check lets go of it. The import checks every row again (the project may have
    changed since), all or nothing."""
    job = ImportJob.objects.select_for_update().select_related("project").get(pk=job.pk)
    _require_developer(actor, job.project)
    if not (job.dry_run and job.state == ImportJobState.DONE and job.content):
        raise violation(
            Code.INVALID_STATE,
            "job",
            "只有检查通过且尚未确认的文件才能确认导入，请重新上传文件并检查",
            "only a file whose check passed and is not yet confirmed can be imported; upload "
            "and check the file again",
        )
    imported = queue_import(
        actor=actor, project=job.project, filename=job.filename, content=bytes(job.content)
    )
    job.content = b""
    job.save(update_fields=["content"])
    audit.record(
        actor=actor, action=AuditAction.CONFIRM_IMPORT, obj=job, after={"import_job": imported.pk}
    )
    return imported
