"""Pydantic schemas of the data files: rule packs and yearly holiday notices.

Every number and every [convention] of RULES.md lives in a pack, so the schema is where a
malformed pack is caught: at load time, with the file and key path, never during a computation.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = [
    "REQUIRED_DEADLINE_KINDS",
    "CategorySpec",
    "CoinsuranceSpec",
    "CoverageSpec",
    "DeadlineSpec",
    "FundSpec",
    "FundStructuralSpec",
    "HolidayFile",
    "InsurerChannelSpec",
    "LeadQualificationSpec",
    "RiskManagementSpec",
    "RulePack",
    "UnderwritingSpec",
    "describe_validation_error",
]

# The kinds the platform's services ask for; a pack may add more but may not drop these.
REQUIRED_DEADLINE_KINDS = (
    "claim_determination",
    "claim_determination_complex",
    "claim_performance",
    "denial_notice",
    "appraisal_confirmation",
    "developer_notification",
    "developer_site_visit",
    "repair_warranty",
    "fund_application_opens",
    "joint_inspection",
)

Fraction = Annotated[Decimal, Field(gt=0, le=1)]
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def describe_validation_error(exc: ValidationError) -> tuple[str, str]:
    """The key path to blame and a description of every problem.

    An unknown key is blamed first: a misspelt key also makes the intended key "missing", and
    the misspelling is what the operator has to fix.
    """
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    problems = [f"{_location(tuple(e['loc']))}: {e['msg']}" for e in errors]
    detail = errors[0]["msg"] if len(problems) == 1 else "; ".join(problems)
    return _location(tuple(errors[0]["loc"])), detail


class _Model(BaseModel):
    # Unknown keys are typos in an operator's file: refuse them rather than ignore them.
    model_config = ConfigDict(extra="forbid", frozen=True)


class CategorySpec(_Model):
    """R-C1. Either a fixed `years`, or `min_years` when the policy sets the period (附加险)."""

    article: str
    label_zh: str
    label_en: str
    years: Annotated[int, Field(gt=0)] | None = None
    min_years: Annotated[int, Field(gt=0)] | None = None
    fully_decorated_only: bool = False  # R-C4
    sub_items: tuple[Key, ...] = ()

    @model_validator(mode="after")
    def _one_period(self) -> CategorySpec:
        if (self.years is None) == (self.min_years is None):
            raise ValueError("exactly one of `years` and `min_years` must be set")
        return self


class FundStructuralSpec(_Model):
    """R-C5 `fund_structural` / R-F5: after the window, until completion + horizon_years."""

    categories: tuple[Key, ...]
    events: tuple[Key, ...]
    horizon_years: Annotated[int, Field(gt=0)]


class InsurerChannelSpec(_Model):
    """R-F2: the lead insurer takes complaints from delivery + N months."""

    delivery_offset_months: Annotated[int, Field(ge=0)]


class CoverageSpec(_Model):
    start_offset_years: Annotated[int, Field(ge=0)]  # R-C2
    events: tuple[Key, ...]
    default_event: Key
    categories: dict[Key, CategorySpec]
    fund_structural: FundStructuralSpec
    insurer_channel: InsurerChannelSpec

    @model_validator(mode="after")
    def _consistent(self) -> CoverageSpec:
        if self.default_event not in self.events:
            raise ValueError(f"default_event {self.default_event!r} is not one of `events`")
        for cat in self.fund_structural.categories:
            if cat not in self.categories:
                raise ValueError(f"fund_structural.categories: unknown category {cat!r}")
            if self.categories[cat].years is None:
                raise ValueError(f"fund_structural.categories: {cat!r} has no fixed `years`")
        for event in self.fund_structural.events:
            if event not in self.events:
                raise ValueError(f"fund_structural.events: unknown event {event!r}")
        return self


class CoinsuranceSpec(_Model):
    """R-U4."""

    min_followers: Annotated[int, Field(ge=1)]
    min_lead_share: Fraction


class LeadQualificationSpec(_Model):
    """R-U6 (G 2.1 says "宜": unmet conditions are warnings)."""

    min_registered_capital: Annotated[Decimal, Field(ge=0)]
    min_solvency_ratio: Annotated[Decimal, Field(ge=0)]
    solvency_years: Annotated[int, Field(ge=1)]
    requires_quality_department: bool
    requires_idi_lead_experience: bool


class UnderwritingSpec(_Model):
    rate_floors: dict[Key, Fraction]  # R-U5, keyed by housing type
    housing_labels: dict[Key, str] = {}  # Chinese name of each housing type, for messages
    min_risk_management_fee_ratio: Fraction  # R-U7
    coinsurance: CoinsuranceSpec
    lead_qualification: LeadQualificationSpec


class FundSpec(_Model):
    contribution_rate: Fraction  # R-F1
    repair_cap_multiple: Annotated[Decimal, Field(gt=0)]  # R-F4


class RiskManagementSpec(_Model):
    """Section 5 of RULES.md (Art. 6, 11, 12; G 3)."""

    # R-R4 / G 3.3: the construction stages of an inspection plan ("基础、主体、装饰等").
    stages: tuple[Key, ...]
    # R-R8 / Art. 6: the stage of the findings of the joint pre-period inspection.
    joint_inspection_stage: Key
    # R-R4 / G 3.3: process inspections per calendar month of an active stage.
    min_inspections_per_month: Annotated[int, Field(ge=1)]
    # R-R4 [convention]: a month in which the stage is active fewer days than this ...
    short_month_days: Annotated[int, Field(ge=1, le=31)]
    # ... needs this many inspections instead.
    short_month_min_inspections: Annotated[int, Field(ge=0)]
    # R-R5: the severity grades of a finding, and the ones that are "major" (R-R7).
    grades: tuple[Annotated[str, Field(pattern=r"^[A-Z]$")], ...]
    major_grades: tuple[Annotated[str, Field(pattern=r"^[A-Z]$")], ...]

    @model_validator(mode="after")
    def _consistent(self) -> RiskManagementSpec:
        unknown = [g for g in self.major_grades if g not in self.grades]
        if unknown:
            raise ValueError(f"major_grades: unknown grades {', '.join(unknown)}")
        if self.joint_inspection_stage in self.stages:
            raise ValueError("joint_inspection_stage must not be a plan stage")
        if self.short_month_min_inspections > self.min_inspections_per_month:
            raise ValueError("short_month_min_inspections exceeds min_inspections_per_month")
        return self


class DeadlineSpec(_Model):
    """One deadline kind.

    `act`: R-T3 applies (a last day on a rest day moves to the next working day).
    `counts_start_day`: R-T6, the period is [D, D + N − 1 unit-day] instead of R-T1's (D, D + N].
    `due`: the answer is the period's last day, or the first day after it (what opens then).
    `remind_days_before`: a clock of months or years is reminded this many calendar days before
    its due day instead of the platform's few working days.
    """

    rule: str
    count: Annotated[int, Field(ge=0)]
    unit: Literal["days", "months", "years"]
    act: bool
    counts_start_day: bool = False
    due: Literal["last_day", "day_after"] = "last_day"
    remind_days_before: Annotated[int, Field(ge=0)] | None = None
    label_zh: str
    label_en: str


class RulePack(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
    jurisdiction: Key
    title: str
    title_en: str = ""
    source: str = ""
    permits_from: date
    permits_to: date  # inclusive
    coverage: CoverageSpec
    underwriting: UnderwritingSpec
    fund: FundSpec
    riskmgmt: RiskManagementSpec
    deadlines: dict[Key, DeadlineSpec]

    @model_validator(mode="after")
    def _consistent(self) -> RulePack:
        if self.permits_to < self.permits_from:
            raise ValueError("permits_to is before permits_from")
        missing = [k for k in REQUIRED_DEADLINE_KINDS if k not in self.deadlines]
        if missing:
            raise ValueError(f"deadlines: missing kinds {', '.join(missing)}")
        return self

    def covers_permit(self, permit_date: date) -> bool:
        return self.permits_from <= permit_date <= self.permits_to


class HolidayFile(_Model):
    """One year's State Council holiday notice, as the operator types it (R-T5)."""

    year: Annotated[int, Field(ge=1949, le=9999)]
    source: Annotated[str, Field(min_length=1)]
    holidays: tuple[date, ...]
    workdays: tuple[date, ...] = ()
