"""Filing a claim: checks, the R-C5 assessment on the filing date, routing, the first
clock and, when basic living is affected, the emergency repair (R-K6). Idempotent per
`Idempotency-Key` and filer."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction

from idi.claims import selectors, tracks
from idi.claims.codes import AuditAction, Code
from idi.claims.models import (
    FINAL_STATUSES,
    Claim,
    EmergencyPlan,
    EmergencyRepair,
    Event,
    Place,
    RoutedRole,
)
from idi.claims.services._common import S, _refuse, _snapshot, _text, _timeline, start_clock
from idi.core import audit, clock, formats
from idi.core.errors import Forbidden
from idi.core.permissions import Actor
from idi.core.rulebook import get_rulebook
from idi.parties.models import Organisation, OrgType
from idi.projects.models import Unit
from idi.rules import Assessment, RulePack, assess
from idi.underwriting.models import Policy
from idi.underwriting.selectors import lead_share, pack_of

# Filing: the first status of a claim, by how it is routed.
FILING_STATUSES = (S.RECEIVED, S.ANSWERED, S.REFERRED)
ANSWERS = {
    "expired": (
        "保险期间已届满，本保险不再承担",
        "the insurance period of this category has ended",
    ),
    "not_covered": ("不属于本保单的保险责任", "not covered by the policy"),
    "not_completed": (
        "工程尚未竣工验收，属施工阶段质量问题，请联系建设单位",
        "construction is not yet accepted as complete: contact the developer",
    ),
    "no_policy": ("该房屋没有有效的保单", "the unit has no policy in force"),
    "developer_warranty": (
        "保险期间尚未开始，属建设单位保修责任，已转交建设单位",
        "the insurance period has not started: referred to the developer under its warranty",
    ),
    "fund_structural": (
        "属保障基金承担的主体结构倒塌或人员伤亡，已转交保障机构",
        "structural collapse or casualty after the 10-year window: referred to the guarantee fund",
    ),
}


@dataclass(frozen=True)
class Filing:
    unit: Unit
    category: str
    place: str
    description: str
    noticed_on: date
    affects_basic_living: bool
    event: str = Event.OTHER
    sub_item: str = ""


def _check_filing(filing: Filing, pack: RulePack, today: date) -> None:
    categories = pack.coverage.categories
    if filing.category not in categories:
        known = ", ".join(categories)
        raise _refuse(
            "R-C1",
            "category",
            f"未知的类别“{filing.category}”，应为：{known}",
            f"unknown category '{filing.category}'; expected one of: {known}",
        )
    spec = categories[filing.category]
    if spec.sub_items and not filing.sub_item:
        raise _refuse(
            "R-C1",
            "sub_item",
            "附加险须选择分项",
            "the additional cover needs a sub-item",
            Code.REQUIRED,
        )
    if filing.sub_item and filing.sub_item not in spec.sub_items:
        raise _refuse(
            "R-C1",
            "sub_item",
            f"该类别没有分项“{filing.sub_item}”",
            f"the category has no sub-item '{filing.sub_item}'",
        )
    if filing.place not in Place.values:
        raise _refuse(
            None, "place", f"未知的部位“{filing.place}”", f"unknown place '{filing.place}'"
        )
    if filing.event not in Event.values:
        raise _refuse(
            "R-C5", "event", f"未知的事件“{filing.event}”", f"unknown event '{filing.event}'"
        )
    _text(filing.description, "description", None, "问题描述", "description")
    if filing.noticed_on > today:
        raise _refuse(
            None,
            "noticed_on",
            f"发现日期 {formats.day(filing.noticed_on, 'zh-hans')} 晚于今天，"
            "请填写实际发现缺陷的日期",
            f"the date noticed, {formats.day(filing.noticed_on, 'en')}, is after today; "
            "enter the day the defect was found",
            Code.IN_FUTURE,
        )


def _assessment(
    filing: Filing, unit: Unit, policy: Policy | None, pack: RulePack, on: date
) -> Assessment | None:
    """R-C5 on the filing date; None when the unit has no policy."""
    if policy is None:
        return None
    permit = policy.permit
    building = unit.building
    if permit.completion_accepted_on is None:
        return Assessment("not_completed", None, fund_fallback=False, insurer_channel=False)
    included = dict(policy.additional_covers.values_list("sub_item", "years"))
    return assess(
        pack,
        filing.category,
        permit.completion_accepted_on,
        on,
        delivery=building.delivered_on,
        fully_decorated=building.fully_decorated,
        additional_years=included.get(filing.sub_item) if filing.sub_item else None,
        event=filing.event,
        sub_item=filing.sub_item or None,
        included_sub_items=list(included) if filing.category == "additional" else None,
    )


def _guarantee_institution() -> Organisation | None:
    return (
        Organisation.objects.filter(org_type=OrgType.GUARANTEE_INSTITUTION).order_by("id").first()
    )


def _contact(org: Organisation | None) -> str:
    if org is None:
        return ""
    phone = f"（{org.contact_phone}）" if org.contact_phone else ""
    return f"请联系 / contact: {org.name}{phone}"


def _may_file(actor: Actor, unit: Unit) -> bool:
    return selectors.units_to_file_for(actor).filter(pk=unit.pk).exists()


def file_claim(*, actor: Actor, filing: Filing, idempotency_key: str) -> tuple[Claim, bool]:
    """File a claim (or return the one this filer already filed with this key: created False).

    Receipt is today's date in Asia/Shanghai. R-C5 on that date routes the claim: insured (or
    under an accepted repair's warranty, R-K5) to the lead insurer with the R-K2 clock and, when
    basic living is affected, an emergency repair (R-K6); a registered track may take it; the
    developer's warranty and the fund's structural cover are referred; everything else is
    answered at once with the reason and whom to contact."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise _refuse(
            None,
            "Idempotency-Key",
            "请求头 Idempotency-Key 必填（不超过 100 个字符）",
            "the Idempotency-Key header is required (at most 100 characters)",
            Code.REQUIRED,
        )
    existing = Claim.objects.filter(filed_by_id=actor.user_id, idempotency_key=key).first()
    if existing is not None:
        return existing, False
    try:
        return _file(actor=actor, filing=filing, key=key), True
    except IntegrityError:
        # The same filer sent the same key twice at once: the other request won.
        existing = Claim.objects.filter(filed_by_id=actor.user_id, idempotency_key=key).first()
        if existing is None:
            raise
        return existing, False


