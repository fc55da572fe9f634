"""Coverage windows and assessment: R-C1..R-C5 (with R-T1/R-T2 for the dates)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from idi.rules import Assessment, RulePack, RuleViolation, Window, add_years, assess, window

D = date.fromisoformat


def test_R_C1_R_C2_R_C3_windows_of_every_category(pack: RulePack) -> None:
    """R-C1 periods 10/5/6/6, R-C2 start = completion + 2 years, R-C3 both ends inclusive."""
    c = D("2024-06-30")
    assert window(pack, "foundation_structure", c) == Window(
        "foundation_structure", D("2026-06-30"), D("2036-06-29")
    )
    assert window(pack, "insulation", c).end == D("2031-06-29")
    assert window(pack, "waterproofing", c).end == D("2032-06-29")
    assert window(pack, "concealed_works", c).end == D("2032-06-29")
    assert window(pack, "additional", c, additional_years=3) == Window(
        "additional", D("2026-06-30"), D("2029-06-29")
    )


def test_R_C1_additional_needs_at_least_two_years(pack: RulePack) -> None:
    """R-C1: the additional cover period is set by the policy, at least 2 years."""
    assert window(pack, "additional", D("2024-06-30"), 2).end == D("2028-06-29")
    for years in (None, 1, 0):
        with pytest.raises(RuleViolation) as info:
            window(pack, "additional", D("2024-06-30"), years)
        assert (info.value.rule, info.value.field) == ("R-C1", "additional_years")


def test_R_C1_fixed_categories_ignore_additional_years(pack: RulePack) -> None:
    """R-C1: additional_years only concerns `additional`; a fixed category ignores it."""
    assert window(pack, "insulation", D("2024-06-30"), 9).end == D("2031-06-29")


def test_R_C1_unknown_category_is_refused(pack: RulePack) -> None:
    """R-C1: an unknown category names the field and the known keys."""
    with pytest.raises(RuleViolation) as info:
        window(pack, "roof", D("2024-06-30"))
    assert (info.value.rule, info.value.field) == ("R-C1", "category")
    assert "foundation_structure" in info.value.message


def test_R_C2_R_T2_completion_on_leap_day(pack: RulePack) -> None:
    """R-C2, R-T2: completion 2024-02-29 starts 2026-02-28; the 10-year window counts from that
    start (R-C3): 2036-02-28 − 1 day = 2036-02-27."""
    w = window(pack, "foundation_structure", D("2024-02-29"))
    assert (w.start, w.end) == (D("2026-02-28"), D("2036-02-27"))
    assert window(pack, "insulation", D("2024-02-29")).end == D("2031-02-27")


def test_R_C3_window_may_end_on_a_leap_day(pack: RulePack) -> None:
    """R-C3: completion 2024-03-01 → start 2026-03-01 → end 2036-02-29 (2036 is leap)."""
    w = window(pack, "foundation_structure", D("2024-03-01"))
    assert (w.start, w.end) == (D("2026-03-01"), D("2036-02-29"))


def test_R_C3_window_is_not_moved_by_holidays(pack: RulePack) -> None:
    """R-C3 with R-T3: a window ending on a holiday (2025-10-01 + ...) is not moved."""
    # completion 2019-10-02 → start 2021-10-02 → insulation end 2026-10-01 (National Day)
    assert window(pack, "insulation", D("2019-10-02")).end == D("2026-10-01")


@given(
    category=st.sampled_from(
        ["foundation_structure", "insulation", "waterproofing", "concealed_works"]
    ),
    completion=st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31)),
)
def test_R_C3_property_window_is_exactly_n_years(
    pack: RulePack, category: str, completion: date
) -> None:
    """R-C3 property: end + 1 day == start + N years, and start == completion + 2 years (R-C2)."""
    w = window(pack, category, completion)
    n = pack.coverage.categories[category].years
    assert n is not None
    assert w.start == add_years(completion, 2)
    assert (w.end - w.start).days + 1 == (add_years(w.start, n) - w.start).days
    assert date.fromordinal(w.end.toordinal() + 1) == add_years(w.start, n)


C = D("2024-06-30")
DELIVERY = D("2024-09-15")


def _a(pack: RulePack, on: str, **kw: object) -> Assessment:
    return assess(pack, kw.pop("category", "foundation_structure"), C, D(on), **kw)  # type: ignore[arg-type]


def test_R_C5_not_completed_before_completion(pack: RulePack) -> None:
    """R-C5: on < completion → not_completed, with the window shown."""
    a = _a(pack, "2024-06-29", delivery=DELIVERY)
    assert a.status == "not_completed"
    assert a.window == Window("foundation_structure", D("2026-06-30"), D("2036-06-29"))
    assert (a.fund_fallback, a.insurer_channel) == (False, False)


def test_R_C5_developer_warranty_and_insurer_channel_from_delivery_plus_3_months(
    pack: RulePack,
) -> None:
    """R-C5, R-F2, R-F4: between completion and start, developer warranty with the fund as
    fallback; the insurer channel opens on delivery + 3 months (2024-09-15 → 2024-12-15)."""
    a = _a(pack, "2024-06-30", delivery=DELIVERY)
    assert (a.status, a.fund_fallback, a.insurer_channel) == ("developer_warranty", True, False)
    assert _a(pack, "2024-12-14", delivery=DELIVERY).insurer_channel is False
    assert _a(pack, "2024-12-15", delivery=DELIVERY).insurer_channel is True
    last = _a(pack, "2026-06-29", delivery=DELIVERY)
    assert (last.status, last.fund_fallback, last.insurer_channel) == (
        "developer_warranty",
        True,
        True,
    )
    # without a delivery date there is no insurer channel
    assert _a(pack, "2026-06-29").insurer_channel is False


def test_R_C5_R_T2_insurer_channel_month_end(pack: RulePack) -> None:
    """R-C5, R-T2: delivery 2024-11-30 + 3 months = 2025-02-28."""
    assert _a(pack, "2025-02-27", delivery=D("2024-11-30")).insurer_channel is False
    assert _a(pack, "2025-02-28", delivery=D("2024-11-30")).insurer_channel is True


def test_R_C5_insured_inside_the_window(pack: RulePack) -> None:
    """R-C5: start and end days both insured (R-C3)."""
    for on in ("2026-06-30", "2030-01-01", "2036-06-29"):
        a = _a(pack, on, delivery=DELIVERY, event="collapse")
        assert (a.status, a.fund_fallback, a.insurer_channel) == ("insured", False, False)


def test_R_C5_fund_structural_after_window_until_completion_plus_25_years(
    pack: RulePack,
) -> None:
    """R-C5, R-F5: foundation collapse or casualty after the 10-year window and no later than
    completion + 25 years (2049-06-30) → fund_structural; otherwise expired."""
    assert _a(pack, "2036-06-30", event="collapse").status == "fund_structural"
    assert _a(pack, "2049-06-30", event="casualty").status == "fund_structural"
    assert _a(pack, "2049-07-01", event="collapse").status == "expired"
    assert _a(pack, "2036-06-30", event="other").status == "expired"
    assert _a(pack, "2036-06-30").status == "expired"  # default event is "other"
    a = _a(pack, "2040-01-01", event="collapse")
    assert (a.fund_fallback, a.insurer_channel) == (False, False)
    assert a.window is not None and a.window.end == D("2036-06-29")


def test_R_C5_other_categories_expire_after_their_window(pack: RulePack) -> None:
    """R-C5: a collapse in the insulation category after its 5-year window is simply expired."""
    assert _a(pack, "2031-06-29", category="insulation").status == "insured"
    assert _a(pack, "2031-06-30", category="insulation", event="collapse").status == "expired"


def test_R_C4_concealed_works_only_for_fully_decorated(pack: RulePack) -> None:
    """R-C4: concealed works of a non-fully-decorated building → not_covered, window null,
    taking precedence over every date test."""
    for on in ("2024-01-01", "2025-01-01", "2027-01-01", "2040-01-01"):
        a = _a(pack, on, category="concealed_works", fully_decorated=False)
        assert a == Assessment("not_covered", None, False, False)
    assert _a(pack, "2027-01-01", category="concealed_works").status == "insured"
    # fully_decorated only matters for concealed works
    assert _a(pack, "2027-01-01", category="waterproofing", fully_decorated=False).status == (
        "insured"
    )


def test_R_C5_additional_sub_item_outside_the_policy_is_not_covered(pack: RulePack) -> None:
    """R-C5: an additional sub-item the policy does not include → not_covered."""
    kw = {"category": "additional", "additional_years": 2}
    a = _a(pack, "2027-01-01", sub_item="hvac", included_sub_items=["decoration"], **kw)
    assert a.status == "not_covered" and a.window is None
    a = _a(pack, "2027-01-01", sub_item="hvac", included_sub_items=["hvac"], **kw)
    assert a.status == "insured"
    assert _a(pack, "2028-06-30", **kw).status == "expired"  # 2-year window ended 2028-06-29
    with pytest.raises(RuleViolation) as info:
        _a(pack, "2027-01-01", sub_item="garden", **kw)
    assert info.value.field == "sub_item"


def test_R_C5_bad_inputs_name_the_field(pack: RulePack) -> None:
    """R-C5: unknown category / event, delivery before completion, missing additional years."""
    cases = [
        ({"category": "roof"}, "category"),
        ({"event": "flood"}, "event"),
        ({"delivery": D("2024-06-01")}, "delivery"),
        ({"category": "additional"}, "additional_years"),
    ]
    for kw, field in cases:
        with pytest.raises(RuleViolation) as info:
            _a(pack, "2027-01-01", **kw)
        assert info.value.field == field, kw
