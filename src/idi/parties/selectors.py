"""Reads of the registry of parties that depend on who asks."""

from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import translation

from idi.core import clock
from idi.core.errors import NotFound, RuleViolation
from idi.core.permissions import ANONYMOUS, Actor
from idi.parties.codes import Code
from idi.parties.models import (
    InsurerQualification,
    Organisation,
    OrganisationRelationship,
    OrgType,
    Profile,
)
from idi.rules import LeadQualifications

# Who sees the whole registry: the operator, regulators and the guarantee institution (which
# runs the scheme's platform and fund). Everyone else sees its own organisation.
REGISTRY_READERS = frozenset({OrgType.REGULATOR, OrgType.GUARANTEE_INSTITUTION})


def actor_for_user(user) -> Actor:
    """The acting party behind a log-in: its organisation, type, roles and district."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    profile = Profile.objects.select_related("organisation").filter(user_id=user.pk).first()
    organisation = profile.organisation if profile else None
    return Actor(
        user_id=user.pk,
        label=user.get_username(),
        organisation_id=organisation.pk if organisation else None,
        organisation_type=organisation.org_type if organisation else None,
        roles=frozenset(profile.roles if profile else ()),
        district=organisation.district if organisation else None,
        is_operator=user.is_staff,
    )


def reads_whole_registry(actor: Actor) -> bool:
    return actor.is_operator or actor.organisation_type in REGISTRY_READERS


def organisations_visible_to(actor: Actor, *, q: str = "", org_type: str = "") -> QuerySet:
    """The organisations the actor may list, searched by name or credit code."""
    if reads_whole_registry(actor):
        qs = Organisation.objects.all()
    elif actor.organisation_id is not None:
        qs = Organisation.objects.filter(pk=actor.organisation_id)
    else:
        qs = Organisation.objects.none()
    if q:
        # A credit code is found from its first characters as well as whole.
        qs = qs.filter(Q(name__icontains=q) | Q(uscc__startswith=q.strip().upper()))
    if org_type:
        qs = qs.filter(org_type=org_type)
    return qs.order_by("name", "id")


def get_organisation(*, actor: Actor, pk: int) -> Organisation:
    org = organisations_visible_to(actor).filter(pk=pk).first()
    if org is None:
        raise NotFound("organisation")
    return org


def organisation_by_uscc(uscc: str) -> Organisation | None:
    """Exact look-up by credit code (a public identifier), to name a project's participant."""
    return Organisation.objects.filter(uscc=uscc.strip().upper()).first()


# How many organisations an ambiguous name lists, for the party to pick the one it means.
CANDIDATES_SHOWN = 5


def organisation_named(text: str, *, org_type: str, field: str) -> Organisation:
    """The registered organisation of `org_type` that `text` names: its credit code, its full
    name, or a part of its name no other such organisation has. Names and credit codes are
    public (the national enterprise credit register), so a party that must name a project's
    participant may find one by either. Otherwise a refusal on `field` says what was found."""
    text = " ".join(text.split())
    if not text:
        raise RuleViolation(
            rule=None,
            field=field,
            code=Code.REQUIRED,
            message="请填写单位名称或统一社会信用代码",
            message_en="enter the organisation's name or credit code",
        )
    by_code = organisation_by_uscc(text)
    if by_code is not None:
        return by_code
    kind = Organisation.objects.filter(org_type=org_type)
    exact = list(kind.filter(name=text)[:2])
    if len(exact) == 1:
        return exact[0]
    found = list(kind.filter(name__icontains=text).order_by("name", "id")[: CANDIDATES_SHOWN + 1])
    if len(found) == 1:
        return found[0]
    with translation.override("zh-hans"):
        label = str(OrgType(org_type).label)
    if not found:
        raise RuleViolation(
            rule=None,
            field=field,
            code=Code.UNKNOWN_PARTY,
            message=f"平台上没有名称含“{text}”或统一社会信用代码为“{text}”的{label}，"
            "请核对，或请平台运营方先登记该单位",
            message_en=f"no registered organisation of this kind is named “{text}” or has this "
            "credit code: check it, or ask the operator to register the organisation",
        )
    shown = "、".join(f"{o.name}（{o.uscc}）" for o in found[:CANDIDATES_SHOWN])
    shown_en = "; ".join(f"{o.name} ({o.uscc})" for o in found[:CANDIDATES_SHOWN])
    more = len(found) > CANDIDATES_SHOWN
    raise RuleViolation(
        rule=None,
        field=field,
        code=Code.AMBIGUOUS,
        message=f"有多个{label}的名称含“{text}”：{shown}{'等' if more else ''}。"
        "请填写完整名称或统一社会信用代码",
        message_en=f"several organisations are named “{text}”: {shown_en}"
        f"{' and more' if more else ''}. Enter the full name or the credit code",
    )


def members_of(*, actor: Actor, organisation: Organisation) -> QuerySet:
    """The accounts of an organisation the actor may see (see `get_organisation`)."""
    get_organisation(actor=actor, pk=organisation.pk)
    return (
        get_user_model()
        .objects.filter(profile__organisation=organisation)
        .select_related("profile")
        .order_by("username")
    )


def relationships_of(organisation_id: int) -> QuerySet:
    """Declared relationships in either direction (R-R2)."""
    return (
        OrganisationRelationship.objects.filter(
            Q(from_org_id=organisation_id) | Q(to_org_id=organisation_id)
        )
        .select_related("from_org", "to_org")
        .order_by("id")
    )


def related_organisation_ids(organisation_id: int) -> set[int]:
    """The organisations declared related to this one, whichever side declared it (R-R2)."""
    ids: set[int] = set()
    for from_id, to_id in relationships_of(organisation_id).values_list("from_org_id", "to_org_id"):
        ids.add(to_id if from_id == organisation_id else from_id)
    return ids


def _insurer_id(insurer: Organisation | int) -> int:
    return insurer.pk if isinstance(insurer, Organisation) else int(insurer)


def qualification_for(insurer_id: Organisation | int, year: int) -> InsurerQualification | None:
    """The insurer's figures for one year (R-U6), or None when none were recorded."""
    return InsurerQualification.objects.filter(
        insurer_id=_insurer_id(insurer_id), year=year
    ).first()


def last_complete_year() -> int:
    return clock.today().year - 1


def recent_qualifications(
    insurer: Organisation | int, years: int | Iterable[int] = 3, *, until: int | None = None
) -> list[InsurerQualification]:
    """The recorded years among the last `years` years up to `until` (default: last year), or
    among the given years; newest first. Missing years are simply absent (R-U6 warns on them)."""
    if isinstance(years, int):
        end = until if until is not None else last_complete_year()
        wanted = list(range(end - years + 1, end + 1))
    else:
        wanted = list(years)
    return list(
        InsurerQualification.objects.filter(
            insurer_id=_insurer_id(insurer), year__in=wanted
        ).order_by("-year")
    )


def lead_qualifications_for(
    insurer: Organisation | int, *, year: int, years: int = 3
) -> LeadQualifications:
    """What `idi.rules.check_lead_qualifications(pack, q, year)` reads (R-U6): the capital and
    conditions of `year` (or the latest recorded before it), the solvency ratios by year."""
    rows = recent_qualifications(insurer, years, until=year)
    latest = rows[0] if rows else None
    return LeadQualifications(
        registered_capital=latest.registered_capital if latest else Decimal(0),
        solvency_ratios={row.year: row.solvency_ratio for row in rows},
        has_quality_department=latest.has_quality_department if latest else False,
        has_idi_lead_experience=latest.has_idi_lead_experience if latest else False,
    )