@transaction.atomic
@audit.deferred()
def _file(*, actor: Actor, filing: Filing, key: str) -> Claim:
    unit = Unit.objects.select_related("building__permit", "project__developer").get(
        pk=filing.unit.pk
    )
    if not _may_file(actor, unit):
        raise Forbidden(
            "仅业主或其委托的建设单位、保险公司可报案",
            "only the owner, or on its behalf the developer or the insurer, may file",
        )
    now = clock.now()
    today = clock.today()
    policy = selectors.covering_policy(unit)
    pack = pack_of(policy) if policy else get_rulebook().pack()
    _check_filing(filing, pack, today)
    result = _assessment(filing, unit, policy, pack, today)
    linked = selectors.warranty_repair_for(
        unit=unit, category=filing.category, place=filing.place, on=today
    )
    on_behalf = None if selectors.is_owner_of_unit(actor, unit.pk) else actor.organisation_id
    claim = Claim(
        unit=unit,
        policy=policy,
        filed_by_id=actor.user_id,
        filed_for_owner_by_id=on_behalf,
        idempotency_key=key,
        filed_at=now,
        filed_on=today,
        category=filing.category,
        sub_item=filing.sub_item,
        place=filing.place,
        description=filing.description.strip(),
        noticed_on=filing.noticed_on,
        affects_basic_living=filing.affects_basic_living,
        event=filing.event,
        coverage_status=result.status if result else "not_covered",
        window_start=result.window.start if result and result.window else None,
        window_end=result.window.end if result and result.window else None,
        insurer_channel=bool(result and result.insurer_channel),
        linked_repair=linked,
        routed_role=RoutedRole.NONE,
        status=S.RECEIVED,
    )
    track = tracks.track_for(result) if result and linked is None else None
    lead = lead_share(policy) if policy else None
    developer = unit.project.developer
    if linked is not None or (result is not None and result.status == "insured"):
        claim.routed_role = RoutedRole.INSURER
        claim.routed_org = lead.insurer if lead else None
        claim.emergency = filing.affects_basic_living
    elif track is not None:
        claim.track = track.name
        claim.routed_role = track.routed_role
        claim.routed_org = (
            lead.insurer if track.routed_role == RoutedRole.INSURER and lead else developer
        )
    elif result is not None and result.status == "developer_warranty":
        claim.routed_role, claim.routed_org, claim.status = (
            RoutedRole.DEVELOPER,
            developer,
            S.REFERRED,
        )
    elif result is not None and result.status == "fund_structural":
        institution = _guarantee_institution()
        claim.routed_role, claim.routed_org = RoutedRole.GUARANTEE_INSTITUTION, institution
        claim.status = S.REFERRED
    else:
        claim.status = S.ANSWERED
    if claim.status in FINAL_STATUSES:
        zh, en = ANSWERS[result.status if result else "no_policy"]
        contact = _contact(claim.routed_org or developer)
        claim.answer = f"{zh} / {en}。{contact}"
        claim.is_open = False
        claim.closed_on = today
    claim.save(force_insert=True)
    if claim.status == S.RECEIVED and track is None:
        start_clock(actor=actor, claim=claim, kind="claim_determination", from_date=today)
        if claim.emergency and claim.routed_org is not None:
            _open_emergency(claim)
    if track is not None:
        track.start(actor=actor, claim=claim, pack=pack)
    claim.save()
    note = claim.answer or ("保修期内返修 / repair under warranty" if linked else "")
    _timeline(claim, actor, "file", note)
    audit.record(actor=actor, action=AuditAction.FILE_CLAIM, obj=claim, after=_snapshot(claim))
    return claim


def _open_emergency(claim: Claim) -> EmergencyRepair:
    """R-K6: the emergency repair starts at filing, under the insurer's plan (Art. 17)."""
    plan = EmergencyPlan.objects.filter(insurer=claim.routed_org).first()
    return EmergencyRepair.objects.create(
        claim=claim,
        insurer=claim.routed_org,
        opened_at=claim.filed_at,
        respond_by=claim.filed_at + timedelta(hours=plan.response_hours) if plan else None,
    )
