"""The shapes of the rulebook API: the questions and the answers of `idi rules`."""

from datetime import date
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

Category = Literal[
    "foundation_structure", "insulation", "waterproofing", "concealed_works", "additional"
]
DeadlineKind = Literal[
    "claim_determination",
    "claim_determination_complex",
    "claim_performance",
    "denial_notice",
    "appraisal_confirmation",
    "developer_notification",
    "developer_site_visit",
    "repair_warranty",
    "fund_application_opens",
]


class PackOut(Schema):
    id: str
    jurisdiction: str
    permits_from: date
    permits_to: date


class PacksOut(Schema):
    packs: list[PackOut]


class WindowIn(Schema):
    pack: str | None = None
    category: Category
    completion: date
    additional_years: int | None = None


class WindowOut(Schema):
    category: str
    start: date
    end: date


class Span(Schema):
    start: date
    end: date


class AssessIn(Schema):
    pack: str | None = None
    category: Category
    completion: date
    on: date
    delivery: date | None = None
    fully_decorated: bool = True
    additional_years: int | None = None
    event: Literal["collapse", "casualty", "other"] = "other"


class AssessOut(Schema):
    status: str
    window: Span | None
    fund_fallback: bool
    insurer_channel: bool


class DeadlineOut(Schema):
    kind: str
    from_: date = Field(alias="from")
    due: date
    moved_from: date | None
    provisional: bool


class PremiumIn(Schema):
    pack: str | None = None
    contract_price: Decimal
    housing: Literal["affordable", "commercial"]
    rate: Decimal


class PremiumOut(Schema):
    premium: str
    fund_contribution: str
    min_risk_management_fee: str
    rate_floor: str


class ShareIn(Schema):
    role: Literal["lead", "follower"]
    insurer: str
    fraction: Decimal


class CoinsuranceIn(Schema):
    pack: str | None = None
    shares: list[ShareIn]


class ViolationOut(Schema):
    code: str
    rule: str
    severity: str
    message: str


class CoinsuranceOut(Schema):
    valid: bool
    violations: list[ViolationOut]
