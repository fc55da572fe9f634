"""Celery tasks of projects: each calls a service and holds no logic of its own."""

from celery import shared_task

from idi.projects import services


@shared_task(name="idi.projects.tasks.run_import")
def run_import(job_id: int) -> str:
    """A large import queued by services.queue_import (docs/import.md)."""
    return services.run_import_job(job_id=job_id).state
