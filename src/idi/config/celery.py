"""Celery application. Tasks call services and hold no logic of their own.

Beat runs the periodic sweep (every IDI_SWEEP_INTERVAL seconds, 300 by default); each sweep is
idempotent and safe on several workers at once, so several beat-fed workers may share it.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idi.config.settings")

# As settings.IDI_SWEEP_INTERVAL, read here without loading Django's settings at import.
SWEEP_INTERVAL = float(os.environ.get("IDI_SWEEP_INTERVAL", "300"))

app = Celery("idi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    "sweep": {"task": "idi.core.tasks.sweep", "schedule": SWEEP_INTERVAL},
}
