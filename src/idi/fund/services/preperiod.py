"""Pre-period repair requests (R-F2, R-F3, R-T6): the claims track the fund registers.

A filing assessed `developer_warranty` with `insurer_channel` true goes to the lead insurer,
who must tell the developer the same day; the developer must be on site within 3 days and agree
a repair plan with the owner (the request closes when the developer records the repair done);
if 2 months pass from the first request (counting its day, R-T6) without an agreed plan and a
started repair, the owner may apply in writing for a fund repair, which the guarantee
institution approves (paid from the project's sub-account, owed back by the developer) or
refuses with reasons. A `developer_warranty` filing before delivery + 3 months
goes to the developer alone, and the owner is told from which date the insurer takes it.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from pydantic import BaseModel, ConfigDict, Field

from idi.claims import services as claims
from idi.claims.models import Claim, ClaimStatus, RoutedRole
from idi.claims.selectors import is_handler, is_owner_of_unit
from idi.claims.tracks import Track, TrackAction
from idi.core import audit, clock, formats
from idi.core.errors import Forbidden
from idi.core.limits import MAX_TEXT, check_length
from idi.core.permissions import Actor
from idi.fund.codes import AuditAction, Code
from idi.fund.models import CaseKind, PrePeriodRequest
from idi.fund.services.cases import create_case, decide_case, pay_case
from idi.fund.services.ledger import _refuse, require_institution
from idi.parties.models import OrgType
from idi.rules import Assessment, RulePack, add_months

TRACK = "pre_period"
NOTICE_TRACK = "developer_only"

RECEIVED = "pre_period_received"
NOTIFIED = "developer_notified"
VISITED = "site_visited"
PLAN_AGREED = "plan_agreed"
DEVELOPER_REPAIRING = "developer_repairing"
FUND_APPLIED = "fund_applied"
FUND_REFUSED = "fund_refused"

STATUSES = {
    RECEIVED: ("待主承保公司告知建设单位", "awaiting the insurer's notice to the developer"),
    NOTIFIED: ("待建设单位现场查看", "awaiting the developer's site visit"),
    VISITED: ("待商定维修方案", "awaiting an agreed repair plan"),
    PLAN_AGREED: ("待启动维修", "awaiting the start of the repair"),
    DEVELOPER_REPAIRING: ("建设单位维修中", "the developer is repairing"),
    FUND_APPLIED: ("保障基金先行维修审核中", "fund repair application under review"),
    FUND_REFUSED: ("保障基金先行维修未获批准", "fund repair refused"),
}
# Before the repair starts the owner may apply (once the date has come); after a refusal the
# developer still owes the repair.
APPLICABLE_FROM = (RECEIVED, NOTIFIED, VISITED, PLAN_AGREED)
TRANSITIONS = {
    (RECEIVED, NOTIFIED): "notify-developer",
    (NOTIFIED, VISITED): "site-visit",
    (FUND_REFUSED, VISITED): "site-visit",
    (VISITED, PLAN_AGREED): "repair-plan",
    (FUND_REFUSED, PLAN_AGREED): "repair-plan",
    (PLAN_AGREED, DEVELOPER_REPAIRING): "repair-started",
    (DEVELOPER_REPAIRING, ClaimStatus.CLOSED): "repair-completed",
    **{(status, FUND_APPLIED): "fund-application" for status in APPLICABLE_FROM},
    (FUND_APPLIED, ClaimStatus.CLOSED): "fund-decision",
    (FUND_APPLIED, FUND_REFUSED): "fund-decision",
    (ClaimStatus.RECEIVED, RECEIVED): "pre-period-request",
}
AUDIT_ACTIONS = {
    "notify-developer": AuditAction.NOTIFY_DEVELOPER,
    "site-visit": AuditAction.RECORD_SITE_VISIT,
    "repair-plan": AuditAction.RECORD_REPAIR_PLAN,
    "repair-started": AuditAction.RECORD_REPAIR_STARTED,
    "repair-completed": AuditAction.RECORD_REPAIR_COMPLETED,
    "fund-application": AuditAction.APPLY_FOR_FUND_REPAIR,
    "fund-decision": AuditAction.DECIDE_FUND_APPLICATION,
}


class RepairPlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agreed_on: date
    plan: str = Field(..., max_length=MAX_TEXT)


class FundApplicationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(..., max_length=MAX_TEXT)


class FundDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    approved: bool
    amount: Decimal | None = None
    reasons: str = Field(..., max_length=MAX_TEXT)


# --- who acts -----------------------------------------------------------------------------------


def is_developer(actor: Actor, claim: Claim) -> bool:
    return (
        actor.organisation_type == OrgType.DEVELOPER
        and actor.organisation_id == claim.unit.project.developer_id
    )


def is_institution(actor: Actor, claim: Claim | None = None) -> bool:
    return actor.is_operator or (
        actor.organisation_type == OrgType.GUARANTEE_INSTITUTION
        and actor.has_role("fund_manager", "org_admin")
    )


def is_owner(actor: Actor, claim: Claim) -> bool:
    return is_owner_of_unit(actor, claim.unit_id)


def _require(check, actor: Actor, claim: Claim, zh: str, en: str) -> None:
    if not (actor.is_operator or check(actor, claim)):
        raise Forbidden(zh, en)


# --- the track ----------------------------------------------------------------------------------


def _locked(claim: Claim) -> Claim:
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("unit__project", "unit__building")
        .get(pk=claim.pk)
    )


def _require_status(claim: Claim, action: str) -> None:
    """Refuse before anything else when the action has no row from the claim's status."""
    if not any(src == claim.status and act == action for (src, _), act in TRANSITIONS.items()):
        label = STATUSES.get(claim.status, (claim.status, claim.status))
        raise _refuse(
            None,
            "status",
            Code.INVALID_STATE,
            f"申请当前状态为“{label[0]}”，不能办理此项，请刷新页面查看申请进展",
            f"the request is at “{label[1]}” and cannot take this step; reload the page to see "
            "where it stands",
        )


