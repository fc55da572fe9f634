from datetime import date

from claims_helpers import at, deadline_of, file

from idi.claims import services
from idi.notifications.services import sweep_deadlines


def test_filing_routes_insured_claim_with_r_k2_clock(cw):
    """R-K2 worked example: received Friday 2025-09-26, due 2025-10-09 after National Day."""
    with at(2025, 9, 26):
        claim = file(cw)
    assert claim.status == "received"
    assert claim.coverage_status == "insured"
    d = deadline_of(claim, "claim_determination")
    assert (d.due, d.moved_from) == (date(2025, 10, 9), date(2025, 10, 6))
    with at(2025, 9, 29):
        assert sweep_deadlines() == 1
        assert sweep_deadlines() == 0
    with at(2025, 10, 9):
        services.determine(actor=cw.handler.actor, claim=claim, outcome="covered", reasons="")
