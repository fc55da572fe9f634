"""R-K2, R-K3, R-K4, R-K7 clocks and R-U13, with frozen time across the real 2025/2026 holidays,
调休 working weekend days, month and year ends, and receipt in Asia/Shanghai (R-T1..R-T4)."""

from datetime import date

import pytest
from claims_helpers import at, build_claims_world, deadline_of, file, nothing_written

from idi.claims import services
from idi.claims.models import Claim
from idi.core.errors import RuleViolation
from idi.underwriting.services import ClaimsStandardInput


def determine(w, claim, outcome="covered", reasons=""):
    return services.determine(actor=w.handler.actor, claim=claim, outcome=outcome, reasons=reasons)


def test_r_k2_worked_example_determination_moves_past_national_day_2025(cw):
    """R-K2/R-T3: received Friday 2025-09-26; the 10th day 2025-10-06 is a holiday, as are 10-07
    and 10-08, so the determination is due 2025-10-09."""
    with at(2025, 9, 26):
        claim = file(cw)
    d = deadline_of(claim, "claim_determination")
    assert (d.from_date, d.due, d.moved_from, d.provisional, d.basis) == (
        date(2025, 9, 26),
        date(2025, 10, 9),
        date(2025, 10, 6),
        False,
        "legal",
    )
    assert Claim.objects.get(pk=claim.pk).next_due == date(2025, 10, 9)


def test_r_k2_claim_filed_at_0030_beijing_is_received_that_day_and_a_working_saturday_counts(cw):
    """R-T4/receipt: 00:30 on 1 October 2025 Beijing time is still 30 September in UTC, but the
    claim is received on 1 October. +10 days is Saturday 2025-10-11, a 调休 working day, so the
    deadline stays on that Saturday."""
    with at(2025, 10, 1, 0, 30):
        claim = file(cw)
    assert claim.filed_on == date(2025, 10, 1)
    d = deadline_of(claim, "claim_determination")
    assert (d.due, d.moved_from) == (date(2025, 10, 11), None)


def test_r_k2_determination_on_time_meets_the_clock(cw):
    with at(2025, 9, 26):
        claim = file(cw)
    with at(2025, 10, 9, 23, 50):
        determine(cw, claim)
    d = deadline_of(claim, "claim_determination")
    assert d.met_on == date(2025, 10, 9)
    claim.refresh_from_db()
    assert claim.status == "covered" and claim.next_due is None


def test_r_k2_complex_before_due_replaces_clock_with_30_days_from_receipt(cw):
    """R-K2: marked complex (with a reason) before the 10-day deadline: 30 days from receipt,
    2025-09-26 + 30 = Sunday 2025-10-26, moved to Monday 2025-10-27."""
    with at(2025, 9, 26):
        claim = file(cw)
    with at(2025, 10, 9):
        services.mark_complex(actor=cw.handler.actor, claim=claim, reason="需要专业检测")
    assert deadline_of(claim, "claim_determination").cancelled_on == date(2025, 10, 9)
    d = deadline_of(claim, "claim_determination_complex")
    assert (d.from_date, d.due, d.moved_from) == (
        date(2025, 9, 26),
        date(2025, 10, 27),
        date(2025, 10, 26),
    )
    with at(2025, 10, 27):
        determine(cw, claim, "partly_covered", "部分为使用不当")
    assert deadline_of(claim, "claim_determination_complex").met_on == date(2025, 10, 27)


def test_r_k2_complex_after_due_or_without_reason_is_refused_and_changes_nothing(cw):
    with at(2025, 9, 26):
        claim = file(cw)
    with at(2025, 10, 9), nothing_written(), pytest.raises(RuleViolation) as exc:
        services.mark_complex(actor=cw.handler.actor, claim=claim, reason="  ")
    assert (exc.value.rule, exc.value.field) == ("R-K2", "reason")
    with at(2025, 10, 10), nothing_written(), pytest.raises(RuleViolation) as exc:
        services.mark_complex(actor=cw.handler.actor, claim=claim, reason="太晚")
    assert (exc.value.rule, exc.value.code) == ("R-K2", "too_late")


