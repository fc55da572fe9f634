"""Fixtures of the claims tests: a world whose policy is in its insurance period in 2025-2026.

The built-in pack takes permits from 2024-03-01, so no policy under it is in its period before
2026; to test claims across the real 2025 holidays the tests add a copy of the pack for earlier
permits (a test pack, as an operator would add one for earlier measures, R-U1).
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "underwriting"))

from claims_helpers import build_claims_world, write_test_pack

from idi.core.rulebook import get_rulebook


@pytest.fixture(autouse=True)
def _test_pack(settings, tmp_path_factory):
    directory = tmp_path_factory.mktemp("packs")
    write_test_pack(directory)
    settings.IDI_RULE_PACK_DIRS = [str(directory)]
    get_rulebook.cache_clear()
    yield
    get_rulebook.cache_clear()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cw(db):
    return build_claims_world()