def _request(claim: Claim) -> PrePeriodRequest:
    return PrePeriodRequest.objects.select_for_update().get(claim=claim)


def _first_request_on(claim: Claim) -> date:
    """R-F3 counts from the owner's first repair request on the same defect: the earliest
    pre-period request on the unit for the same category and place."""
    earlier = (
        PrePeriodRequest.objects.filter(
            claim__unit_id=claim.unit_id,
            claim__category=claim.category,
            claim__place=claim.place,
        )
        .order_by("first_request_on")
        .values_list("first_request_on", flat=True)
        .first()
    )
    return min(earlier, claim.filed_on) if earlier else claim.filed_on


def start(*, actor: Actor, claim: Claim, pack: RulePack) -> None:
    """At filing: the insurer's same-day notice clock (R-F2) and the date from which the owner
    may apply for a fund repair (R-F3, R-T6), both stored."""
    first = _first_request_on(claim)
    claims.move(actor=actor, claim=claim, to=RECEIVED, action="pre-period-request")
    claims.start_clock(actor=actor, claim=claim, kind="developer_notification", from_date=first)
    opens = claims.start_clock(
        actor=actor, claim=claim, kind="fund_application_opens", from_date=first
    )
    PrePeriodRequest.objects.create(
        claim=claim,
        project_id=claim.unit.project_id,
        first_request_on=first,
        application_opens_on=opens.due,
    )


def _act(actor: Actor, claim: Claim, action: str, to: str, note: str = "") -> Claim:
    before = {"status": claim.status}
    claims.move(actor=actor, claim=claim, to=to, action=action, note=note)
    claim.save()
    audit.record(
        actor=actor,
        action=AUDIT_ACTIONS[action],
        obj=claim,
        before=before,
        after={"status": claim.status, "note": note},
    )
    return claim


def _date(value: date, field: str, *, not_before: date) -> date:
    if value > clock.today():
        raise _refuse(
            "R-F2", field, Code.INVALID, f"日期 {value} 晚于今天", f"{value} is in the future"
        )
    if value < not_before:
        raise _refuse(
            "R-F2",
            field,
            Code.INVALID,
            f"日期 {value} 早于维修主张日 {not_before}",
            f"{value} is before the request of {not_before}",
        )
    return value


