"""Public reads: anyone may ask the rulebook; nothing here touches a party's data."""

from idi.core.rulebook import get_rulebook
from idi.rules.queries import run_query


def coverage_assessment(*, params: dict) -> dict:
    """The rulebook's `assess` answer for an owner's question (RULES.md R-C5)."""
    return run_query(get_rulebook(), "assess", params)


def owner_time_limits() -> dict[str, int]:
    """The legal times an owner is told about, from the pack in force (never literals)."""
    pack = get_rulebook().pack()
    deadlines = pack.deadlines
    return {
        "determination_days": deadlines["claim_determination"].count,
        "complex_days": deadlines["claim_determination_complex"].count,
        "site_visit_days": deadlines["developer_site_visit"].count,
        "fund_months": deadlines["fund_application_opens"].count,
        "channel_months": pack.coverage.insurer_channel.delivery_offset_months,
    }
