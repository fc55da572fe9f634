"""The registry of parties over HTTP (/api/v1/): organisations, qualifications, relationships,
accounts and owners, through the same services and selectors as the pages."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from idi.core.api_auth import API_AUTH
from idi.core.errors import RuleViolation
from idi.core.paging import page_body
from idi.core.permissions import actor_from_request
from idi.parties import selectors, services
from idi.parties.models import District, OrgType, RelationshipKind, Role
from idi.parties.privacy import shown_identity

router = Router(auth=API_AUTH)

OrgTypeKey = Literal[tuple(OrgType.values)]
DistrictKey = Literal[tuple(District.values)]
RoleKey = Literal[tuple(r for r in Role.values if r != Role.OWNER)]
RelationshipKey = Literal[tuple(RelationshipKind.values)]


class MeOut(Schema):
    user_id: int | None
    username: str
    organisation_id: int | None
    organisation_type: str | None
    district: str | None
    roles: list[str]
    is_operator: bool


class OrganisationIn(Schema):
    name: str = Field(..., max_length=200)
    org_type: OrgTypeKey
    uscc: str = Field(..., description="18 位统一社会信用代码（含校验码）")
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


class OrganisationPage(Schema):
    items: list[OrganisationOut]
    count: int
    page: int
    pages: int
    limit: int


class QualificationIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    registered_capital: Decimal = Field(..., ge=0, description="注册资本金（元）")
    solvency_ratio: Decimal = Field(..., ge=0, description="a fraction: 1.5 = 150%")
    has_quality_department: bool
    has_idi_lead_experience: bool


class QualificationOut(Schema):
    year: int
    registered_capital: Decimal
    solvency_ratio: Decimal
    has_quality_department: bool
    has_idi_lead_experience: bool


class RelationshipIn(Schema):
    to_org_uscc: str = Field(..., description="the related organisation's credit code")
    kind: RelationshipKey
    note: str = Field("", max_length=300)


class RelationshipOut(Schema):
    id: int
    from_org_id: int
    to_org_id: int
    kind: str
    note: str
    declared_at: datetime


class MemberIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., min_length=8)
    roles: list[RoleKey] = Field(..., min_length=1)
    real_name: str = Field("", max_length=100)
    phone: str = Field("", max_length=20)
    email: str = ""


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
    id_number: str = Field(..., description="18 位居民身份证号码")
    phone: str = Field(..., description="11 位手机号")
    username: str | None = Field(None, max_length=150)


class OwnerOut(Schema):
    id: int
    username: str
    real_name: str
    id_number: str = Field(..., description="masked unless the viewer may see it in full")
    phone: str = Field(..., description="masked unless the viewer may see it in full")


@router.get("/me", response=MeOut, summary="当前用户 / who am I")
def me(request):
    actor = actor_from_request(request)
    return {
        "user_id": actor.user_id,
        "username": actor.label,
        "organisation_id": actor.organisation_id,
        "organisation_type": actor.organisation_type,
        "district": actor.district,
        "roles": sorted(actor.roles),
        "is_operator": actor.is_operator,
    }


@router.get("/organisations", response=OrganisationPage, summary="单位 / organisations")
def list_organisations(
    request,
    q: str = "",
    org_type: OrgTypeKey | Literal[""] = "",
    page: int = 1,
    limit: int = Query(20, ge=1, le=200),
):
    actor = actor_from_request(request)
    return page_body(
        selectors.organisations_visible_to(actor, q=q, org_type=org_type), page=page, limit=limit
    )


@router.post("/organisations", response={201: OrganisationOut}, summary="登记单位 / register")
def create_organisation(request, body: OrganisationIn):
    return Status(
        201, services.register_organisation(actor=actor_from_request(request), **body.model_dump())
    )


@router.get("/organisations/{org_id}", response=OrganisationOut, summary="单位 / one")
def get_organisation(request, org_id: int):
    return selectors.get_organisation(actor=actor_from_request(request), pk=org_id)


@router.patch("/organisations/{org_id}", response=OrganisationOut, summary="修改 / update")
def update_organisation(request, org_id: int, body: OrganisationPatch):
    actor = actor_from_request(request)
    organisation = selectors.get_organisation(actor=actor, pk=org_id)
    return services.update_organisation(
        actor=actor, organisation=organisation, **body.model_dump(exclude_unset=True)
    )


@router.get(
    "/organisations/{org_id}/qualifications",
    response=list[QualificationOut],
    summary="保险公司资质 / insurer qualifications (R-U6)",
)
def list_qualifications(request, org_id: int):
    organisation = selectors.get_organisation(actor=actor_from_request(request), pk=org_id)
    return list(organisation.qualifications.order_by("-year"))


@router.post(
    "/organisations/{org_id}/qualifications",
    response={201: QualificationOut},
    summary="登记年度资质 / record a year's qualifications",
)
def record_qualification(request, org_id: int, body: QualificationIn):
    actor = actor_from_request(request)
    insurer = selectors.get_organisation(actor=actor, pk=org_id)
    return Status(
        201, services.record_qualification(actor=actor, insurer=insurer, **body.model_dump())
    )


@router.get(
    "/organisations/{org_id}/relationships",
    response=list[RelationshipOut],
    summary="关联关系 / declared relationships (R-R2)",
)
def list_relationships(request, org_id: int):
    organisation = selectors.get_organisation(actor=actor_from_request(request), pk=org_id)
    return list(selectors.relationships_of(organisation.pk))


@router.post(
    "/organisations/{org_id}/relationships",
    response={201: RelationshipOut},
    summary="申报关联关系 / declare a relationship",
)
def declare_relationship(request, org_id: int, body: RelationshipIn):
    actor = actor_from_request(request)
    organisation = selectors.get_organisation(actor=actor, pk=org_id)
    other = selectors.organisation_by_uscc(body.to_org_uscc)
    if other is None:
        raise RuleViolation(
            rule=None,
            field="to_org_uscc",
            message="未找到该统一社会信用代码的单位",
            message_en="no organisation has this credit code",
        )
    return Status(
        201,
        services.declare_relationship(
            actor=actor, from_org=organisation, to_org=other, kind=body.kind, note=body.note
        ),
    )


@router.get("/organisations/{org_id}/members", response=list[MemberOut], summary="账号 / members")
def list_members(request, org_id: int):
    actor = actor_from_request(request)
    organisation = selectors.get_organisation(actor=actor, pk=org_id)
    return list(selectors.members_of(actor=actor, organisation=organisation))


@router.post("/organisations/{org_id}/members", response={201: MemberOut}, summary="开设账号 / add")
def create_member(request, org_id: int, body: MemberIn):
    actor = actor_from_request(request)
    organisation = selectors.get_organisation(actor=actor, pk=org_id)
    return Status(
        201, services.create_user(actor=actor, organisation=organisation, **body.model_dump())
    )


@router.post("/owners", response={201: OwnerOut}, summary="登记业主 / register an owner")
def register_owner(request, body: OwnerIn):
    actor = actor_from_request(request)
    user = services.register_owner(actor=actor, **body.model_dump())
    profile = user.profile
    # The developer who typed the numbers in is not among those who may read them back.
    shown = shown_identity(id_number=profile.id_number, phone=profile.phone, unmasked=False)
    return Status(
        201, {"id": user.pk, "username": user.username, "real_name": profile.real_name, **shown}
    )