@transaction.atomic
def notify_developer(*, actor: Actor, claim: Claim, data=None) -> Claim:
    """R-F2: the lead insurer tells the developer, the same day; the 3-day site visit starts."""
    claim = _locked(claim)
    _require(
        is_handler,
        actor,
        claim,
        "仅主承保公司理赔人员可告知建设单位",
        "only the lead insurer's handlers may notify the developer",
    )
    _require_status(claim, "notify-developer")
    request = _request(claim)
    today = clock.today()
    request.notified_on = today
    request.save(update_fields=["notified_on"])
    claims.meet_clock(actor=actor, claim=claim, kind="developer_notification")
    claims.start_clock(actor=actor, claim=claim, kind="developer_site_visit", from_date=today)
    return _act(actor, claim, "notify-developer", NOTIFIED)


@transaction.atomic
def site_visit(*, actor: Actor, claim: Claim, data=None) -> Claim:
    """R-F2: the developer's staff were on site."""
    claim = _locked(claim)
    _require(
        is_developer,
        actor,
        claim,
        "仅本项目建设单位可登记现场查看",
        "only the project's developer may record the site visit",
    )
    _require_status(claim, "site-visit")
    request = _request(claim)
    request.site_visit_on = clock.today()
    request.save(update_fields=["site_visit_on"])
    claims.meet_clock(actor=actor, claim=claim, kind="developer_site_visit")
    return _act(actor, claim, "site-visit", VISITED)


@transaction.atomic
def repair_plan(*, actor: Actor, claim: Claim, data: RepairPlanIn) -> Claim:
    """R-F2: the repair plan the developer agreed with the owner, and when."""
    claim = _locked(claim)
    _require(
        is_developer,
        actor,
        claim,
        "仅本项目建设单位可登记维修方案",
        "only the project's developer may record the repair plan",
    )
    _require_status(claim, "repair-plan")
    request = _request(claim)
    plan = (data.plan or "").strip()
    check_length(PrePeriodRequest, "plan", plan)
    if not plan:
        raise _refuse("R-F2", "plan", Code.INVALID, "请填写维修方案", "the plan is required")
    request.plan_agreed_on = _date(data.agreed_on, "agreed_on", not_before=request.first_request_on)
    request.plan = plan
    request.save(update_fields=["plan_agreed_on", "plan"])
    return _act(actor, claim, "repair-plan", PLAN_AGREED, note=plan[:200])


@transaction.atomic
def repair_started(*, actor: Actor, claim: Claim, data=None) -> Claim:
    """R-F3: with a plan agreed and the repair started before the application opens, the fund
    is no longer the owner's to ask for."""
    claim = _locked(claim)
    _require(
        is_developer,
        actor,
        claim,
        "仅本项目建设单位可登记启动维修",
        "only the project's developer may record the start of the repair",
    )
    _require_status(claim, "repair-started")
    request = _request(claim)
    today = clock.today()
    request.repair_started_on = today
    request.save(update_fields=["repair_started_on"])
    if today < request.application_opens_on:
        claims.stop_clock(actor=actor, claim=claim, kind="fund_application_opens")
    return _act(actor, claim, "repair-started", DEVELOPER_REPAIRING)


@transaction.atomic
def repair_completed(*, actor: Actor, claim: Claim, data=None) -> Claim:
    """R-F2: the developer finished the repair under its warranty: the request is closed."""
    claim = _locked(claim)
    _require(
        is_developer,
        actor,
        claim,
        "仅本项目建设单位可登记维修完成",
        "only the project's developer may record the end of the repair",
    )
    _require_status(claim, "repair-completed")
    request = _request(claim)
    request.repair_completed_on = clock.today()
    request.save(update_fields=["repair_completed_on"])
    return _act(actor, claim, "repair-completed", ClaimStatus.CLOSED)


