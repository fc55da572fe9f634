"""Fixtures of the fund tests: the underwriting world with an issued policy, completed, and
the guarantee institution. Helpers live in fund_helpers (this directory and the underwriting
tests' one are put on sys.path: with --import-mode=importlib a conftest cannot be imported)."""

import sys
from datetime import datetime
from pathlib import Path

import pytest
import time_machine

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "underwriting"))

from fund_helpers import build_fund_world  # noqa: E402
from uw_helpers import SHANGHAI  # noqa: E402


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2025, 3, 3, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def fw(db):
    return build_fund_world()
