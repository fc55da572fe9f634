"""The shapes of the risk-management API (issue contract: keep them stable, G 5.3)."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class EngagementIn(Schema):
    rma: int
    fee: Decimal
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
    attendees: list[str]
    minutes: str


class PlanStageIn(Schema):
    stage: str
    starts_on: date
    ends_on: date


class PlanIn(Schema):
    stages: list[PlanStageIn]


class DefectIn(Schema):
    building: int
    floor: int
    part: str
    category: str
    grade: str
    description: str
    proposal: str


class InspectionIn(Schema):
    inspected_on: date
    stage: str
    inspectors: list[str]
    scope: str
    risk_analysis: str
    defects: list[DefectIn] = Field(default_factory=list)


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


class DefectPage(Schema):
    items: list[DefectRowOut]
    count: int
    page: int
    pages: int
    limit: int


class ConfirmIn(Schema):
    responsible: int


class DisputeIn(Schema):
    reason: str


class RectifyIn(Schema):
    explanation: str


class DeveloperConfirmIn(Schema):
    reply: str = ""


class AppraisalIn(Schema):
    appraiser: int
    responsible: int
    fee: Decimal


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
    rating: int
    reasons: str


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
