"""The shapes of the risk-management API (issue contract: keep them stable, G 5.3)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from idi.core.limits import MAX_TEXT, Id, Money, SignedMoney

# A person's name as written in a report, how many people attend or inspect, and how many
# stages or defects one request carries.
Name = Annotated[str, Field(max_length=100)]
MAX_PEOPLE = 50
MAX_ITEMS = 500


class EngagementIn(Schema):
    rma: Id
    fee: Money
    contract_signed_on: date
    letter_valid_from: date
    letter_valid_to: date


class PlanStageOut(Schema):
    stage: str
    starts_on: date
    ends_on: date


class EngagementOut(Schema):
    id: int
    policy: int
    project: int
    permit: int
    rma: int
    rma_name: str
    fee: Decimal
    contract_signed_on: date
    letter_valid_from: date
    letter_valid_to: date
    kickoff_held_on: date | None
    kickoff_attendees: list[str]
    plan: list[PlanStageOut]
    final_report: str | None  # None, "written" or "reviewed"


class KickoffIn(Schema):
    held_on: date
    attendees: list[Name] = Field(..., max_length=MAX_PEOPLE)
    minutes: str = Field(..., max_length=MAX_TEXT)


class PlanStageIn(Schema):
    stage: str = Field(..., max_length=32)
    starts_on: date
    ends_on: date


class PlanIn(Schema):
    stages: list[PlanStageIn] = Field(..., max_length=MAX_ITEMS)


class DefectIn(Schema):
    building: Id
    floor: int = Field(..., ge=-20, le=300)
    part: str = Field(..., max_length=200)
    category: str = Field(..., max_length=32)
    # R-R5 names an unknown grade; the length only keeps it a short key.
    grade: str = Field(..., max_length=32)
    description: str = Field(..., max_length=MAX_TEXT)
    proposal: str = Field(..., max_length=MAX_TEXT)


class InspectionIn(Schema):
    inspected_on: date
    stage: str = Field(..., max_length=32)
    inspectors: list[Name] = Field(..., max_length=MAX_PEOPLE)
    scope: str = Field(..., max_length=MAX_TEXT)
    risk_analysis: str = Field(..., max_length=MAX_TEXT)
    defects: list[DefectIn] = Field(default_factory=list, max_length=MAX_ITEMS)


class InspectionOut(Schema):
    id: int
    engagement: int
    inspected_on: date
    stage: str
    inspectors: list[str]
    scope: str
    risk_analysis: str
    defects: list[int]


class HistoryOut(Schema):
    action: str
    by: str
    at: datetime


class DefectOut(Schema):
    id: int
    grade: str
    major: bool
    category: str
    building: int
    floor: int
    part: str
    status: str
    responsible: int | None
    appraiser: int | None
    history: list[HistoryOut]


class DefectRowOut(Schema):
    id: int
    grade: str
    major: bool
    category: str
    building: int
    building_name: str
    floor: int
    part: str
    stage: str
    status: str
    responsible: int | None
    responsible_name: str | None


class ConfirmIn(Schema):
    responsible: Id


class DefectDisputeIn(Schema):
    reason: str = Field(..., max_length=MAX_TEXT)


class RectifyIn(Schema):
    explanation: str = Field(..., max_length=MAX_TEXT)


class DeveloperConfirmIn(Schema):
    reply: str = Field("", max_length=MAX_TEXT)


class DefectAppraiserIn(Schema):
    appraiser: Id


class DefectAppraisalIn(Schema):
    # Left out once an appraiser is chosen: the finding is then the chosen appraiser's.
    appraiser: Id | None = None
    responsible: Id
    fee: SignedMoney


class EvidenceOut(Schema):
    id: int
    defect: int
    stage: str
    content_type: str
    size: int
    sha256: str
    url: str


class MonthOut(Schema):
    month: str
    stage: str
    required: int
    done: int
    short: int


class ExceptionOut(Schema):
    rule: str
    code: str
    permit: int
    on: date
    message: str


class ComplianceOut(Schema):
    months: list[MonthOut]
    exceptions: list[ExceptionOut]


class FinalReportOut(Schema):
    engagement: int
    inspections_summary: dict
    rectification_summary: dict
    open_items: list[dict]
    risk_rating: str
    written_at: datetime
    reviewed_at: datetime | None


class EvaluationIn(Schema):
    # R-R9 refuses a rating outside 1-5; the range only keeps it within the column.
    rating: int = Field(..., ge=0, le=100)
    reasons: str = Field(..., max_length=MAX_TEXT)


class EvaluationOut(Schema):
    id: int
    engagement: int
    rating: int
    reasons: str
    at_final_report: bool
    at: datetime


class JointInspectionIn(Schema):
    scheduled_on: date


class JointInspectionOut(Schema):
    id: int
    permit: int
    engagement: int
    scheduled_on: date