@transaction.atomic
def fund_application(*, actor: Actor, claim: Claim, data: FundApplicationIn) -> Claim:
    """R-F3: the owner's written application for a fund repair, from the day it opens."""
    claim = _locked(claim)
    _require(
        is_owner,
        actor,
        claim,
        "仅业主本人可书面申请保障基金先行维修",
        "only the owner may apply for a fund repair",
    )
    _require_status(claim, "fund-application")
    request = _request(claim)
    today = clock.today()
    if today < request.application_opens_on:
        opens = request.application_opens_on
        raise _refuse(
            "R-F3",
            "fund_application_opens",
            Code.NOT_YET_OPEN,
            f"自首次维修主张（{formats.day(request.first_request_on, 'zh-hans')}）起 2 个月内"
            f"建设单位仍可商定方案并启动维修，{formats.day(opens, 'zh-hans')} 起方可申请保障基金"
            "先行维修",
            "the developer has 2 months from the first request "
            f"({formats.day(request.first_request_on, 'en')}) to agree a plan and start the "
            f"repair: the owner may apply from {formats.day(opens, 'en')}",
        )
    reason = (data.reason or "").strip()
    check_length(PrePeriodRequest, "application_reason", reason, field="reason")
    if not reason:
        raise _refuse("R-F3", "reason", Code.INVALID, "请写明申请理由", "the reason is required")
    request.applied_on = today
    request.application_reason = reason
    request.save(update_fields=["applied_on", "application_reason"])
    claims.meet_clock(actor=actor, claim=claim, kind="fund_application_opens")
    return _act(actor, claim, "fund-application", FUND_APPLIED, note=reason[:200])


@transaction.atomic
def fund_decision(*, actor: Actor, claim: Claim, data: FundDecisionIn) -> Claim:
    """R-F3: the guarantee institution approves (the repair is paid from the project's
    sub-account, within the R-F4 cap, and owed back by the developer before the insurance
    period) or refuses, with its reasons either way."""
    claim = _locked(claim)
    require_institution(actor, zh="审核先行维修申请", en="decide a fund repair application")
    _require_status(claim, "fund-decision")
    request = _request(claim)
    reasons = (data.reasons or "").strip()
    check_length(PrePeriodRequest, "decision_reasons", reasons, field="reasons")
    if not reasons:
        raise _refuse("R-F3", "reasons", Code.INVALID, "请写明审核理由", "the reasons are required")
    request.decision_reasons = reasons
    if not data.approved:
        request.save(update_fields=["decision_reasons"])
        return _act(actor, claim, "fund-decision", FUND_REFUSED, note=reasons[:200])
    if data.amount is None:
        raise _refuse(
            "R-F3", "amount", Code.INVALID, "批准时须填写金额", "an approval needs the amount"
        )
    case = create_case(
        actor=actor,
        kind=CaseKind.ADVANCE_REPAIR,
        building=claim.unit.building,
        unit=claim.unit,
        category=claim.category,
        event=claim.event,
        occurred_on=claim.filed_on,
        description=f"{claim.number}：{claim.description}\n{request.application_reason}",
        requested_amount=data.amount,
    )
    case = decide_case(actor=actor, case=case, approved=True, amount=data.amount, reasons=reasons)
    case = pay_case(actor=actor, case=case)
    request.case = case
    request.save(update_fields=["decision_reasons", "case"])
    return _act(actor, claim, "fund-decision", ClaimStatus.CLOSED, note=reasons[:200])


# --- a filing before delivery + 3 months ----------------------------------------------------------


def insurer_takes_from(claim: Claim, pack: RulePack) -> date | None:
    delivered = claim.unit.building.delivered_on
    if delivered is None:
        return None
    return add_months(delivered, pack.coverage.insurer_channel.delivery_offset_months)


