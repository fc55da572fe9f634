"""The shapes of the policies API: what callers send and what they get back."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from idi.core.limits import MAX_DAYS, MAX_MONEY, MAX_RATE, MAX_TEXT, MAX_YEARS, Id, Money
from idi.core.numbers import FractionOut, MoneyOut
from idi.underwriting import services
from idi.underwriting.models import AdditionalSubItem, ChangeKind, ShareRole

# The choices of the models (the sub-items are the pack's, R-C1), as the OpenAPI enums.
SubItem = Literal[tuple(AdditionalSubItem.values)]
Role = Literal[tuple(ShareRole.values)]
ChangeKindKey = Literal[tuple(ChangeKind.values)]
# Below a rule's own minimum is that rule's refusal (R-C1, R-U13); the ranges keep the columns.
Years = Annotated[int, Field(ge=0, le=MAX_YEARS)]
Days = Annotated[int, Field(ge=0, le=MAX_DAYS)]
# More insurers than any co-insurance has.
MAX_SHARES = 20


class ShareOut(Schema):
    id: int
    insurer: int
    insurer_name: str
    role: str
    fraction: FractionOut
    # Art. 8: when the follower confirmed its share under the co-insurance agreement.
    confirmed_at: datetime | None


class WarningOut(Schema):
    rule: str
    code: str
    message: str


class ContributionPartOut(Schema):
    insurer: int
    role: str
    fraction: FractionOut
    amount: MoneyOut


class FundDueOut(Schema):
    insurer: int
    amount: MoneyOut
    due_since: date


class AdditionalOut(Schema):
    sub_item: str
    years: int


class ClaimsStandardOut(Schema):
    days_to_accept: int
    days_to_survey: int
    days_to_determine: int
    days_to_repair: int


class PaymentOut(Schema):
    amount: MoneyOut
    paid_on: date
    reference: str


class CoverageLineOut(Schema):
    category: str
    sub_item: str
    label: str
    years: int
    covered: bool
    start: date | None
    end: date | None
    note: str | None


class PolicySummaryOut(Schema):
    id: int
    number: str
    state: str
    project: int
    project_name: str
    permit: int
    permit_number: str
    premium: MoneyOut | None
    my_share: ShareOut | None


class PolicyOut(PolicySummaryOut):
    pack: str
    developer: int
    developer_name: str
    district: str
    housing_type: str
    contract_price: MoneyOut | None
    rate: FractionOut | None
    sum_insured: MoneyOut | None
    deductible: MoneyOut
    risk_management_fee: MoneyOut | None
    min_risk_management_fee: MoneyOut | None
    fund_contribution: MoneyOut | None
    additional: list[AdditionalOut]
    shares: list[ShareOut]
    warnings: list[WarningOut]
    issued_on: date | None
    period_start: date | None
    period_end: date | None
    fund_contribution_due: FundDueOut | None
    contribution_split: list[ContributionPartOut]
    claims_standard: ClaimsStandardOut | None
    payment: PaymentOut | None
    missing_attachments: list[str]
    participants_not_notified: list[int]
    coverage: list[CoverageLineOut]


class CreateIn(Schema):
    permit: Id


class TermsIn(Schema):
    """The developer's terms; the rate and the risk-management fee are the lead insurer's
    quote (POST /policies/{id}/quote), not the developer's to set."""

    contract_price: Money
    sum_insured: Money
    # R-U3 refuses any other value; the range only keeps it within the column.
    deductible: Decimal = Field(
        Decimal(0), ge=-MAX_MONEY, le=MAX_MONEY, max_digits=18, decimal_places=2
    )
    additional: dict[SubItem, Years]

    def to_terms(self) -> services.Terms:
        return services.Terms(
            contract_price=self.contract_price,
            sum_insured=self.sum_insured,
            deductible=self.deductible,
            additional=dict(self.additional),
        )


Rate = Annotated[Decimal, Field(ge=0, le=MAX_RATE, max_digits=7, decimal_places=6)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]


class ChangedTermsIn(TermsIn):
    """New terms of an issued policy, with the rate and fee agreed again."""

    rate: Rate
    risk_management_fee: Money

    def to_terms(self) -> services.Terms:
        return services.Terms(
            contract_price=self.contract_price,
            sum_insured=self.sum_insured,
            deductible=self.deductible,
            additional=dict(self.additional),
            rate=self.rate,
            risk_management_fee=self.risk_management_fee,
        )


