"""Money (R-U5, R-U7, R-U10, R-F1, R-F4): Decimal only, rounded half-up to the fen at the end."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from .codes import Code
from .errors import RuleViolation
from .results import PremiumQuote, Share
from .schema import RulePack

__all__ = [
    "FEN",
    "check_risk_management_fee",
    "fen",
    "fund_contribution",
    "fund_repair_cap",
    "min_risk_management_fee",
    "premium_quote",
    "split_by_shares",
]

FEN = Decimal("0.01")


def fen(amount: Decimal) -> Decimal:
    """Round to the fen, half-up: applied once, to the end result of a computation."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def _require_positive(value: Decimal, field: str, rule: str) -> None:
    if not value.is_finite() or value <= 0:
        raise RuleViolation(
            rule=rule,
            field=field,
            code=Code.OUT_OF_RANGE,
            message=f"金额须大于 0（当前：{value}），请填写实际金额",
            message_en=f"the amount must be greater than 0 (got {value}); enter the actual amount",
        )


def fund_contribution(pack: RulePack, contract_price: Decimal) -> Decimal:
    """R-F1: the guarantee-fund contribution, 0.05% of the contract price."""
    _require_positive(contract_price, "contract_price", "R-F1")
    return fen(contract_price * pack.fund.contribution_rate)


def min_risk_management_fee(pack: RulePack, premium: Decimal) -> Decimal:
    """R-U7: 15% of the premium, rounded to the fen (the same figure the check compares with)."""
    return fen(premium * pack.underwriting.min_risk_management_fee_ratio)


def premium_quote(
    pack: RulePack, contract_price: Decimal, housing: str, rate: Decimal
) -> PremiumQuote:
    """R-U5: premium = contract price × rate, refused below the housing type's floor."""
    floors = pack.underwriting.rate_floors
    floor = floors.get(housing)
    if floor is None:
        known = ", ".join(floors)
        raise RuleViolation(
            rule="R-U5",
            field="housing",
            code=Code.UNKNOWN,
            message=f"未知的住房类型“{housing}”，应为：{known}",
            message_en=f"unknown housing type '{housing}'; expected one of: {known}",
        )
    _require_positive(contract_price, "contract_price", "R-U5")
    if not rate.is_finite() or rate <= 0 or rate >= 1:
        raise RuleViolation(
            rule="R-U5",
            field="rate",
            code=Code.OUT_OF_RANGE,
            message=f"费率应为小数（如 0.015 表示 1.5%），当前：{rate}",
            message_en=f"rate must be a fraction (0.015 means 1.5%), got: {rate}",
        )
    if rate < floor:
        label = pack.underwriting.housing_labels.get(housing, housing)
        raise RuleViolation(
            rule="R-U5",
            field="rate",
            code=Code.BELOW_FLOOR,
            message=f"费率 {_pct(rate)} 低于{label}的最低费率 {_pct(floor)}：请按不低于 "
            f"{_pct(floor)} 的费率报价",
            message_en=f"the rate of {_pct(rate)} is below the floor of {_pct(floor)} for "
            f"{housing} housing: quote at least {_pct(floor)}",
        )
    premium = fen(contract_price * rate)
    return PremiumQuote(
        premium=premium,
        fund_contribution=fund_contribution(pack, contract_price),
        min_risk_management_fee=min_risk_management_fee(pack, premium),
        rate_floor=floor,
    )


def check_risk_management_fee(pack: RulePack, premium: Decimal, fee: Decimal) -> None:
    """R-U7: refuse a risk-management fee below 15% of the premium."""
    _require_positive(premium, "premium", "R-U7")
    minimum = min_risk_management_fee(pack, premium)
    if not fee.is_finite() or fee < minimum:
        ratio = pack.underwriting.min_risk_management_fee_ratio
        raise RuleViolation(
            rule="R-U7",
            field="fee",
            code=Code.BELOW_FLOOR,
            message=f"风险管理费 {fee} 低于保费 {premium} 的 {ratio:%}（{minimum}）",
            message_en=f"risk-management fee {fee} is below {ratio:%} of premium {premium} "
            f"({minimum})",
        )


def fund_repair_cap(pack: RulePack, contribution: Decimal) -> Decimal:
    """R-F4: the fund repairs a project up to 3 × its contribution."""
    return fen(contribution * pack.fund.repair_cap_multiple)


def split_by_shares(amount: Decimal, shares: Sequence[Share]) -> dict[str, Decimal]:
    """R-U10: followers get their share to the fen; the lead gets the remainder.

    Returns insurer → part, in the order of `shares`; the parts sum exactly to `amount`, which
    must itself be a fen amount. Exactly one share must be the lead.
    """
    if not amount.is_finite() or amount != amount.quantize(FEN):
        raise RuleViolation(
            rule="R-U10",
            field="amount",
            code=Code.INVALID,
            message=f"金额 {amount} 应精确到分",
            message_en=f"amount {amount} must be a whole number of fen",
        )
    leads = [s for s in shares if s.role == "lead"]
    if len(leads) != 1:
        raise RuleViolation(
            rule="R-U10",
            field="shares",
            code=Code.WRONG_COUNT,
            message="份额中必须恰好有一家主承保公司",
            message_en="the shares must have exactly one lead insurer",
        )
    parts: dict[str, Decimal] = {}
    for s in shares:
        if s.insurer in parts:
            raise RuleViolation(
                rule="R-U10",
                field="shares",
                code=Code.DUPLICATE,
                message=f"保险公司 {s.insurer} 重复",
                message_en=f"insurer {s.insurer} appears twice",
            )
        parts[s.insurer] = Decimal(0) if s.role == "lead" else fen(amount * s.fraction)
    lead = leads[0].insurer
    parts[lead] = amount - sum((v for k, v in parts.items() if k != lead), Decimal(0))
    return parts


def _pct(fraction: Decimal) -> str:
    """A rate as people read it: 0.0149 → 1.49%."""
    return f"{(fraction * 100).normalize():f}%"
