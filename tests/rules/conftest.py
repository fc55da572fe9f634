"""Fixtures for the rulebook tests: pure Python, no Django."""

from __future__ import annotations

from pathlib import Path

import pytest

from idi.rules import Rulebook, RulePack, WorkCalendar, load_rulebook

TEST_PACKS = Path(__file__).resolve().parent / "packs"


@pytest.fixture(scope="session")
def book() -> Rulebook:
    """The built-in pack and the seed calendar only."""
    return load_rulebook()


@pytest.fixture(scope="session")
def pack(book: Rulebook) -> RulePack:
    return book.pack("hangzhou-2024")


@pytest.fixture(scope="session")
def cal(book: Rulebook) -> WorkCalendar:
    return book.calendar


@pytest.fixture(scope="session")
def book2() -> Rulebook:
    """The built-in pack plus the test-only successor pack in tests/rules/packs."""
    return load_rulebook(pack_dirs=[TEST_PACKS])
