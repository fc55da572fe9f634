"""The shapes of the rulebook API: the questions and the answers of `idi rules`."""

from datetime import date
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from idi.core.limits import MAX_YEARS, Money
from idi.core.rulebook import get_rulebook

# The keys callers may send are the rule packs' own, never a list typed here.
Category = Literal[get_rulebook().categories()]
DeadlineKind = Literal[get_rulebook().deadline_kinds()]


class PackOut(Schema):
    id: str
    jurisdiction: str
    permits_from: date
    permits_to: date


class PacksOut(Schema):
    packs: list[PackOut]


class WindowIn(Schema):
    pack: str | None = Field(None, max_length=64)
    category: Category
    completion: date
    additional_years: int | None = Field(None, ge=0, le=MAX_YEARS)


class RuleWindowOut(Schema):
    category: str
    start: date
    end: date


class Span(Schema):
    start: date
    end: date


class AssessIn(Schema):
    pack: str | None = Field(None, max_length=64)
    category: Category
    completion: date
    on: date
    delivery: date | None = None
    fully_decorated: bool = True
    additional_years: int | None = Field(None, ge=0, le=MAX_YEARS)
    event: Literal["collapse", "casualty", "other"] = "other"


class AssessOut(Schema):
    status: str
    window: Span | None
    fund_fallback: bool
    insurer_channel: bool


class RuleDeadlineOut(Schema):
    kind: str
    from_: date = Field(alias="from")
    due: date
    moved_from: date | None
    provisional: bool


class PremiumIn(Schema):
    pack: str | None = Field(None, max_length=64)
    contract_price: Money
    housing: Literal["affordable", "commercial"]
    rate: Decimal = Field(..., ge=0, le=1, max_digits=7, decimal_places=6)


class PremiumOut(Schema):
    premium: str
    fund_contribution: str
    min_risk_management_fee: str
    rate_floor: str


class RuleShareIn(Schema):
    role: Literal["lead", "follower"]
    insurer: str = Field(..., max_length=200)
    fraction: Decimal = Field(..., ge=0, le=1, max_digits=5, decimal_places=4)


class CoinsuranceIn(Schema):
    pack: str | None = Field(None, max_length=64)
    shares: list[RuleShareIn] = Field(..., max_length=20)


class ViolationOut(Schema):
    code: str
    rule: str
    severity: str
    message: str


class CoinsuranceOut(Schema):
    valid: bool
    violations: list[ViolationOut]
