"""The registry of parties over HTTP (/api/v1/): organisations, qualifications, relationships,
accounts and owners, through the same services and selectors as the pages."""

from typing import Literal

from ninja import Query, Router, Status

from idi.core.api_auth import API_AUTH
from idi.core.errors import RuleViolation
from idi.core.limits import Search
from idi.core.paging import Page, PageQuery, page_body
from idi.core.permissions import actor_from_request
from idi.parties import selectors, services
from idi.parties.codes import Code
from idi.parties.privacy import shown_identity
from idi.parties.schemas import (
    MemberIn,
    MemberOut,
    MeOut,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    OrgTypeKey,
    OwnerIn,
    OwnerOut,
    QualificationIn,
    QualificationOut,
    RelationshipIn,
    RelationshipOut,
)

router = Router(auth=API_AUTH)


@router.get("/me", response=MeOut, summary="当前用户 / who am I")
def me(request):
    actor = actor_from_request(request)
    return {
        "user": actor.user_id,
        "username": actor.label,
        "organisation": actor.organisation_id,
        "organisation_type": actor.organisation_type,
        "district": actor.district,
        "roles": sorted(actor.roles),
        "is_operator": actor.is_operator,
    }


@router.get("/organisations", response=Page[OrganisationOut], summary="单位 / organisations")
def list_organisations(
    request,
    paging: Query[PageQuery],
    q: Search = "",
    org_type: OrgTypeKey | Literal[""] = "",
):
    actor = actor_from_request(request)
    return page_body(selectors.organisations_visible_to(actor, q=q, org_type=org_type), paging)


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
    response=Page[QualificationOut],
    summary="保险公司资质 / insurer qualifications (R-U6)",
)
def list_qualifications(request, org_id: int, paging: Query[PageQuery]):
    organisation = selectors.get_organisation(actor=actor_from_request(request), pk=org_id)
    return page_body(organisation.qualifications.order_by("-year"), paging)


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
    response=Page[RelationshipOut],
    summary="关联关系 / declared relationships (R-R2)",
)
def list_relationships(request, org_id: int, paging: Query[PageQuery]):
    organisation = selectors.get_organisation(actor=actor_from_request(request), pk=org_id)
    return page_body(selectors.relationships_of(organisation.pk), paging)


@router.post(
    "/organisations/{org_id}/relationships",
    response={201: RelationshipOut},
    summary="申报关联关系 / declare a relationship",
)
def declare_relationship(request, org_id: int, body: RelationshipIn):
    actor = actor_from_request(request)
    organisation = selectors.get_organisation(actor=actor, pk=org_id)
    services.may_declare_relationship(
        actor=actor, from_org=organisation, to_org_uscc=body.to_org_uscc
    )
    other = selectors.organisation_by_uscc(body.to_org_uscc)
    if other is None:
        raise RuleViolation(
            rule=None,
            field="to_org_uscc",
            code=Code.UNKNOWN_PARTY,
            message="未找到该统一社会信用代码的单位",
            message_en="no organisation has this credit code",
        )
    return Status(
        201,
        services.declare_relationship(
            actor=actor, from_org=organisation, to_org=other, kind=body.kind, note=body.note
        ),
    )


@router.get("/organisations/{org_id}/members", response=Page[MemberOut], summary="账号 / members")
def list_members(request, org_id: int, paging: Query[PageQuery]):
    actor = actor_from_request(request)
    organisation = selectors.get_organisation(actor=actor, pk=org_id)
    return page_body(selectors.members_of(actor=actor, organisation=organisation), paging)


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
