"""The fund API's shapes. Money leaves as strings with 2 decimals; it arrives as a decimal
string (or number) and the services refuse anything that is not a whole number of fen."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from idi.core.limits import MAX_TEXT, Id, SignedMoney


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class ProjectFundOut(Schema):
    contributed: str
    received: str
    withdrawn: str
    replenished: str
    balance: str
    cap: str
    cap_remaining: str
    replenishment_due: str


class AccountOut(Schema):
    id: int
    kind: str
    project: int | None
    organisation: int | None


class EntryOut(Schema):
    id: int
    kind: str
    debit: AccountOut
    credit: AccountOut
    amount: str
    booked_on: date
    posted_at: datetime
    memo: str
    reference: str
    policy: int | None
    case: int | None
    reverses: int | None


class EntryPage(Schema):
    items: list[EntryOut]
    count: int
    page: int
    pages: int
    limit: int


class ContributionIn(Schema):
    project: Id
    insurer: Id
    amount: SignedMoney
    received_on: date
    reference: str = Field("", max_length=100)


class ReplenishmentIn(Schema):
    project: Id
    amount: SignedMoney
    received_on: date
    reference: str = Field("", max_length=100)


class TransferIn(Schema):
    source: Id | None = Field(None, description="项目子账户；空为统筹子账户 / null: general")
    target: Id | None = Field(None, description="项目子账户；空为统筹子账户 / null: general")
    amount: SignedMoney
    booked_on: date
    reason: str = Field(..., max_length=300)


class ReverseIn(Schema):
    reason: str = Field(..., max_length=250)


class CaseIn(Schema):
    kind: Literal["fallback_repair", "structural"]
    building: Id
    unit: Id | None = None
    category: str = Field(..., max_length=32)
    event: Literal["other", "collapse", "casualty"] = "other"
    occurred_on: date
    description: str = Field(..., max_length=MAX_TEXT)
    requested_amount: SignedMoney


class DecisionIn(Schema):
    approved: bool
    amount: SignedMoney | None = None
    reasons: str = Field(..., max_length=MAX_TEXT)


class FundPaymentIn(Schema):
    paid_on: date | None = None


class DeductionIn(Schema):
    contractor: Id
    amount: SignedMoney


class CaseOut(Schema):
    id: int
    kind: str
    state: str
    project: int
    building: int
    unit: int | None
    category: str
    event: str
    occurred_on: date
    status: str
    description: str
    requested_amount: str
    approved_amount: str | None
    reasons: str
    paid_on: date | None
    replenishment_due_on: date | None
    contractor: int | None
    quality_deposit_deduction: str | None
    evidence: int


class CasePage(Schema):
    items: list[CaseOut]
    count: int
    page: int
    pages: int
    limit: int


class MonthlyProjectOut(Schema):
    project: int
    name: str
    district: str
    contributed: str
    received: str
    withdrawn: str
    replenished: str
    balance: str
    cap: str
    cap_remaining: str
    replenishment_due: str
    received_in_month: str
    withdrawn_in_month: str
    replenished_in_month: str


class OverdueOut(Schema):
    project: int
    due_on: date
    amount: str


class MonthlyReportOut(Schema):
    month: str
    opening_balance: str
    inflows: str
    outflows: str
    closing_balance: str
    projects: list[MonthlyProjectOut]
    overdue_replenishments: list[OverdueOut]
