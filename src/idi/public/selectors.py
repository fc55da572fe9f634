"""Public reads: anyone may ask the rulebook; nothing here touches a party's data."""

from idi.core.rulebook import get_rulebook
from idi.rules.queries import run_query


def coverage_assessment(*, params: dict) -> dict:
    """The rulebook's `assess` answer for an owner's question (RULES.md R-C5)."""
    return run_query(get_rulebook(), "assess", params)
