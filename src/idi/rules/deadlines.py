"""Deadlines (R-T1, R-T3..R-T6; R-K2..R-K7, R-F2, R-F3).

The pack says how each kind counts; the calendar says which days are rest days. The answer is a
value the caller stores when the clock starts: reading a status never recomputes it, except that
a provisional answer (R-T5) is recomputed once the operator loads that year's notice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from .calendar import WorkCalendar
from .codes import Code
from .dates import ONE_DAY, add
from .errors import RuleViolation
from .results import Deadline
from .schema import DeadlineSpec, RulePack

__all__ = ["deadline", "deadline_spec", "stricter_deadline"]


def deadline_spec(pack: RulePack, kind: str) -> DeadlineSpec:
    spec = pack.deadlines.get(kind)
    if spec is None:
        known = ", ".join(pack.deadlines)
        raise RuleViolation(
            rule=None,
            field="kind",
            code=Code.UNKNOWN,
            message=f"未知的期限类型“{kind}”，应为：{known}",
            message_en=f"unknown deadline kind '{kind}'; expected one of: {known}",
        )
    return spec


def deadline(pack: RulePack, calendar: WorkCalendar, kind: str, from_date: date) -> Deadline:
    """The due date of `kind` counted from `from_date` (the event day: receipt, agreement...).

    R-T1: N days after E ends on E + N. R-T6 kinds count the start day instead. For act
    deadlines (R-T3) a last day on a rest day moves to the next working day, `moved_from`
    keeps the original, and `provisional` is set when a day examined is in a year the calendar
    does not know (R-T5: weekends only). Other kinds (warranty, fund application) never move.
    """
    spec = deadline_spec(pack, kind)
    last = add(from_date, spec.count, spec.unit)
    if spec.counts_start_day:
        last -= ONE_DAY
    due = last + ONE_DAY if spec.due == "day_after" else last
    if not spec.act:
        return Deadline(kind, from_date, due, None, False)
    moved, provisional = calendar.roll_forward(due)
    return Deadline(kind, from_date, moved, due if moved != due else None, provisional)


def stricter_deadline(
    pack: RulePack,
    calendar: WorkCalendar,
    kind: str,
    from_date: date,
    committed_days: int | None,
) -> Deadline:
    """R-U13: the earlier of the legal due date and the insurer's committed one.

    The committed time counts like the legal one (same unit, R-T1 and R-T3); `basis` says which
    of the two applies. Without a commitment, or with one that is not stricter, the law applies.
    """
    legal = deadline(pack, calendar, kind, from_date)
    spec = deadline_spec(pack, kind)
    if committed_days is None or committed_days >= spec.count:
        return legal
    if committed_days < 0:
        raise RuleViolation(
            rule="R-U13",
            field="committed_days",
            code=Code.OUT_OF_RANGE,
            message=f"承诺时限不能为负数（当前：{committed_days}）",
            message_en=f"a committed time cannot be negative (got: {committed_days})",
        )
    last = add(from_date, committed_days, spec.unit)
    moved, provisional = calendar.roll_forward(last) if spec.act else (last, False)
    if moved >= legal.due:
        return legal
    return replace(
        legal,
        due=moved,
        moved_from=last if moved != last else None,
        provisional=provisional,
        basis="policy",
    )
