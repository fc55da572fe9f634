"""The guarantee fund (R-F3, R-F4): what a fund repair may cost and when the developer repays."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .codes import Code
from .dates import ONE_DAY, add_years
from .errors import RuleViolation
from .money import fund_repair_cap
from .schema import RulePack

__all__ = ["check_fund_repair", "fund_repair_cap_remaining", "replenishment_due_on"]


def fund_repair_cap_remaining(pack: RulePack, contribution: Decimal, used: Decimal) -> Decimal:
    """R-F4: what the fund may still spend on the project's repairs before its insurance period,
    never below zero (a lowered contribution can leave the cap behind what was spent)."""
    return max(fund_repair_cap(pack, contribution) - used, Decimal("0.00"))


def check_fund_repair(
    pack: RulePack, contribution: Decimal, used: Decimal, amount: Decimal
) -> None:
    """R-F4: refuse a fund repair that would take the project's fund repairs (`used` so far plus
    `amount`) beyond `repair_cap_multiple` × its contribution."""
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise RuleViolation(
            rule="R-F4",
            field="amount",
            message=f"金额应大于 0 且精确到分（当前：{amount}）",
            message_en=f"the amount must be greater than 0, in whole fen (got: {amount})",
            code=Code.INVALID,
        )
    cap = fund_repair_cap(pack, contribution)
    remaining = fund_repair_cap_remaining(pack, contribution, used)
    if amount > remaining:
        multiple = pack.fund.repair_cap_multiple
        raise RuleViolation(
            rule="R-F4",
            field="amount",
            message=f"保障基金维修费用上限为项目计提金额的 {multiple} 倍（{cap} 元），"
            f"已使用 {used} 元，剩余 {remaining} 元，不足 {amount} 元",
            message_en=f"fund repairs are capped at {multiple} × the project's contribution "
            f"({cap}); {used} is used, {remaining} remains, less than {amount}",
            code=Code.OVER_CAP,
        )


def replenishment_due_on(pack: RulePack, completion: date) -> date:
    """R-F3: the developer repays the fund before the insurance period starts (R-C2), so by the
    day before the start at the latest."""
    return add_years(completion, pack.coverage.start_offset_years) - ONE_DAY
