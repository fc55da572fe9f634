"""The shapes of the parties API: what callers send and what they get back."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from idi.core.limits import MAX_PASSWORD, Money
from idi.core.numbers import FractionOut, MoneyOut
from idi.parties.models import District, OrgType, RelationshipKind, Role

OrgTypeKey = Literal[tuple(OrgType.values)]
DistrictKey = Literal[tuple(District.values)]
RoleKey = Literal[tuple(r for r in Role.values if r != Role.OWNER)]
RelationshipKey = Literal[tuple(RelationshipKind.values)]


class MeOut(Schema):
    user: int | None
    username: str
    organisation: int | None
    organisation_type: str | None
    district: str | None
    roles: list[str]
    is_operator: bool


class OrganisationIn(Schema):
    name: str = Field(..., max_length=200)
    org_type: OrgTypeKey
    uscc: str = Field(..., max_length=18, description="18 位统一社会信用代码（含校验码）")
    district: DistrictKey | Literal[""] = Field("", description="regulators: district or city")
    contact_name: str = Field("", max_length=100)
    contact_phone: str = Field("", max_length=32)
    address: str = Field("", max_length=300)


class OrganisationPatch(Schema):
    name: str | None = Field(None, max_length=200)
    district: DistrictKey | None = None
    contact_name: str | None = Field(None, max_length=100)
    contact_phone: str | None = Field(None, max_length=32)
    address: str | None = Field(None, max_length=300)


class OrganisationOut(Schema):
    id: int
    name: str
    org_type: str
    uscc: str
    district: str
    contact_name: str
    contact_phone: str
    address: str
    created_at: datetime


class QualificationIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    registered_capital: Money = Field(..., description="注册资本金（元）")
    solvency_ratio: Decimal = Field(
        ..., ge=0, le=999, max_digits=7, decimal_places=4, description="a fraction: 1.5 = 150%"
    )
    has_quality_department: bool
    has_idi_lead_experience: bool


class QualificationOut(Schema):
    year: int
    registered_capital: MoneyOut
    solvency_ratio: FractionOut
    has_quality_department: bool
    has_idi_lead_experience: bool


class RelationshipIn(Schema):
    to_org_uscc: str = Field(
        ..., max_length=18, description="the related organisation's credit code"
    )
    kind: RelationshipKey
    note: str = Field("", max_length=300)


class RelationshipOut(Schema):
    id: int
    from_organisation: int
    to_organisation: int
    kind: str
    note: str
    declared_at: datetime

    @staticmethod
    def resolve_from_organisation(obj) -> int:
        return obj.from_org_id

    @staticmethod
    def resolve_to_organisation(obj) -> int:
        return obj.to_org_id


class MemberIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., min_length=8, max_length=MAX_PASSWORD)
    roles: list[RoleKey] = Field(..., min_length=1, max_length=len(Role))
    real_name: str = Field("", max_length=100)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)


class MemberOut(Schema):
    id: int
    username: str
    real_name: str
    roles: list[str]

    @staticmethod
    def resolve_real_name(obj) -> str:
        return obj.profile.real_name

    @staticmethod
    def resolve_roles(obj) -> list[str]:
        return obj.profile.roles


class OwnerIn(Schema):
    """No password: only the owner sets one, at activation (`/activate/`). A body that sends
    one, or any other unknown field, is refused."""

    model_config = ConfigDict(extra="forbid")

    real_name: str = Field(..., max_length=100)
    id_number: str = Field(..., max_length=18, description="18 位居民身份证号码")
    phone: str = Field(..., max_length=20, description="11 位手机号")
    username: str | None = Field(None, max_length=150)


class OwnerOut(Schema):
    id: int
    username: str
    real_name: str
    id_number: str = Field(..., description="masked unless the viewer may see it in full")
    phone: str = Field(..., description="masked unless the viewer may see it in full")
