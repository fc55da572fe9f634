"""Fixtures of the risk-management tests: the underwriting world with an issued policy, a
frozen "today" (2025-03-03, a Monday), a private media root.

Test modules import their helpers from rm_helpers and uw_helpers (both directories are put on
sys.path: with --import-mode=importlib a conftest cannot be imported by name).
"""

import sys
from datetime import datetime
from pathlib import Path

import pytest
import time_machine

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "underwriting"))

from rm_helpers import build_rm_world  # noqa: E402
from uw_helpers import SHANGHAI  # noqa: E402


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2025, 3, 3, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):
    return build_rm_world()
