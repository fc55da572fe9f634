"""Fixtures of the projects tests: a small world of parties, two projects, a policy share."""

import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "parties"))

from parties_helpers import PASSWORD
from projects_helpers import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def operator_user(db):
    return get_user_model().objects.create_user(username="op", password=PASSWORD, is_staff=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
