"""Deadlines: R-T1, R-T3, R-T4, R-T5, R-T6 and every kind (R-K2..R-K7, R-F2, R-F3)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from idi.rules import (
    Deadline,
    RulePack,
    RuleViolation,
    WorkCalendar,
    add_days,
    deadline,
    load_calendar,
)
from idi.rules.results import SHANGHAI

D = date.fromisoformat


def _due(pack: RulePack, cal: WorkCalendar, kind: str, start: str) -> Deadline:
    return deadline(pack, cal, kind, D(start))


def test_R_T1_R_T3_worked_example_claim_received_2025_09_26(
    pack: RulePack, cal: WorkCalendar
) -> None:
    """R-T1, R-T3, R-K2 worked example: received 2025-09-26, 10th day 2025-10-06 is a holiday,
    10-07 and 10-08 too, so the determination is due 2025-10-09."""
    d = _due(pack, cal, "claim_determination", "2025-09-26")
    assert d == Deadline(
        "claim_determination", D("2025-09-26"), D("2025-10-09"), D("2025-10-06"), False
    )


def test_R_K2_claim_determination_on_a_working_day_does_not_move(
    pack: RulePack, cal: WorkCalendar
) -> None:
    """R-K2, R-T1: 10 days after Monday 2025-09-15 is Thursday 2025-09-25."""
    d = _due(pack, cal, "claim_determination", "2025-09-15")
    assert (d.due, d.moved_from, d.provisional) == (D("2025-09-25"), None, False)


def test_R_K2_complex_claim_30_days_sunday_moves_to_monday(
    pack: RulePack, cal: WorkCalendar
) -> None:
    """R-K2, R-T3: 30 days after 2025-09-26 is Sunday 2025-10-26 → Monday 2025-10-27."""
    d = _due(pack, cal, "claim_determination_complex", "2025-09-26")
    assert (d.due, d.moved_from) == (D("2025-10-27"), D("2025-10-26"))


def test_R_K3_claim_performance_7_days_over_labour_day(pack: RulePack, cal: WorkCalendar) -> None:
    """R-K3, R-T3: 7 days after 2025-04-28 is 2025-05-05 (Labour Day) → 2025-05-06."""
    d = _due(pack, cal, "claim_performance", "2025-04-28")
    assert (d.due, d.moved_from) == (D("2025-05-06"), D("2025-05-05"))


def test_R_K4_denial_notice_3_days_normal_saturday_moves_to_monday(
    pack: RulePack, cal: WorkCalendar
) -> None:
    """R-K4, R-T3: 3 days after Wednesday 2025-03-12 is Saturday 03-15 → Monday 03-17."""
    d = _due(pack, cal, "denial_notice", "2025-03-12")
    assert (d.due, d.moved_from) == (D("2025-03-17"), D("2025-03-15"))


def test_R_T3_tiaoxiu_working_sunday_does_not_move(pack: RulePack, cal: WorkCalendar) -> None:
    """R-T3: 2025-09-28 is a Sunday worked under the 2025 notice: a deadline there stays."""
    d = _due(pack, cal, "denial_notice", "2025-09-25")
    assert (d.due, d.moved_from) == (D("2025-09-28"), None)


def test_R_T3_spring_festival_2026(pack: RulePack, cal: WorkCalendar) -> None:
    """R-T3: 10 days after 2026-02-05 is 2026-02-15, inside the Spring Festival holiday
    (02-15..02-23), so the deadline is Tuesday 2026-02-24; Saturday 02-14 and 02-28 are worked."""
    d = _due(pack, cal, "claim_determination", "2026-02-05")
    assert (d.due, d.moved_from, d.provisional) == (D("2026-02-24"), D("2026-02-15"), False)
    d = _due(pack, cal, "denial_notice", "2026-02-11")
    assert (d.due, d.moved_from) == (D("2026-02-14"), None)
    d = _due(pack, cal, "claim_performance", "2026-02-21")
    assert (d.due, d.moved_from) == (D("2026-02-28"), None)


def test_R_K7_appraisal_confirmation_over_spring_festival_2025(
    pack: RulePack, cal: WorkCalendar
) -> None:
    """R-K7, R-T3: 10 days after 2025-01-18 is 2025-01-28 (holiday until 02-04) → 2025-02-05."""
    d = _due(pack, cal, "appraisal_confirmation", "2025-01-18")
    assert (d.due, d.moved_from) == (D("2025-02-05"), D("2025-01-28"))


def test_R_F2_R_T4_developer_notification_same_day(pack: RulePack, cal: WorkCalendar) -> None:
    """R-F2, R-T4: the insurer tells the developer the same day (当日), by 24:00 Shanghai."""
    d = _due(pack, cal, "developer_notification", "2025-09-26")
    assert (d.due, d.moved_from) == (D("2025-09-26"), None)
    assert d.due_at == datetime(2025, 9, 27, 0, 0, tzinfo=SHANGHAI)
    assert d.due_at.utcoffset() == timedelta(hours=8)
    # a first claim on a holiday: R-T3 moves the same-day act to the next working day
    d = _due(pack, cal, "developer_notification", "2025-10-01")
    assert (d.due, d.moved_from) == (D("2025-10-09"), D("2025-10-01"))


def test_R_F2_developer_site_visit_3_days(pack: RulePack, cal: WorkCalendar) -> None:
    """R-F2: site visit within 3 days: 2025-09-26 → Monday 09-29; 09-30 → 10-03 holiday → 10-09."""
    d = _due(pack, cal, "developer_site_visit", "2025-09-26")
    assert (d.due, d.moved_from) == (D("2025-09-29"), None)
    d = _due(pack, cal, "developer_site_visit", "2025-09-30")
    assert (d.due, d.moved_from) == (D("2025-10-09"), D("2025-10-03"))


def test_R_K5_repair_warranty_180_days_never_moves(pack: RulePack, cal: WorkCalendar) -> None:
    """R-K5: 180-day warranty counted from the day after acceptance: last day = accepted + 180;
    it is not an act, so R-T3 does not move it off the National Day holiday."""
    d = _due(pack, cal, "repair_warranty", "2025-09-26")
    assert (d.due, d.moved_from, d.provisional) == (D("2026-03-25"), None, False)
    d = _due(pack, cal, "repair_warranty", "2025-04-04")
    assert (d.due, d.moved_from, d.provisional) == (D("2025-10-01"), None, False)
    # an unknown year does not make a non-act period provisional
    d = _due(pack, cal, "repair_warranty", "2026-12-01")
    assert (d.due, d.provisional) == (D("2027-05-30"), False)


def test_R_F3_R_T6_fund_application_opens_after_two_months(
    pack: RulePack, cal: WorkCalendar
) -> None:
    """R-F3, R-T6: the 2 months count the first-claim day: [D, D + 2 months − 1 day]; the owner
    may apply from D + 2 months, holiday or not (R-T3 does not apply)."""
    d = _due(pack, cal, "fund_application_opens", "2025-09-26")
    assert (d.due, d.moved_from, d.provisional) == (D("2025-11-26"), None, False)
    d = _due(pack, cal, "fund_application_opens", "2025-08-01")
    assert (d.due, d.moved_from) == (D("2025-10-01"), None)  # National Day: not moved
    d = _due(pack, cal, "fund_application_opens", "2024-12-31")
    assert d.due == D("2025-02-28")  # R-T2 clamp: period ends 02-27


def test_R_T5_deadline_in_2027_is_provisional_weekends_only(
    pack: RulePack, cal: WorkCalendar
) -> None:
    """R-T5: 3 days after 2026-12-30 is Saturday 2027-01-02; 2027 is unknown, so weekends only:
    Monday 2027-01-04, provisional."""
    d = _due(pack, cal, "denial_notice", "2026-12-30")
    assert (d.due, d.moved_from, d.provisional) == (D("2027-01-04"), D("2027-01-02"), True)
    d = _due(pack, cal, "claim_determination", "2026-12-28")
    assert (d.due, d.moved_from, d.provisional) == (D("2027-01-07"), None, True)
    d = _due(pack, cal, "claim_determination", "2026-12-21")
    assert (d.due, d.provisional) == (D("2026-12-31"), False)


def test_R_T5_loading_the_2027_notice_makes_it_final_and_can_move_it(
    pack: RulePack, tmp_path: Path
) -> None:
    """R-T5: once the operator loads a 2027 notice (here with 01-04 a holiday), the same
    deadline is no longer provisional and moves to 2027-01-05."""
    (tmp_path / "2027.toml").write_text(
        'year = 2027\nsource = "测试通知"\n'
        "holidays = [2027-01-01, 2027-01-02, 2027-01-03, 2027-01-04]\n"
        "workdays = [2027-01-09]\n",
        encoding="utf-8",
    )
    cal = load_calendar(tmp_path)
    d = deadline(pack, cal, "denial_notice", D("2026-12-30"))
    assert (d.due, d.moved_from, d.provisional) == (D("2027-01-05"), D("2027-01-02"), False)
    d = deadline(pack, cal, "claim_determination", D("2026-12-28"))
    assert (d.due, d.provisional) == (D("2027-01-07"), False)


def test_R_T3_unknown_kind_is_refused(pack: RulePack, cal: WorkCalendar) -> None:
    """R-T3: an unknown deadline kind is refused naming the field `kind`."""
    with pytest.raises(RuleViolation) as info:
        deadline(pack, cal, "claim_whenever", D("2025-01-01"))
    assert info.value.field == "kind"
    assert "claim_determination" in info.value.message_en


ACT_KINDS = [
    "claim_determination",
    "claim_determination_complex",
    "claim_performance",
    "denial_notice",
    "appraisal_confirmation",
    "developer_notification",
    "developer_site_visit",
]


@settings(max_examples=300)
@given(
    kind=st.sampled_from(ACT_KINDS),
    start=st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31)),
)
def test_R_T3_property_act_deadline_is_the_next_working_day_from_the_plain_count(
    pack: RulePack, cal: WorkCalendar, kind: str, start: date
) -> None:
    """R-T3 property: an act deadline never falls on a rest day, is never earlier than the plain
    count (R-T1), every day skipped is a rest day, and R-T5 flags unknown years."""
    d = deadline(pack, cal, kind, start)
    plain = add_days(start, pack.deadlines[kind].count)
    assert not cal.is_rest_day(d.due)
    assert d.due >= plain
    skipped = [plain + timedelta(days=i) for i in range((d.due - plain).days)]
    assert all(cal.is_rest_day(x) for x in skipped)
    assert d.moved_from == (plain if skipped else None)
    years = {plain.year, d.due.year}
    assert d.provisional == any(not cal.knows(y) for y in years)
