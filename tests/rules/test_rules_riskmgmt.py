"""R-R4 inspection compliance, R-R5 grades, R-R7 major, R-R8 warning day: the pure rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from idi.rules import (
    PlannedStage,
    RulePack,
    RuleViolation,
    check_grade,
    check_plan,
    inspection_compliance,
    is_major,
    required_inspections,
)


def _rows(pack, plan, inspections=(), until=date(2099, 1, 1)):
    return [
        (r.month, r.stage, r.active_days, r.required, r.done, r.short)
        for r in inspection_compliance(pack, plan, inspections, until=until)
    ]


def test_r_r4_pack_figures_cite_g_3_3(pack: RulePack) -> None:
    spec = pack.riskmgmt
    assert spec.min_inspections_per_month == 2
    assert spec.short_month_days == 15
    assert spec.short_month_min_inspections == 1
    assert spec.stages == ("foundation", "main_structure", "decoration", "other")


@pytest.mark.parametrize(
    ("days", "required"), [(0, 0), (1, 1), (14, 1), (15, 2), (16, 2), (28, 2), (31, 2)]
)
def test_r_r4_required_by_active_days(pack: RulePack, days: int, required: int) -> None:
    """[convention] fewer than 15 active days: 1; 15 or more: 2."""
    assert required_inspections(pack, days) == required


def test_r_r4_stage_spanning_months_counts_each_month(pack: RulePack) -> None:
    """Foundation from 01-18 to 03-14: January 14 days (1), February 28 (2), March 14 (1)."""
    plan = [PlannedStage("foundation", date(2025, 1, 18), date(2025, 3, 14))]
    assert _rows(pack, plan) == [
        ("2025-01", "foundation", 14, 1, 0, 1),
        ("2025-02", "foundation", 28, 2, 0, 2),
        ("2025-03", "foundation", 14, 1, 0, 1),
    ]


def test_r_r4_month_boundaries_15th_day(pack: RulePack) -> None:
    """01-17..01-31 is 15 days (2); 01-18..01-31 is 14 (1); 02-01..02-15 is 15 (2)."""
    assert _rows(pack, [PlannedStage("other", date(2025, 1, 17), date(2025, 1, 31))]) == [
        ("2025-01", "other", 15, 2, 0, 2)
    ]
    assert _rows(pack, [PlannedStage("other", date(2025, 2, 1), date(2025, 2, 15))]) == [
        ("2025-02", "other", 15, 2, 0, 2)
    ]
    assert _rows(pack, [PlannedStage("other", date(2025, 2, 1), date(2025, 2, 14))]) == [
        ("2025-02", "other", 14, 1, 0, 1)
    ]


def test_r_r4_leap_february_and_year_end(pack: RulePack) -> None:
    plan = [PlannedStage("decoration", date(2023, 12, 20), date(2024, 2, 29))]
    assert _rows(pack, plan) == [
        ("2023-12", "decoration", 12, 1, 0, 1),
        ("2024-01", "decoration", 31, 2, 0, 2),
        ("2024-02", "decoration", 29, 2, 0, 2),
    ]


def test_r_r4_single_day_stage_needs_one(pack: RulePack) -> None:
    plan = [PlannedStage("other", date(2025, 6, 30), date(2025, 6, 30))]
    assert _rows(pack, plan, [(date(2025, 6, 30), "other")]) == [("2025-06", "other", 1, 1, 1, 0)]


def test_r_r4_inspections_count_per_stage_and_month(pack: RulePack) -> None:
    """An inspection counts for its own stage and calendar month only; extra ones are not
    carried over to the next month."""
    plan = [
        PlannedStage("foundation", date(2025, 3, 1), date(2025, 4, 30)),
        PlannedStage("main_structure", date(2025, 4, 10), date(2025, 5, 20)),
    ]
    inspections = [
        (date(2025, 3, 3), "foundation"),
        (date(2025, 3, 20), "foundation"),
        (date(2025, 3, 31), "foundation"),  # a third in March does not help April
        (date(2025, 4, 1), "main_structure"),  # before its stage, still its month
        (date(2025, 4, 30), "foundation"),
        (date(2025, 5, 1), "foundation"),  # after foundation ended: no row for May
    ]
    assert _rows(pack, plan, inspections) == [
        ("2025-03", "foundation", 31, 2, 3, 0),
        ("2025-04", "foundation", 30, 2, 1, 1),
        ("2025-04", "main_structure", 21, 2, 1, 1),
        ("2025-05", "main_structure", 20, 2, 0, 2),
    ]


def test_r_r4_months_not_begun_are_not_listed(pack: RulePack) -> None:
    plan = [PlannedStage("foundation", date(2025, 1, 1), date(2025, 6, 30))]
    rows = _rows(pack, plan, until=date(2025, 3, 1))
    assert [r[0] for r in rows] == ["2025-01", "2025-02", "2025-03"]
    assert _rows(pack, plan, until=date(2024, 12, 31)) == []


@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    length=st.integers(min_value=0, max_value=800),
)
def test_r_r4_active_days_sum_to_the_span(start: date, length: int) -> None:
    """Whatever the span, the months' active days add up to the span and each month's need
    follows the convention."""
    from idi.rules import load_rulebook

    pack = load_rulebook().pack("hangzhou-2024")
    end = start + timedelta(days=length)
    rows = inspection_compliance(pack, [PlannedStage("other", start, end)], [], until=end)
    assert sum(r.active_days for r in rows) == length + 1
    for r in rows:
        assert r.required == (1 if r.active_days < 15 else 2)
        assert r.short == r.required


def test_r_r4_plan_refusals(pack: RulePack) -> None:
    d = date(2025, 1, 1)
    with pytest.raises(RuleViolation) as exc:
        check_plan(pack, [PlannedStage("roof", d, d)])
    assert (exc.value.rule, exc.value.field) == ("R-R4", "stages.0.stage")
    with pytest.raises(RuleViolation) as exc:
        check_plan(pack, [PlannedStage("other", d, d), PlannedStage("other", d, d)])
    assert (exc.value.field, exc.value.code) == ("stages.1.stage", "duplicate")
    with pytest.raises(RuleViolation) as exc:
        check_plan(pack, [PlannedStage("other", d, d - timedelta(days=1))])
    assert exc.value.field == "stages.0.ends_on"
    with pytest.raises(RuleViolation) as exc:
        check_plan(pack, [])
    assert exc.value.field == "stages"


def test_r_r4_plan_ordered_by_start(pack: RulePack) -> None:
    a = PlannedStage("main_structure", date(2025, 5, 1), date(2025, 9, 1))
    b = PlannedStage("foundation", date(2025, 1, 1), date(2025, 4, 30))
    assert check_plan(pack, [a, b]) == (b, a)


@pytest.mark.parametrize("grade", ["A", "B", "C", "D", "E", "R", "O"])
def test_r_r5_grades_and_r_r7_major(pack: RulePack, grade: str) -> None:
    assert check_grade(pack, grade) == grade
    assert is_major(pack, grade) == (grade in ("D", "E"))


def test_r_r5_unknown_grade_refused(pack: RulePack) -> None:
    with pytest.raises(RuleViolation) as exc:
        check_grade(pack, "F", field="defects.0.grade")
    assert (exc.value.rule, exc.value.field) == ("R-R5", "defects.0.grade")


def test_r_r8_joint_inspection_clock(pack: RulePack, cal) -> None:
    """Completion 2024-02-29: the period starts 2026-02-28 (R-C2, R-T2), so the joint inspection
    is due by 2026-02-27 and warned of from 2025-11-30, 90 days before the period starts."""
    from idi.rules import deadline

    answer = deadline(pack, cal, "joint_inspection", date(2024, 2, 29))
    assert answer.due == date(2026, 2, 27)
    spec = pack.deadlines["joint_inspection"]
    assert spec.rule == "R-R8"
    assert answer.due - timedelta(days=spec.remind_days_before) == date(2025, 11, 30)
