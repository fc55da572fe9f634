"""The shapes of the policies API: what callers send and what they get back."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema

from idi.underwriting import services

SubItem = Literal["decoration", "mep_installation", "hvac"]
Role = Literal["lead", "follower"]


class ShareOut(Schema):
    insurer: int
    insurer_name: str
    role: str
    fraction: Decimal


class WarningOut(Schema):
    rule: str
    code: str
    message: str


class ContributionPartOut(Schema):
    insurer: int
    role: str
    fraction: Decimal
    amount: Decimal


class FundDueOut(Schema):
    insurer: int
    amount: Decimal
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
    amount: Decimal
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
    premium: Decimal | None
    my_share: ShareOut | None


class PolicyOut(PolicySummaryOut):
    pack: str
    developer: int
    developer_name: str
    district: str
    housing_type: str
    contract_price: Decimal | None
    rate: Decimal | None
    sum_insured: Decimal | None
    deductible: Decimal
    risk_management_fee: Decimal | None
    min_risk_management_fee: Decimal | None
    fund_contribution: Decimal | None
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
    permit: int


class TermsIn(Schema):
    contract_price: Decimal
    rate: Decimal
    sum_insured: Decimal
    risk_management_fee: Decimal
    deductible: Decimal = Decimal(0)
    additional: dict[SubItem, int]

    def to_terms(self) -> services.Terms:
        return services.Terms(
            contract_price=self.contract_price,
            rate=self.rate,
            sum_insured=self.sum_insured,
            risk_management_fee=self.risk_management_fee,
            deductible=self.deductible,
            additional=dict(self.additional),
        )


class ShareIn(Schema):
    insurer: int
    role: Role
    fraction: Decimal


class SharesIn(Schema):
    shares: list[ShareIn]

    def to_shares(self) -> list[services.ShareInput]:
        return [services.ShareInput(s.insurer, s.role, s.fraction) for s in self.shares]


class PaymentIn(Schema):
    amount: Decimal
    paid_on: date
    reference: str = ""


class IssueIn(Schema):
    issued_on: date | None = None


class ClaimsStandardIn(ClaimsStandardOut):
    pass


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
    reason: str = ""
    change_request: int | None = None


class ChangeIn(Schema):
    kind: Literal["cancel", "change_terms", "change_insurer"]
    reason: str
    terms: TermsIn | None = None
    shares: list[ShareIn] | None = None


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
    consents: list[ConsentDueOut]
    regulator_report: RegulatorReportOut | None


class ConsentIn(Schema):
    unit: int
    buyer: int
    consented_on: date


class ReportIn(Schema):
    reported_on: date
    reference: str = ""


class AmendIn(Schema):
    change_request: int


class DepositIn(Schema):
    amount: Decimal
    paid_on: date
    reference: str = ""


class DepositOut(Schema):
    amount: Decimal
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
