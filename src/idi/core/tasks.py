"""Celery tasks of the platform: each calls a service and holds no logic of its own."""

from celery import shared_task

from idi.core.sweeps import run_sweeps


@shared_task(name="idi.core.tasks.sweep")
def sweep() -> dict[str, int]:
    """Every periodic duty once (scheduled by Celery beat, idi.config.celery)."""
    return dict(run_sweeps())
