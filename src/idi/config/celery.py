"""Celery application. Tasks call services and hold no logic of their own."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idi.config.settings")

app = Celery("idi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
