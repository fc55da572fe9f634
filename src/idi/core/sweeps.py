"""The platform's periodic duties (Hook.SWEEPS) and what runs them: `idi sweep` for operators,
Celery beat in production (idi.config.celery, task `idi.core.tasks.sweep`), and a background
thread of the embedded server (`idi serve`, `make demo`) otherwise."""

import logging
import threading

from django.db import connections

from idi.core.permissions import SYSTEM, Actor
from idi.core.registry import Hook, providers

logger = logging.getLogger(__name__)


def run_sweeps(*, actor: Actor = SYSTEM) -> list[tuple[str, int]]:
    """Every registered sweep once, in registration order: (label, records changed) each."""
    return [(label, sweep(actor=actor)) for label, sweep in providers(Hook.SWEEPS)]


class SweepThread(threading.Thread):
    """Runs every sweep now and then every `interval` seconds until stopped. A failing sweep is
    logged and tried again next time; the thread's database connections close after each run."""

    def __init__(self, *, interval: float) -> None:
        super().__init__(name="idi-sweeps", daemon=True)
        self.interval = interval
        self._stopping = threading.Event()

    def run(self) -> None:
        while True:
            try:
                for label, changed in run_sweeps():
                    logger.info("sweep %s: %s", label, changed)
            except Exception:
                logger.exception("sweep failed; trying again in %s s", self.interval)
            finally:
                connections.close_all()
            if self._stopping.wait(self.interval):
                return

    def stop(self, timeout: float | None = None) -> None:
        self._stopping.set()
        self.join(timeout)
