"""Risk management (RULES.md section 5): inspection compliance, defect grades, the joint inspection.

R-R4 (G 3.3): at least `min_inspections_per_month` process inspections in every calendar month of
every construction stage; [convention] a month in which the stage is active fewer than
`short_month_days` days needs `short_month_min_inspections`. A stage is active on every day of
its planned span, both days inclusive.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .codes import Code
from .dates import ONE_DAY, days_in_month
from .errors import RuleViolation
from .schema import RulePack

__all__ = [
    "MonthCompliance",
    "PlannedStage",
    "check_grade",
    "check_plan",
    "inspection_compliance",
    "is_major",
    "required_inspections",
]


@dataclass(frozen=True, slots=True)
class PlannedStage:
    stage: str
    starts_on: date
    ends_on: date  # inclusive


@dataclass(frozen=True, slots=True)
class MonthCompliance:
    month: str  # "YYYY-MM"
    stage: str
    active_days: int
    required: int
    done: int
    short: int


def _refuse(field: str, zh: str, en: str, code: str = Code.INVALID) -> RuleViolation:
    return RuleViolation(rule="R-R4", field=field, message=zh, message_en=en, code=code)


def check_plan(pack: RulePack, stages: Iterable[PlannedStage]) -> tuple[PlannedStage, ...]:
    """R-R3/R-R4: a plan names known stages, each once, each with a span that ends after it
    starts. Returns the stages ordered by start."""
    spec = pack.riskmgmt
    seen: set[str] = set()
    out = []
    for index, item in enumerate(stages):
        field = f"stages.{index}"
        if item.stage not in spec.stages:
            known = "、".join(spec.stages)
            raise _refuse(
                f"{field}.stage",
                code=Code.UNKNOWN,
                zh=f"第 {index + 1} 个施工阶段不在本规则包的阶段中（可选：{known}）",
                en=f"stage {index + 1} is not one of the pack's stages ({', '.join(spec.stages)})",
            )
        if item.stage in seen:
            raise _refuse(
                f"{field}.stage",
                f"第 {index + 1} 个施工阶段与前面的重复，每个阶段只列一次",
                f"stage {index + 1} repeats an earlier one; list each stage once",
                code=Code.DUPLICATE,
            )
        if item.ends_on < item.starts_on:
            raise _refuse(
                f"{field}.ends_on",
                f"第 {index + 1} 个施工阶段的结束日期 {item.ends_on} 早于开始日期 "
                f"{item.starts_on}，请改正日期",
                f"stage {index + 1} ends ({item.ends_on}) before it starts ({item.starts_on}); "
                "correct the dates",
                Code.OUT_OF_ORDER,
            )
        seen.add(item.stage)
        out.append(item)
    if not out:
        raise _refuse(
            "stages",
            "检查计划至少列出一个施工阶段",
            "a plan lists at least one stage",
            Code.REQUIRED,
        )
    return tuple(sorted(out, key=lambda s: (s.starts_on, spec.stages.index(s.stage))))


def required_inspections(pack: RulePack, active_days: int) -> int:
    """R-R4: the inspections a stage needs in a month in which it is active `active_days` days."""
    spec = pack.riskmgmt
    if active_days <= 0:
        return 0
    if active_days < spec.short_month_days:
        return spec.short_month_min_inspections
    return spec.min_inspections_per_month


def _months(first: date, last: date) -> Iterable[tuple[int, int]]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def inspection_compliance(
    pack: RulePack,
    plan: Iterable[PlannedStage],
    inspections: Iterable[tuple[date, str]],
    *,
    until: date,
) -> list[MonthCompliance]:
    """R-R4: for each planned stage and each calendar month of its span that has begun by
    `until`, the inspections required, those recorded (on a day of that month, for that stage)
    and the shortfall. Ordered by month, then by the plan's order of stages."""
    done = Counter((day.year, day.month, stage) for day, stage in inspections)
    rows = []
    for item in plan:
        for year, month in _months(item.starts_on, item.ends_on):
            month_start = date(year, month, 1)
            if month_start > until:
                break
            month_end = date(year, month, days_in_month(year, month))
            first = max(item.starts_on, month_start)
            last = min(item.ends_on, month_end)
            active = (last - first) // ONE_DAY + 1
            required = required_inspections(pack, active)
            count = done[(year, month, item.stage)]
            rows.append(
                MonthCompliance(
                    month=f"{year:04d}-{month:02d}",
                    stage=item.stage,
                    active_days=active,
                    required=required,
                    done=count,
                    short=max(0, required - count),
                )
            )
    order = {stage: index for index, stage in enumerate(pack.riskmgmt.stages)}
    rows.sort(key=lambda r: (r.month, order.get(r.stage, len(order))))
    return rows


def check_grade(pack: RulePack, grade: str, *, field: str = "grade") -> str:
    """R-R5: a finding's grade is one of the pack's grades."""
    if grade not in pack.riskmgmt.grades:
        known = "、".join(pack.riskmgmt.grades)
        raise RuleViolation(
            rule="R-R5",
            field=field,
            code=Code.UNKNOWN,
            message=f"未知的缺陷等级“{grade}”（可选：{known}）",
            message_en=f"unknown grade '{grade}' (one of {', '.join(pack.riskmgmt.grades)})",
        )
    return grade


def is_major(pack: RulePack, grade: str) -> bool:
    """R-R7: a "major" (重大) defect is one of the pack's major grades (D and E)."""
    return grade in pack.riskmgmt.major_grades