class QuoteRequestIn(Schema):
    note: Text = ""


class QuoteIn(Schema):
    """The lead insurer's quote: `rate` a fraction (0.015 = 1.5%), never below the floor
    (R-U5); `risk_management_fee` at least 15% of the premium (R-U7); and how each factor of
    Art. 9 was weighed."""

    rate: Rate
    risk_management_fee: Money
    engineering_risk: Text
    participants_quality: Text
    risk_management_needs: Text
    claims_history: Text

    def to_answer(self) -> services.QuoteInput:
        return services.QuoteInput(**self.dict())


class QuoteOut(Schema):
    id: int
    state: str
    insurer: int
    request_note: str
    requested_at: datetime
    rate: Decimal | None
    premium: Decimal | None
    risk_management_fee: Decimal | None
    engineering_risk: str
    participants_quality: str
    risk_management_needs: str
    claims_history: str
    quoted_at: datetime | None
    decided_at: datetime | None

    @staticmethod
    def resolve_insurer(obj) -> int:
        return obj.insurer_id


class ShareIn(Schema):
    insurer: Id
    role: Role
    # R-U4 refuses a share of 0; the range only keeps it within the column.
    fraction: Decimal = Field(..., ge=0, le=1, max_digits=5, decimal_places=4)


class SharesIn(Schema):
    shares: list[ShareIn] = Field(..., max_length=MAX_SHARES)

    def to_shares(self) -> list[services.ShareInput]:
        return [services.ShareInput(s.insurer, s.role, s.fraction) for s in self.shares]


class PaymentIn(Schema):
    amount: Money
    paid_on: date
    reference: str = Field("", max_length=100)


class IssueIn(Schema):
    issued_on: date | None = None


class ClaimsStandardIn(Schema):
    days_to_accept: Days
    days_to_survey: Days
    days_to_determine: Days
    days_to_repair: Days


class AttachmentOut(Schema):
    id: int
    kind: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    confirmed_at: datetime | None
    current: bool
    download_url: str


class NoticeOut(Schema):
    id: int
    policy: int
    participant: int
    organisation: int
    organisation_name: str
    role: str
    notified_at: datetime
    acknowledged_at: datetime | None


class CancelIn(Schema):
    reason: str = Field("", max_length=MAX_TEXT)
    change_request: Id | None = None


class ChangeIn(Schema):
    kind: ChangeKindKey
    reason: str = Field(..., max_length=MAX_TEXT)
    terms: ChangedTermsIn | None = None
    shares: list[ShareIn] | None = Field(None, max_length=MAX_SHARES)


class ConsentDueOut(Schema):
    unit: int
    unit_name: str
    buyer: int
    buyer_name: str
    given: bool


class RegulatorReportOut(Schema):
    district: str
    regulator: int | None
    reported_on: date
    reference: str


class ChangeOut(Schema):
    id: int
    policy: int
    kind: str
    state: str
    reason: str
    proposed: dict
    requested_at: datetime
    decided_at: datetime | None
    consents_required: bool
    consents_given: int = Field(..., description="R-U8: buyers who have consented")
    consents_total: int = Field(..., description="R-U8: buyers whose consent the change needs")
    consents: list[ConsentDueOut] = Field(
        ...,
        description="the rows the caller may see: every buyer for the developer, the insurers "
        "and the regulators; an owner only its own consent",
    )
    regulator_report: RegulatorReportOut | None


class ConsentIn(Schema):
    unit: Id
    buyer: Id
    consented_on: date


class ReportIn(Schema):
    reported_on: date
    reference: str = Field("", max_length=100)


class AmendIn(Schema):
    change_request: Id


class DepositIn(Schema):
    amount: Money
    paid_on: date
    reference: str = Field("", max_length=100)


class DepositOut(Schema):
    amount: MoneyOut
    paid_on: date
    reference: str


class HomeOut(Schema):
    unit: int
    unit_name: str
    project_name: str
    policy: PolicySummaryOut | None
    lead_insurer: str | None
    lead_insurer_phone: str | None
    coverage: list[CoverageLineOut]
