"""The terms of a policy (Art. 7 R-U3, Art. 5 R-C1), when it must be signed (R-U3), and the
claims times its lead insurer commits to (G 4.1 R-U13)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from .codes import Code
from .errors import RuleViolation
from .schema import RulePack

__all__ = [
    "ADDITIONAL",
    "CLAIMS_STANDARD_FIELDS",
    "LEGAL_CLAIM_TIMES",
    "basic_categories",
    "check_additional",
    "check_claims_standard",
    "check_deductible",
    "check_issue_before_start",
    "check_start_after_issue",
    "check_sum_insured",
    "legal_claim_days",
]

# The category whose sub-items and periods the policy sets (R-C1, Art. 5(五)).
ADDITIONAL = "additional"
# R-U13: the times a claims service standard commits to, in days.
CLAIMS_STANDARD_FIELDS = ("days_to_accept", "days_to_survey", "days_to_determine", "days_to_repair")
# The committed times the law also sets, and the pack's deadline kind that sets each.
LEGAL_CLAIM_TIMES = {
    "days_to_determine": "claim_determination",
    "days_to_repair": "claim_performance",
}


def basic_categories(pack: RulePack) -> tuple[str, ...]:
    """R-C1: the categories of a fixed period, in the pack's order (Art. 5's); the additional
    cover's period is set per sub-item by the policy."""
    return tuple(k for k, spec in pack.coverage.categories.items() if spec.years is not None)


def check_deductible(deductible: Decimal) -> None:
    """R-U3: no deductible (住宅质量保险不得设置免赔额度)."""
    if deductible != 0:
        raise RuleViolation(
            rule="R-U3",
            field="deductible",
            code=Code.OUT_OF_RANGE,
            message=f"免赔额必须为 0（当前：{deductible}）",
            message_en=f"the deductible must be 0 (got: {deductible})",
        )


def check_sum_insured(sum_insured: Decimal) -> None:
    """R-U3: the sum insured is the policy's maximum total indemnity, so it is positive."""
    if not sum_insured.is_finite() or sum_insured <= 0:
        raise RuleViolation(
            rule="R-U3",
            field="sum_insured",
            code=Code.OUT_OF_RANGE,
            message=f"保险金额必须大于 0（当前：{sum_insured}）",
            message_en=f"the sum insured must be greater than 0 (got: {sum_insured})",
        )


def check_additional(pack: RulePack, additional: Mapping[str, int]) -> None:
    """R-U3: additional cover is mandatory; R-C1: each sub-item is one the pack lists, for at
    least the pack's minimum number of years."""
    spec = pack.coverage.categories[ADDITIONAL]
    if not additional:
        raise RuleViolation(
            rule="R-U3",
            field=ADDITIONAL,
            code=Code.REQUIRED,
            message="附加险为必保：至少选择一项附加险分项并填写保险期限",
            message_en="additional cover is mandatory: choose at least one sub-item with its "
            "period",
        )
    minimum = spec.min_years or 0
    for sub_item, years in additional.items():
        if sub_item not in spec.sub_items:
            known = ", ".join(spec.sub_items)
            raise RuleViolation(
                rule="R-C1",
                field=ADDITIONAL,
                code=Code.INVALID_CHOICE,
                message=f"附加险没有分项“{sub_item}”，可选：{known}",
                message_en=f"the additional cover has no sub-item '{sub_item}'; expected one of: "
                f"{known}",
            )
        if years < minimum:
            raise RuleViolation(
                rule="R-C1",
                field=f"{ADDITIONAL}.{sub_item}",
                code=Code.BELOW_FLOOR,
                message=f"附加险分项 {sub_item} 的保险期限不得低于 {minimum} 年（当前：{years}）",
                message_en=f"the period of additional sub-item {sub_item} must be at least "
                f"{minimum} years (got: {years})",
            )


def legal_claim_days(pack: RulePack) -> dict[str, int]:
    """R-U13: the legal time of each committed claims time that the law sets, by field."""
    return {name: pack.deadlines[kind].count for name, kind in LEGAL_CLAIM_TIMES.items()}


def check_claims_standard(pack: RulePack, days: Mapping[str, int | None]) -> None:
    """R-U13: every committed time is a positive number of days, and stricter than the legal
    time where the law sets one, never looser."""
    for name in CLAIMS_STANDARD_FIELDS:
        value = days.get(name)
        if value is None or value <= 0:
            raise RuleViolation(
                rule="R-U13",
                field=name,
                code=Code.OUT_OF_RANGE,
                message=f"承诺时限必须为正整数天（当前：{value}）",
                message_en=f"a committed time must be a positive number of days (got: {value})",
            )
    for name, kind in LEGAL_CLAIM_TIMES.items():
        spec = pack.deadlines[kind]
        value = days[name]
        if value is not None and value > spec.count:
            raise RuleViolation(
                rule="R-U13",
                field=name,
                code=Code.ABOVE_LIMIT,
                message=f"承诺的{spec.label_zh}时限 {value} 日长于法定时限 {spec.count} 日"
                f"（{spec.rule}）：只能更严格，不能更宽松",
                message_en=f"the committed {spec.label_en} time of {value} days is longer than "
                f"the legal {spec.count} days ({spec.rule}): it may be stricter, never looser",
            )


def _too_late(started_on: date, issued_on: date) -> RuleViolation:
    return RuleViolation(
        rule="R-U3",
        field="construction_started_on",
        code=Code.TOO_LATE,
        message=f"工程已于 {started_on} 开工：保险合同须在开工前签订（签发日期：{issued_on}）",
        message_en=f"construction started on {started_on}: the policy must be signed before "
        f"construction starts (issued on {issued_on})",
    )


def check_issue_before_start(*, issued_on: date, started_on: date) -> None:
    """R-U3, at issue: construction recorded as started on or before the day of issue started
    before the signature (its record came first, so a start that day counts as earlier)."""
    if started_on <= issued_on:
        raise _too_late(started_on, issued_on)


def check_start_after_issue(*, issued_on: date | None, started_on: date) -> None:
    """R-U3, at the start of construction: only once the policy is issued, and not dated before
    the day of issue (the issue's record came first, so a start that day counts as later)."""
    if issued_on is None:
        raise RuleViolation(
            rule="R-U3",
            field="construction_started_on",
            code=Code.NOT_MET,
            message="保单尚未签发：保险合同须在开工前签订，签发后才能登记开工",
            message_en="the policy is not issued yet: it must be signed before construction "
            "starts, so construction is recorded only after issue",
        )
    if started_on < issued_on:
        raise _too_late(started_on, issued_on)
