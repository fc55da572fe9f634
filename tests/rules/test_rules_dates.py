"""Legal time arithmetic: R-T1, R-T2, R-T6."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from idi.rules import add_days, add_months, add_years
from idi.rules.dates import days_in_month

D = date.fromisoformat


def test_R_T1_n_days_after_event_ends_on_event_plus_n() -> None:
    """R-T1: the event day is not counted; 10 days after 2025-09-26 end on 2025-10-06."""
    assert add_days(D("2025-09-26"), 10) == D("2025-10-06")
    assert add_days(D("2025-12-28"), 7) == D("2026-01-04")
    assert add_days(D("2025-09-26"), 0) == D("2025-09-26")


def test_R_T2_leap_day_plus_two_years_clamps_to_feb_28() -> None:
    """R-T2: 2024-02-29 + 2 years = 2026-02-28."""
    assert add_years(D("2024-02-29"), 2) == D("2026-02-28")
    assert add_years(D("2024-02-29"), 4) == D("2028-02-29")


def test_R_T2_month_end_clamping() -> None:
    """R-T2: 2024-11-30 + 3 months = 2025-02-28; a 31st lands on a shorter month's last day."""
    assert add_months(D("2024-11-30"), 3) == D("2025-02-28")
    assert add_months(D("2024-01-31"), 1) == D("2024-02-29")
    assert add_months(D("2023-01-31"), 1) == D("2023-02-28")
    assert add_months(D("2024-08-31"), 1) == D("2024-09-30")
    assert add_months(D("2024-12-15"), 2) == D("2025-02-15")
    assert add_months(D("2025-03-31"), -1) == D("2025-02-28")


def test_R_T6_start_day_counts_period_ends_one_day_earlier() -> None:
    """R-T6: "自…当日起 2 个月内" from 2025-09-26 is [2025-09-26, 2025-11-25]."""
    start = D("2025-09-26")
    assert add_months(start, 2) - timedelta(days=1) == D("2025-11-25")


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2200, 12, 31)), st.integers(0, 600))
def test_R_T2_property_months_keep_day_or_clamp_to_month_end(d: date, n: int) -> None:
    """R-T2 property: same day-of-month, or the last day of a shorter month."""
    r = add_months(d, n)
    assert (r.year * 12 + r.month) - (d.year * 12 + d.month) == n
    assert r.day == min(d.day, days_in_month(r.year, r.month))


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2200, 12, 31)), st.integers(0, 5000))
def test_R_T1_property_days(d: date, n: int) -> None:
    """R-T1 property: N days after d is exactly N calendar days later."""
    assert (add_days(d, n) - d).days == n
