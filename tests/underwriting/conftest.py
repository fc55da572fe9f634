"""Fixtures of the underwriting tests: a frozen "today", a private media root, a small world.

Test modules import their helpers from uw_helpers (this directory is put on sys.path: with
--import-mode=importlib a conftest cannot be imported by name).
"""

import sys
from datetime import datetime
from pathlib import Path

import pytest
import time_machine

sys.path.insert(0, str(Path(__file__).resolve().parent))

from uw_helpers import SHANGHAI, build_world


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2025, 3, 3, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):
    return build_world()