def refer_to_developer(*, actor: Actor, claim: Claim, pack: RulePack) -> None:
    """R-F2: before delivery + 3 months the developer alone takes the request; the owner is told
    from which date the lead insurer takes complaints."""
    takes_from = insurer_takes_from(claim, pack)
    developer = claim.unit.project.developer
    phone = f"（{developer.contact_phone}）" if developer.contact_phone else ""
    if takes_from is None:
        when_zh = "房屋交付满 3 个月之日起"
        when_en = "from 3 months after the handover of the home"
    else:
        when_zh, when_en = f"{takes_from} 起", f"from {takes_from}"
    claim.answer = (
        f"保险期间尚未开始，属建设单位保修责任，已转交{developer.name}{phone}；"
        f"{when_zh}可向主承保公司提出维修主张 / the insurance period has not started: referred "
        f"to the developer under its warranty; the lead insurer takes repair requests {when_en}"
    )
    claims.move(actor=actor, claim=claim, to=ClaimStatus.REFERRED, action="refer-to-developer")


# --- registration -------------------------------------------------------------------------------


def recipients(claim_id: int, event: str, kind: str) -> set[int] | None:
    """Who hears of the track's own clocks: the developer's staff for its site visit, the
    owners when the fund application opens; the claim's handlers otherwise."""
    from idi.parties.models import Profile
    from idi.projects.models import Sale

    claim = Claim.objects.select_related("unit__project").get(pk=claim_id)
    if kind == "developer_site_visit":
        return set(
            Profile.objects.filter(organisation_id=claim.unit.project.developer_id).values_list(
                "user_id", flat=True
            )
        )
    if kind == "fund_application_opens" and event == "escalation":
        return set(Sale.objects.filter(unit_id=claim.unit_id).values_list("buyers", flat=True)) - {
            None
        }
    return None


def _request_page(claim_id: int) -> str:
    """The request page, where the actions with a body have their forms."""
    return reverse("fund:request", args=[claim_id])


def _applies(assessment: Assessment) -> bool:
    return assessment.status == "developer_warranty" and assessment.insurer_channel


def _developer_only(assessment: Assessment) -> bool:
    return assessment.status == "developer_warranty" and not assessment.insurer_channel


PRE_PERIOD_TRACK = Track(
    name=TRACK,
    routed_role=RoutedRole.INSURER,
    applies=_applies,
    start=start,
    actions=(
        TrackAction(
            "notify-developer",
            "告知建设单位",
            "notify the developer",
            (RECEIVED,),
            notify_developer,
            may=is_handler,
            rule="R-F2",
            clock="developer_notification",
        ),
        TrackAction(
            "site-visit",
            "登记现场查看",
            "record the site visit",
            (NOTIFIED, FUND_REFUSED),
            site_visit,
            may=is_developer,
            rule="R-F2",
            clock="developer_site_visit",
        ),
        TrackAction(
            "repair-plan",
            "登记维修方案",
            "record the repair plan",
            (VISITED, FUND_REFUSED),
            repair_plan,
            body=RepairPlanIn,
            may=is_developer,
            rule="R-F2",
            page=_request_page,
        ),
        TrackAction(
            "repair-started",
            "登记启动维修",
            "record the start of the repair",
            (PLAN_AGREED,),
            repair_started,
            may=is_developer,
            rule="R-F3",
        ),
        TrackAction(
            "repair-completed",
            "登记维修完成",
            "record the end of the repair",
            (DEVELOPER_REPAIRING,),
            repair_completed,
            may=is_developer,
            rule="R-F2",
        ),
        TrackAction(
            "fund-application",
            "申请保障基金先行维修",
            "apply for a fund repair",
            APPLICABLE_FROM,
            fund_application,
            body=FundApplicationIn,
            may=is_owner,
            rule="R-F3",
            page=_request_page,
        ),
        TrackAction(
            "fund-decision",
            "审核先行维修申请",
            "decide the fund repair application",
            (FUND_APPLIED,),
            fund_decision,
            body=FundDecisionIn,
            may=is_institution,
            rule="R-F3",
            page=_request_page,
        ),
    ),
    statuses=STATUSES,
    transitions=TRANSITIONS,
    recipients=recipients,
    openings=("fund_application_opens",),
)

DEVELOPER_ONLY_TRACK = Track(
    name=NOTICE_TRACK,
    routed_role=RoutedRole.DEVELOPER,
    applies=_developer_only,
    start=refer_to_developer,
    transitions={(ClaimStatus.RECEIVED, ClaimStatus.REFERRED): "refer-to-developer"},
)
