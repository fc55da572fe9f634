"""The shapes of the projects API: what callers send and what they get back."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from idi.core.limits import MAX_BUYERS, Id
from idi.core.numbers import MoneyOut
from idi.parties.models import District
from idi.projects import services
from idi.projects.models import HousingType, ParticipantRole, ProjectHousingType

# The choices of the models, as the OpenAPI enums of the schemas.
DistrictKey = Literal[tuple(k for k in District.values if k != District.CITY)]
ProjectHousing = Literal[tuple(ProjectHousingType.values)]
BuildingHousing = Literal[tuple(HousingType.values)]
Role = Literal[tuple(ParticipantRole.values)]


class ProjectIn(Schema):
    name: str = Field(..., max_length=200, description="项目名称")
    district: DistrictKey = Field(..., description="所属区县")
    housing_type: ProjectHousing = Field(..., description="住房类型：保障房/商品房/混合")
    address: str = Field("", max_length=300)
    developer: Id | None = Field(None, description="建设单位（仅平台运营方登记时填写）")


class ProjectOut(Schema):
    id: int
    name: str
    developer: int = Field(..., validation_alias="developer_id")
    developer_name: str
    district: str
    housing_type: str
    address: str
    created_at: datetime

    @staticmethod
    def resolve_developer_name(obj) -> str:
        return obj.developer.name


class PlanningPermitIn(Schema):
    number: str = Field(..., max_length=64, description="工程规划许可证号")
    issued_on: date | None = None


class PlanningPermitOut(Schema):
    id: int
    project: int = Field(..., validation_alias="project_id")
    number: str
    issued_on: date | None


class PermitIn(Schema):
    planning_permit: Id
    number: str = Field(..., max_length=64, description="施工许可证号")
    applied_on: date = Field(..., description="申领日期 (R-U1 picks the rule pack by it)")
    issued_on: date | None = None


class PermitOut(Schema):
    id: int
    project: int = Field(..., validation_alias="project_id")
    planning_permit: int = Field(..., validation_alias="planning_permit_id")
    number: str
    applied_on: date
    issued_on: date | None
    construction_started_on: date | None
    completion_accepted_on: date | None
    stage: str = Field(..., description="applied / issued / under_construction / completed")

    @staticmethod
    def resolve_stage(obj) -> str:
        return services.permit_stage(obj)


class PermitIssueIn(Schema):
    issued_on: date


class ConstructionStartIn(Schema):
    started_on: date


class CompletionIn(Schema):
    accepted_on: date


class BuildingIn(Schema):
    permit: Id
    name: str = Field(..., max_length=64, description="楼栋")
    housing_type: BuildingHousing | None = Field(
        None, description="住房类型：默认为项目的住房类型；混合项目必填"
    )
    floors_above: int = Field(..., ge=1, le=300)
    floors_below: int = Field(0, ge=0, le=20)
    fully_decorated: bool = False


class BuildingOut(Schema):
    id: int
    project: int = Field(..., validation_alias="project_id")
    permit: int = Field(..., validation_alias="permit_id")
    name: str
    housing_type: str
    fully_decorated: bool
    floors_above: int
    floors_below: int
    delivered_on: date | None


class DeliveryIn(Schema):
    delivered_on: date


class UnitIn(Schema):
    building: Id
    room_number: str = Field(..., max_length=32)
    floor: int = Field(..., ge=-20, le=300)
    area: Decimal = Field(
        ..., gt=0, lt=10_000_000, max_digits=9, decimal_places=2, description="建筑面积（㎡）"
    )


class UnitOut(Schema):
    id: int
    building: int = Field(..., validation_alias="building_id")
    building_name: str
    room_number: str
    floor: int
    area: MoneyOut
    sold_on: date | None


class UnitPageOut(Schema):
    items: list[UnitOut]
    limit: int
    count: int | None = Field(None, description="page mode: total number of units")
    page: int | None = None
    pages: int | None = None
    next_cursor: str | None = Field(None, description="cursor mode: pass as ?cursor= for more")


class BuyerIn(Schema):
    real_name: str = Field(..., max_length=100)
    id_number: str = Field(..., max_length=18, description="18 位居民身份证号码")
    phone: str = Field(..., max_length=20, description="11 位手机号")


class BuyerOut(Schema):
    user: int = Field(..., validation_alias="user_id")
    real_name: str
    id_number: str = Field(..., description="masked (3301********1234) unless the viewer may")
    phone: str = Field(..., description="masked (138****5678) unless the viewer may")


class SaleIn(Schema):
    sold_on: date
    contract_number: str = Field("", max_length=64)
    buyers: list[BuyerIn] = Field(..., min_length=1, max_length=MAX_BUYERS)


class SaleOut(Schema):
    id: int
    unit: int = Field(..., validation_alias="unit_id")
    sold_on: date
    contract_number: str
    buyers: list[BuyerOut]


class UnitDetailOut(Schema):
    id: int
    project: int = Field(..., validation_alias="project_id")
    building: int = Field(..., validation_alias="building_id")
    building_name: str
    room_number: str
    floor: int
    area: MoneyOut
    sale: SaleOut | None


class ParticipantIn(Schema):
    organisation_uscc: str = Field(..., max_length=18, description="参建单位的统一社会信用代码")
    role: Role


class ParticipantOut(Schema):
    id: int
    project: int = Field(..., validation_alias="project_id")
    organisation: int = Field(..., validation_alias="organisation_id")
    organisation_name: str
    role: str

    @staticmethod
    def resolve_organisation_name(obj) -> str:
        return obj.organisation.name


class RowErrorOut(Schema):
    row: int = Field(..., description="spreadsheet row number; the header is row 1")
    column: str
    message: str


class ImportOut(Schema):
    dry_run: bool
    ok: bool
    errors: list[RowErrorOut]
    counts: dict[str, int]


class ImportJobOut(Schema):
    """A background import (docs/import.md): its state, and rows done of the total while it runs
    (the phase says whether rows are being checked or written)."""

    id: int
    project: int
    filename: str
    dry_run: bool = Field(..., description="a check: writes nothing, confirmed by POST .../confirm")
    state: Literal["queued", "running", "done", "failed"]
    phase: str = Field(..., description="what the worker does now; empty unless running")
    rows_done: int
    rows_total: int | None
    counts: dict[str, int] | None = Field(..., description="what was imported, once done")
    error: dict | None = Field(..., description="why nothing was imported, once failed")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
