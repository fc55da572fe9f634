"""Legal time arithmetic (Civil Code Art. 201-203; RULES R-T1, R-T2, R-T6).

A period of N units "after" an event does not count the event day (R-T1), so it ends on
event + N units. Month and year periods end on the same day-of-month of the last month, or on that
month's last day when it is shorter (R-T2). R-T6 periods count their start day instead, which the
callers express as `add_months(d, n) - 1 day`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

__all__ = ["ONE_DAY", "Unit", "add", "add_days", "add_months", "add_years", "days_in_month"]

ONE_DAY = timedelta(days=1)

Unit = Literal["days", "months", "years"]

_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    if month == 2 and _is_leap(year):
        return 29
    return _MONTH_DAYS[month - 1]


def add_days(day: date, n: int) -> date:
    """R-T1: N days after `day` ends on day + N."""
    return day + timedelta(days=n)


def add_months(day: date, n: int) -> date:
    """R-T2: same day-of-month N months later, clamped to the last day of a shorter month."""
    index = day.year * 12 + (day.month - 1) + n
    year, month0 = divmod(index, 12)
    month = month0 + 1
    return date(year, month, min(day.day, days_in_month(year, month)))


def add_years(day: date, n: int) -> date:
    """R-T2: 2024-02-29 + 2 years = 2026-02-28."""
    return add_months(day, 12 * n)


def add(day: date, n: int, unit: Unit) -> date:
    if unit == "days":
        return add_days(day, n)
    if unit == "months":
        return add_months(day, n)
    return add_years(day, n)