def test_r_k4_refusal_notice_due_across_new_year_2026_on_a_working_sunday(cw):
    """R-K4: not covered on Monday 2025-12-29; +3 = 2026-01-01 (New Year holiday, with 01-02 and
    01-03), and Sunday 2026-01-04 is a 调休 working day: due 2026-01-04."""
    with at(2025, 12, 22):
        claim = file(cw)
    with at(2025, 12, 29):
        determine(cw, claim, "not_covered", "系使用不当造成")
    d = deadline_of(claim, "denial_notice")
    assert (d.from_date, d.due, d.moved_from) == (
        date(2025, 12, 29),
        date(2026, 1, 4),
        date(2026, 1, 1),
    )
    with at(2026, 1, 4):
        services.issue_refusal_notice(actor=cw.handler.actor, claim=claim, reasons="系使用不当")
    claim.refresh_from_db()
    assert claim.status == "refused" and claim.refusal_notified_on == date(2026, 1, 4)
    assert deadline_of(claim, "denial_notice").met_on == date(2026, 1, 4)


def test_r_k4_refusal_needs_reasons(cw):
    with at(2025, 12, 22):
        claim = file(cw)
    with at(2025, 12, 23), nothing_written(), pytest.raises(RuleViolation) as exc:
        determine(cw, claim, "not_covered", "")
    assert (exc.value.rule, exc.value.field) == ("R-K2", "reasons")


def test_r_k3_performance_after_agreement_crosses_spring_festival_2026(cw):
    """R-K3: agreed Friday 2026-02-13; +7 = 2026-02-20 (Spring Festival, holidays to 02-23):
    due Tuesday 2026-02-24."""
    with at(2026, 2, 2):
        claim = file(cw)
    with at(2026, 2, 10):
        determine(cw, claim)
    with at(2026, 2, 13):
        services.agree(actor=cw.handler.actor, claim=claim, remedy="repair")
    d = deadline_of(claim, "claim_performance")
    assert (d.from_date, d.due, d.moved_from) == (
        date(2026, 2, 13),
        date(2026, 2, 24),
        date(2026, 2, 20),
    )


def test_r_k3_month_end_agreement(cw):
    """R-K3/R-T1 at a month end: agreed 2026-03-31, + 7 days = Tuesday 2026-04-07 (the Qingming
    holidays 04-04..04-06 fall before it)."""
    with at(2026, 3, 20):
        claim = file(cw)
    with at(2026, 3, 25):
        determine(cw, claim)
    with at(2026, 3, 31):
        services.agree(actor=cw.handler.actor, claim=claim, remedy="payment", amount="800.00")
    assert deadline_of(claim, "claim_performance").due == date(2026, 4, 7)


def test_r_u13_stricter_policy_standard_applies_and_says_so(db):
    """R-U13: the policy commits to determine in 5 days. Received Monday 2025-11-03: the law
    gives 2025-11-13, the commitment 2025-11-08 (Saturday) moved to Monday 2025-11-10; the
    stricter applies with basis "policy"."""
    w = build_claims_world(
        standard=ClaimsStandardInput(
            days_to_accept=1, days_to_survey=2, days_to_determine=5, days_to_repair=7
        )
    )
    with at(2025, 11, 3):
        claim = file(w)
    d = deadline_of(claim, "claim_determination")
    assert (d.due, d.moved_from, d.basis, d.committed_days) == (
        date(2025, 11, 10),
        date(2025, 11, 8),
        "policy",
        5,
    )


def test_r_u13_commitment_equal_to_the_law_keeps_the_legal_basis(db):
    w = build_claims_world(
        standard=ClaimsStandardInput(
            days_to_accept=1, days_to_survey=2, days_to_determine=10, days_to_repair=7
        )
    )
    with at(2025, 11, 3):
        claim = file(w)
    d = deadline_of(claim, "claim_determination")
    assert (d.due, d.basis) == (date(2025, 11, 13), "legal")
