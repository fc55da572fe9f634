"""Every write of risk management (RULES.md section 5). One function per business action:
keyword-only, the actor first, one transaction, a permission check, the rule checks of
`idi.rules`, defect moves through DEFECT_TRANSITIONS only, and an audit event."""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from idi.core import audit, clock
from idi.core.errors import Forbidden, RuleViolation
from idi.core.limits import MAX_TEXT, too_long
from idi.core.permissions import Actor
from idi.notifications.services import meet_deadline, notify, start_deadline
from idi.parties.models import Organisation, OrgType
from idi.parties.selectors import relationships_of
from idi.projects.models import Building, ConstructionPermit, Participant, ParticipantRole
from idi.riskmgmt import selectors
from idi.riskmgmt.codes import AuditAction, Code
from idi.riskmgmt.models import (
    ComplianceException,
    Defect,
    DefectEvent,
    DefectStatus,
    Engagement,
    Evaluation,
    Evidence,
    EvidenceStage,
    FinalReport,
    Inspection,
    JointInspection,
    PlannedStage,
)
from idi.rules import PlannedStage as PlanItem
from idi.rules import check_grade, check_plan, check_risk_management_fee, is_major
from idi.underwriting.models import Policy, PolicyState
from idi.underwriting.uploads import detect

S = DefectStatus

# The one table of the defect state machine: (status, action) -> new status. An appraisal
# either upholds the defect (the responsible party rectifies and pays the fee) or finds the
# RMA responsible, which dismisses the defect (R-R6).
DEFECT_TRANSITIONS: dict[tuple[str, str], str] = {
    (S.RECORDED, "confirm"): S.CONFIRMED,
    (S.RECORDED, "dispute"): S.DISPUTED,
    (S.DISPUTED, "appraisal"): S.CONFIRMED,
    (S.DISPUTED, "appraisal_dismissed"): S.DISMISSED,
    (S.CONFIRMED, "rectify"): S.RECTIFIED,
    (S.RECTIFIED, "supervisor-confirm"): S.SUPERVISOR_CONFIRMED,
    (S.SUPERVISOR_CONFIRMED, "developer-confirm"): S.CLOSED,
}

TRANSITION_AUDIT = {
    "confirm": AuditAction.CONFIRM_DEFECT,
    "dispute": AuditAction.DISPUTE_DEFECT,
    "appraisal": AuditAction.RECORD_APPRAISAL,
    "appraisal_dismissed": AuditAction.RECORD_APPRAISAL,
    "rectify": AuditAction.RECTIFY_DEFECT,
    "supervisor-confirm": AuditAction.SUPERVISOR_CONFIRM_DEFECT,
    "developer-confirm": AuditAction.DEVELOPER_CONFIRM_DEFECT,
}

# Evidence is taken while the defect is still open for rectification.
EVIDENCE_STATUSES = (S.RECORDED, S.DISPUTED, S.CONFIRMED)
ENGAGEABLE_POLICY_STATES = (PolicyState.ISSUED, PolicyState.IN_FORCE)


def _refuse(rule: str | None, field: str, zh: str, en: str, code: str = Code.INVALID):
    return RuleViolation(rule=rule, field=field, message=zh, message_en=en, code=str(code))


def _text(
    value: str | None, field: str, *, rule: str | None, zh: str, en: str, limit: int = MAX_TEXT
) -> str:
    value = (value or "").strip()
    if not value:
        raise _refuse(rule, field, f"{zh}不能为空", f"{en} is required", Code.REQUIRED)
    if len(value) > limit:
        raise too_long(field, limit, len(value))
    return value


def _names(values: list[str] | None, field: str, *, rule: str, zh: str, en: str) -> list[str]:
    names = [str(v).strip() for v in (values or []) if str(v).strip()]
    if not names:
        raise _refuse(rule, field, f"{zh}至少一人", f"{en}: at least one person")
    return names


def _not_future(day: date, field: str, rule: str | None = None) -> date:
    if day > clock.today():
        raise _refuse(rule, field, f"日期 {day} 晚于今天", f"the date {day} is in the future")
    return day


def _money(value, field: str, *, rule: str | None) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _refuse(rule, field, "金额应为数字", "the amount must be a number") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise _refuse(rule, field, "金额应为非负数，精确到分", "a non-negative amount in fen")
    return amount


def _org(pk: int | Organisation | None, field: str, *, rule: str | None) -> Organisation:
    org_id = pk.pk if isinstance(pk, Organisation) else pk
    org = Organisation.objects.filter(pk=org_id).first() if org_id else None
    if org is None:
        raise _refuse(rule, field, "单位不存在", "no such organisation")
    return org


# --- who may act ------------------------------------------------------------------------------


def _require_lead(actor: Actor, policy: Policy, what: str) -> None:
    if not actor.is_operator and actor.organisation_id != selectors.lead_insurer_id(policy):
        raise Forbidden(f"仅主承保公司可{what}", "only the lead insurer may do this")


def _require_rma(actor: Actor, engagement: Engagement, what: str) -> None:
    if actor.organisation_id != engagement.rma_id:
        raise Forbidden(f"仅受托风险管理机构可{what}", "only the engaged RMA may do this")


def _require_developer(actor: Actor, project_developer_id: int, what: str) -> None:
    if (
        actor.organisation_type != OrgType.DEVELOPER
        or actor.organisation_id != project_developer_id
    ):
        raise Forbidden(f"仅本项目建设单位可{what}", "only the project's developer may do this")


# --- who may submit each form -----------------------------------------------------------------
# A form page is never served to someone who may not submit it (issue 7): the page runs the same
# guard as the service before it shows the form, so that the two never disagree.


def may_appoint_rma(actor: Actor, policy: Policy) -> None:
    _require_lead(actor, policy, "委托风险管理机构")


def may_record_kickoff(actor: Actor, engagement: Engagement) -> None:
    if actor.organisation_id not in (engagement.rma_id, engagement.project.developer_id):
        raise Forbidden("仅建设单位或风险管理机构可登记交底会", "developer or RMA only")


def may_set_plan(actor: Actor, engagement: Engagement) -> None:
    _require_rma(actor, engagement, "提交检查计划")


def may_record_inspection(actor: Actor, engagement: Engagement) -> None:
    _require_rma(actor, engagement, "登记检查")


def may_evaluate_rma(actor: Actor, engagement: Engagement) -> None:
    _require_lead(actor, engagement.policy, "评价风险管理机构")


def may_schedule_joint_inspection(actor: Actor, permit: ConstructionPermit) -> None:
    _require_developer(actor, permit.project.developer_id, "安排共同查验")


def _lock_engagement(engagement: Engagement) -> Engagement:
    return (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("policy__permit", "project")
        .get(pk=engagement.pk)
    )


# --- engagement (R-U7, R-R1, R-R2) ------------------------------------------------------------


def _independence(rma: Organisation, policy: Policy) -> None:
    """R-R2 (Art. 11): no relationship with, and no part in the work of, the project's parties."""
    project = policy.permit.project
    participations = Participant.objects.filter(project=project).select_related("organisation")
    own = [p for p in participations if p.organisation_id == rma.pk]
    if own:
        role = own[0].get_role_display()
        raise _refuse(
            "R-R2",
            "rma",
            f"{rma.name} 是本项目的{role}，不能担任风险管理机构",
            f"{rma.name} works on this project as {own[0].role} and cannot be its RMA",
            Code.NOT_INDEPENDENT,
        )
    parties = {p.organisation_id: p.get_role_display() for p in participations}
    parties[project.developer_id] = "建设单位"
    for relation in relationships_of(rma.pk):
        other = relation.to_org if relation.from_org_id == rma.pk else relation.from_org
        if other.pk in parties:
            kind = relation.get_kind_display()
            raise _refuse(
                "R-R2",
                "rma",
                f"{rma.name} 与本项目{parties[other.pk]} {other.name} 存在{kind}，不能担任"
                "风险管理机构",
                f"{rma.name} has a declared {relation.kind} relationship with {other.name}, a "
                "party of this project",
                Code.NOT_INDEPENDENT,
            )


@transaction.atomic
def appoint_rma(
    *,
    actor: Actor,
    policy: Policy,
    rma: int | Organisation,
    fee,
    contract_signed_on: date,
    letter_valid_from: date,
    letter_valid_to: date,
) -> Engagement:
    """The lead insurer appoints an RMA by written contract and authorisation letter (R-R1)."""
    policy = (
        Policy.objects.select_for_update(of=("self",))
        .select_related("permit__project")
        .get(pk=policy.pk)
    )
    may_appoint_rma(actor, policy)
    if policy.state not in ENGAGEABLE_POLICY_STATES:
        raise _refuse(
            "R-R1",
            "policy",
            "保险合同签发后方可委托风险管理机构",
            "an RMA is appointed once the policy is issued",
            Code.POLICY_NOT_IN_FORCE,
        )
    if Engagement.objects.filter(policy=policy).exists():
        raise _refuse(
            "R-R1",
            "policy",
            "本保单已委托风险管理机构",
            "the policy has an RMA",
            Code.ALREADY_RECORDED,
        )
    org = _org(rma, "rma", rule="R-R1")
    if org.org_type != OrgType.RMA:
        raise _refuse("R-R1", "rma", f"{org.name} 不是风险管理机构", f"{org.name} is not an RMA")
    amount = _money(fee, "fee", rule="R-U7")
    check_risk_management_fee(selectors.pack_of_policy(policy), policy.premium, amount)
    _not_future(contract_signed_on, "contract_signed_on", "R-R1")
    if letter_valid_to < letter_valid_from:
        raise _refuse(
            "R-R1",
            "letter_valid_to",
            "授权书有效期止早于起始日期",
            "the letter's validity ends before it starts",
        )
    _independence(org, policy)
    engagement = Engagement.objects.create(
        policy=policy,
        project=policy.permit.project,
        rma=org,
        fee=amount,
        contract_signed_on=contract_signed_on,
        letter_valid_from=letter_valid_from,
        letter_valid_to=letter_valid_to,
        appointed_by_id=actor.user_id,
        appointed_at=clock.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.APPOINT_RMA,
        obj=engagement,
        after={
            "policy": policy.pk,
            "rma": org.pk,
            "fee": str(amount),
            "contract_signed_on": contract_signed_on,
            "letter_valid_from": letter_valid_from,
            "letter_valid_to": letter_valid_to,
        },
    )
    return engagement


# --- before construction (R-R3) ---------------------------------------------------------------


@transaction.atomic
def record_kickoff(
    *, actor: Actor, engagement: Engagement, held_on: date, attendees: list[str], minutes: str
) -> Engagement:
    """风险管理交底会: organised by the developer, held with the RMA; minutes recorded (R-R3)."""
    engagement = _lock_engagement(engagement)
    may_record_kickoff(actor, engagement)
    if engagement.kickoff_held_on is not None:
        raise _refuse(
            "R-R3", "held_on", "交底会已登记", "the kickoff is recorded", Code.ALREADY_RECORDED
        )
    _not_future(held_on, "held_on", "R-R3")
    names = _names(attendees, "attendees", rule="R-R3", zh="参会人员", en="attendees")
    minutes = _text(minutes, "minutes", rule="R-R3", zh="会议纪要", en="the minutes")
    engagement.kickoff_held_on = held_on
    engagement.kickoff_attendees = names
    engagement.kickoff_minutes = minutes
    engagement.save(update_fields=["kickoff_held_on", "kickoff_attendees", "kickoff_minutes"])
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_KICKOFF,
        obj=engagement,
        after={"held_on": held_on, "attendees": names},
    )
    return engagement


@transaction.atomic
def set_plan(*, actor: Actor, engagement: Engagement, stages: list[PlanItem]) -> Engagement:
    """The RMA's inspection plan: stages with their planned spans (R-R3, R-R4)."""
    engagement = _lock_engagement(engagement)
    may_set_plan(actor, engagement)
    checked = check_plan(selectors.pack_of(engagement), stages)
    before = selectors.plan_rows(engagement)
    PlannedStage.objects.filter(engagement=engagement).delete()
    PlannedStage.objects.bulk_create(
        PlannedStage(engagement=engagement, stage=s.stage, starts_on=s.starts_on, ends_on=s.ends_on)
        for s in checked
    )
    if engagement.plan_set_on is None:
        engagement.plan_set_on = clock.today()
        engagement.save(update_fields=["plan_set_on"])
    audit.record(
        actor=actor,
        action=AuditAction.SET_PLAN,
        obj=engagement,
        before={"stages": before},
        after={"stages": selectors.plan_rows(engagement)},
    )
    return engagement


# --- inspections and their defects (R-R1, R-R5, R-R8) -----------------------------------------


@dataclass(frozen=True)
class DefectInput:
    building: int
    floor: int
    part: str
    category: str
    grade: str
    description: str
    proposal: str


def _check_defects(engagement: Engagement, defects: list[DefectInput], prefix: str) -> list[dict]:
    pack = selectors.pack_of(engagement)
    buildings = Building.objects.in_bulk([d.building for d in defects])
    out = []
    for index, d in enumerate(defects):
        field = f"{prefix}{index}."
        building = buildings.get(d.building)
        if building is None or building.permit_id != engagement.policy.permit_id:
            raise _refuse(
                "R-R5",
                f"{field}building",
                "楼栋不属于本保单的施工许可证",
                "the building is not under this policy's permit",
            )
        if d.floor == 0 or d.floor > building.floors_above or d.floor < -building.floors_below:
            raise _refuse(
                "R-R5",
                f"{field}floor",
                f"楼层应在 -{building.floors_below} 到 {building.floors_above} 之间且不为 0",
                f"the floor must be between -{building.floors_below} and "
                f"{building.floors_above}, not 0",
            )
        if d.category not in pack.coverage.categories:
            known = ", ".join(pack.coverage.categories)
            raise _refuse(
                "R-C1",
                f"{field}category",
                f"未知的缺陷类别 {d.category!r}（可选：{known}）",
                f"unknown category {d.category!r} (one of {known})",
            )
        check_grade(pack, d.grade, field=f"{field}grade")
        out.append(
            {
                "building": building,
                "floor": d.floor,
                "part": _text(
                    d.part, f"{field}part", rule="R-R5", zh="部位", en="the part", limit=200
                ),
                "category": d.category,
                "grade": d.grade,
                "major": is_major(pack, d.grade),
                "description": _text(
                    d.description,
                    f"{field}description",
                    rule="R-R5",
                    zh="缺陷描述",
                    en="the description",
                ),
                "proposal": _text(
                    d.proposal, f"{field}proposal", rule="R-R5", zh="处理建议", en="the proposal"
                ),
            }
        )
    return out


def _create_defects(actor: Actor, inspection: Inspection, checked: list[dict]) -> list[Defect]:
    now = clock.now()
    created = []
    for values in checked:
        defect = Defect.objects.create(
            inspection=inspection,
            engagement_id=inspection.engagement_id,
            project_id=inspection.project_id,
            stage=inspection.stage,
            recorded_at=now,
            **values,
        )
        DefectEvent.objects.create(
            defect=defect,
            action="record",
            to_status=defect.status,
            by_id=actor.user_id,
            by_label=actor.label,
            by_org_id=actor.organisation_id,
            at=now,
        )
        audit.record(
            actor=actor,
            action=AuditAction.RECORD_DEFECT,
            obj=defect,
            after={**selectors.defect_state(defect), "inspection": inspection.pk},
        )
        created.append(defect)
    return created


@transaction.atomic
def record_inspection(
    *,
    actor: Actor,
    engagement: Engagement,
    inspected_on: date,
    stage: str,
    inspectors: list[str],
    scope: str,
    risk_analysis: str,
    defects: list[DefectInput],
) -> Inspection:
    """A process inspection report (R-R5) by the RMA under a valid letter (R-R1); the joint
    inspection's findings are an inspection of the pack's joint stage (R-R8)."""
    engagement = _lock_engagement(engagement)
    may_record_inspection(actor, engagement)
    if not engagement.letter_valid_from <= inspected_on <= engagement.letter_valid_to:
        raise _refuse(
            "R-R1",
            "inspected_on",
            f"检查日期 {inspected_on} 不在授权书有效期（{engagement.letter_valid_from} 至 "
            f"{engagement.letter_valid_to}）内",
            f"{inspected_on} is outside the authorisation letter's validity "
            f"({engagement.letter_valid_from} to {engagement.letter_valid_to})",
            Code.LETTER_NOT_VALID,
        )
    _not_future(inspected_on, "inspected_on", "R-R5")
    pack = selectors.pack_of(engagement)
    joint = pack.riskmgmt.joint_inspection_stage
    if stage not in (*pack.riskmgmt.stages, joint):
        raise _refuse("R-R4", "stage", f"未知的施工阶段 {stage!r}", f"unknown stage {stage!r}")
    if (
        stage == joint
        and not JointInspection.objects.filter(permit_id=engagement.policy.permit_id).exists()
    ):
        raise _refuse(
            "R-R8",
            "stage",
            "建设单位尚未安排共同查验",
            "the developer has not scheduled the joint inspection",
            Code.NO_JOINT_INSPECTION,
        )
    names = _names(inspectors, "inspectors", rule="R-R5", zh="检查人员", en="inspectors")
    scope = _text(scope, "scope", rule="R-R5", zh="检查情况", en="what was inspected")
    risk_analysis = _text(
        risk_analysis, "risk_analysis", rule="R-R5", zh="潜在缺陷风险分析", en="the risk analysis"
    )
    checked = _check_defects(engagement, defects, "defects.")
    inspection = Inspection.objects.create(
        engagement=engagement,
        project_id=engagement.project_id,
        inspected_on=inspected_on,
        stage=stage,
        inspectors=names,
        scope=scope,
        risk_analysis=risk_analysis,
        recorded_by_id=actor.user_id,
        recorded_at=clock.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_INSPECTION,
        obj=inspection,
        after={"engagement": engagement.pk, "inspected_on": inspected_on, "stage": stage},
    )
    _create_defects(actor, inspection, checked)
    return inspection


@transaction.atomic
def add_defects(
    *, actor: Actor, inspection: Inspection, defects: list[DefectInput]
) -> list[Defect]:
    """More findings of an inspection already recorded (the on-site page adds them one by one)."""
    engagement = _lock_engagement(inspection.engagement)
    _require_rma(actor, engagement, "登记缺陷")
    if not defects:
        raise _refuse("R-R5", "defects", "至少一项缺陷", "at least one defect")
    return _create_defects(actor, inspection, _check_defects(engagement, defects, "defects."))


# --- the defect state machine (R-R5, R-R6) ----------------------------------------------------


def _locked_defect(defect: Defect) -> Defect:
    return (
        Defect.objects.select_for_update(of=("self",))
        .select_related("project", "engagement")
        .get(pk=defect.pk)
    )


def _move(actor: Actor, defect: Defect, action: str, *, note: str = "", **changes) -> Defect:
    """Check (status, action) against DEFECT_TRANSITIONS, apply, log the event, audit."""
    target = DEFECT_TRANSITIONS.get((defect.status, action))
    if target is None:
        raise _refuse(
            "R-R5",
            "status",
            f"缺陷当前状态为“{DefectStatus(defect.status).label}”，不能执行此操作",
            f"a defect in status {defect.status} cannot take {action}",
            Code.INVALID_STATE,
        )
    before = selectors.defect_state(defect)
    now = clock.now()
    for name, value in changes.items():
        setattr(defect, name, value)
    defect.status = target
    if target in (S.CLOSED, S.DISMISSED):
        defect.closed_at = now
    defect.save()
    DefectEvent.objects.create(
        defect=defect,
        action=action,
        from_status=before["status"],
        to_status=target,
        by_id=actor.user_id,
        by_label=actor.label,
        by_org_id=actor.organisation_id,
        at=now,
        note=note,
    )
    audit.record(
        actor=actor,
        action=TRANSITION_AUDIT[action],
        obj=defect,
        before=before,
        after=selectors.defect_state(defect),
    )
    return defect


def _responsible(defect: Defect, org_id, *, field: str, rule: str, extra=()) -> Organisation:
    org = _org(org_id, field, rule=rule)
    allowed = selectors.participant_ids(defect.project_id) | {defect.project.developer_id, *extra}
    if org.pk not in allowed:
        raise _refuse(
            rule,
            field,
            f"{org.name} 不是本项目的参建单位",
            f"{org.name} is not a party of this project",
            Code.NOT_A_PARTICIPANT,
        )
    return org


@transaction.atomic
def confirm_defect(*, actor: Actor, defect: Defect, responsible: int) -> Defect:
    """The developer records the participants' confirmation and the responsible unit (R-R5)."""
    defect = _locked_defect(defect)
    _require_developer(actor, defect.project.developer_id, "确认缺陷")
    org = _responsible(defect, responsible, field="responsible", rule="R-R5")
    return _move(actor, defect, "confirm", responsible=org)


@transaction.atomic
def dispute_defect(*, actor: Actor, defect: Defect, reason: str) -> Defect:
    """The developer or a participant disputes the RMA's finding (R-R6)."""
    defect = _locked_defect(defect)
    parties = selectors.participant_ids(defect.project_id) | {defect.project.developer_id}
    if actor.organisation_id not in parties:
        raise Forbidden("仅建设单位或参建单位可提出异议", "developer or participants only")
    reason = _text(reason, "reason", rule="R-R6", zh="争议理由", en="the reason")
    return _move(actor, defect, "dispute", note=reason, dispute_reason=reason)


@transaction.atomic
def record_appraisal(
    *, actor: Actor, defect: Defect, appraiser: int, responsible: int, fee
) -> Defect:
    """R-R6 (Art. 12): the jointly chosen appraiser's finding; the responsible party bears the
    fee. When the RMA is found responsible the defect is dismissed."""
    defect = _locked_defect(defect)
    _require_developer(actor, defect.project.developer_id, "登记鉴定结论")
    expert = _org(appraiser, "appraiser", rule="R-R6")
    if expert.org_type != OrgType.APPRAISER:
        raise _refuse(
            "R-R6", "appraiser", f"{expert.name} 不是鉴定机构", f"{expert.name} is no appraiser"
        )
    amount = _money(fee, "fee", rule="R-R6")
    org = _responsible(
        defect, responsible, field="responsible", rule="R-R6", extra=(defect.engagement.rma_id,)
    )
    dismissed = org.pk == defect.engagement.rma_id
    note = f"{expert.name}: {org.name} {amount}"
    return _move(
        actor,
        defect,
        "appraisal_dismissed" if dismissed else "appraisal",
        note=note,
        appraiser=expert,
        appraisal_fee=amount,
        responsible=defect.responsible if dismissed else org,
    )


@transaction.atomic
def upload_evidence(*, actor: Actor, defect: Defect, stage: str, upload) -> Evidence:
    """Before/after photos of a rectification, checked by content (R-R5)."""
    defect = _locked_defect(defect)
    if actor.organisation_id not in (defect.responsible_id, defect.engagement.rma_id):
        raise Forbidden("仅责任单位或风险管理机构可上传整改资料", "responsible unit or RMA only")
    if stage not in EvidenceStage.values:
        raise _refuse("R-R5", "stage", "阶段应为 before 或 after", "stage is before or after")
    if defect.status not in EVIDENCE_STATUSES:
        raise _refuse(
            "R-R5",
            "status",
            f"缺陷当前状态为“{DefectStatus(defect.status).label}”，不能再上传整改资料",
            f"a defect in status {defect.status} takes no more evidence",
            Code.INVALID_STATE,
        )
    found = detect(upload)
    evidence = Evidence(
        defect=defect,
        stage=stage,
        original_name=(getattr(upload, "name", "") or "")[:255],
        content_type=found.content_type,
        size=found.size,
        sha256=found.sha256,
        uploaded_by_id=actor.user_id,
        uploaded_by_org_id=actor.organisation_id,
        uploaded_at=clock.now(),
    )
    evidence.file.save(f"{stage}-{uuid.uuid4().hex}.{found.extension}", upload, save=False)
    evidence.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPLOAD_EVIDENCE,
        obj=evidence,
        after={"defect": defect.pk, "stage": stage, "sha256": found.sha256, "size": found.size},
    )
    return evidence


@transaction.atomic
def rectify_defect(*, actor: Actor, defect: Defect, explanation: str) -> Defect:
    """The responsible unit reports the repair with an explanation and after-photos (R-R5)."""
    defect = _locked_defect(defect)
    if actor.organisation_id is None or actor.organisation_id != defect.responsible_id:
        raise Forbidden("仅责任单位可提交整改", "only the responsible unit may do this")
    explanation = _text(
        explanation, "explanation", rule="R-R5", zh="整改情况说明", en="explanation"
    )
    if (
        defect.status == S.CONFIRMED
        and not defect.evidence.filter(stage=EvidenceStage.AFTER).exists()
    ):
        raise _refuse(
            "R-R5",
            "evidence",
            "请先上传整改后照片或资料",
            "upload the after-rectification photos first",
            Code.EVIDENCE_MISSING,
        )
    return _move(actor, defect, "rectify", note=explanation, explanation=explanation)


@transaction.atomic
def supervisor_confirm_defect(*, actor: Actor, defect: Defect) -> Defect:
    """The project's supervisor confirms the rectification (R-R5)."""
    defect = _locked_defect(defect)
    supervisors = selectors.participant_ids(defect.project_id, role=ParticipantRole.SUPERVISOR)
    if actor.organisation_id not in supervisors:
        raise Forbidden("仅本项目监理单位可确认整改", "only the project's supervisor")
    return _move(actor, defect, "supervisor-confirm")


@transaction.atomic
def developer_confirm_defect(*, actor: Actor, defect: Defect, reply: str = "") -> Defect:
    """The developer confirms and replies in writing to the insurer and the RMA (R-R5); the
    defect is closed."""
    defect = _locked_defect(defect)
    _require_developer(actor, defect.project.developer_id, "确认整改")
    reply = (reply or "").strip()
    if len(reply) > MAX_TEXT:
        raise too_long("reply", MAX_TEXT, len(reply))
    defect = _move(actor, defect, "developer-confirm", note=reply, developer_reply=reply)
    readers = {selectors.lead_insurer_id(defect.engagement.policy), defect.engagement.rma_id}
    notify(
        actor=actor,
        recipients=selectors.member_ids(readers),
        subject=f"缺陷 #{defect.pk} 已整改关闭：建设单位书面回复",
        body=reply,
        link=f"/riskmgmt/defects/{defect.pk}/",
    )
    return defect


# --- construction start (R-R3) and completion acceptance (R-R7), asked by projects ------------


JOINT_INSPECTION = "joint_inspection"  # the pack's deadline kind (R-R8)


def follow_permit_event(actor: Actor, permit: ConstructionPermit, event: str, on: date) -> None:
    """Hook.PERMIT_EVENTS. Construction that starts without the kickoff meeting or the plan is
    recorded as it is and stands as a compliance exception (R-R3). Completion starts the clock
    of the joint pre-period inspection (R-R8), stored with its warning day."""
    policy = Policy.objects.filter(permit=permit).first()
    if policy is None:
        return
    engagement = Engagement.objects.filter(policy=policy).first()
    if event == "construction_started":
        _record_start_exceptions(actor, permit, engagement, on)
    elif (
        event == "completed"
        and engagement is not None
        and not JointInspection.objects.filter(permit=permit).exists()
    ):
        start_deadline(
            actor=actor,
            owner=engagement,
            kind=JOINT_INSPECTION,
            pack_id=policy.pack_id,
            from_date=on,
        )


def _record_start_exceptions(
    actor: Actor, permit: ConstructionPermit, engagement: Engagement | None, on: date
) -> None:
    missing = []
    if engagement is None or engagement.kickoff_held_on is None or engagement.kickoff_held_on > on:
        missing.append(("kickoff_missing", "开工前未召开风险管理交底会", "no kickoff meeting"))
    if engagement is None or engagement.plan_set_on is None or engagement.plan_set_on > on:
        missing.append(("plan_missing", "开工前无风险管理机构检查计划", "no inspection plan"))
    for code, zh, en in missing:
        exception, created = ComplianceException.objects.get_or_create(
            permit=permit,
            rule="R-R3",
            code=code,
            defaults={
                "project_id": permit.project_id,
                "message": f"施工许可证 {permit.number}：{zh}",
                "message_en": f"permit {permit.number}: {en} before construction started",
                "on": on,
                "recorded_at": clock.now(),
            },
        )
        if created:
            audit.record(
                actor=actor,
                action=AuditAction.RECORD_COMPLIANCE_EXCEPTION,
                obj=exception,
                after={"permit": permit.pk, "rule": "R-R3", "code": code, "on": on},
            )


def guard_completion(permit: ConstructionPermit, event: str, on: date) -> None:
    """Hook.PERMIT_GUARDS (R-R7): completion acceptance of an engaged policy's permit waits for
    the reviewed final report and for every major defect to be verified closed."""
    if event != "completed":
        return
    engagement = Engagement.objects.filter(policy__permit=permit).first()
    if engagement is None:
        return
    report = FinalReport.objects.filter(engagement=engagement).first()
    if report is None or report.reviewed_at is None:
        raise _refuse(
            "R-R7",
            "completion_accepted_on",
            "主承保公司尚未审核风险管理最终检查报告，不能登记竣工验收",
            "the lead insurer has not reviewed the RMA's final report",
            Code.REPORT_NOT_REVIEWED,
        )
    open_major = selectors.open_major_defects(engagement)
    if open_major:
        listed = "；".join(selectors.defect_label(d) for d in open_major)
        raise _refuse(
            "R-R7",
            "completion_accepted_on",
            f"以下重大缺陷尚未核验整改关闭：{listed}",
            f"major defects not verified closed: {listed}",
            Code.MAJOR_DEFECTS_OPEN,
        )


# --- final report (R-R7), evaluation (R-R9), joint inspection (R-R8) --------------------------


@transaction.atomic
def write_final_report(*, actor: Actor, engagement: Engagement) -> FinalReport:
    """The RMA's final report, generated from the data (G 3.4); rewritten until reviewed."""
    engagement = _lock_engagement(engagement)
    _require_rma(actor, engagement, "编制最终检查报告")
    report = FinalReport.objects.select_for_update().filter(engagement=engagement).first()
    if report is not None and report.reviewed_at is not None:
        raise _refuse(
            "R-R7",
            "final_report",
            "最终检查报告已审核，不能再修改",
            "the final report is reviewed and fixed",
            Code.INVALID_STATE,
        )
    content = selectors.final_report_content(engagement)
    before = selectors.report_state(report) if report else None
    if report is None:
        report = FinalReport(engagement=engagement)
    for name, value in content.items():
        setattr(report, name, value)
    report.written_by_id = actor.user_id
    report.written_at = clock.now()
    report.save()
    audit.record(
        actor=actor,
        action=AuditAction.WRITE_FINAL_REPORT,
        obj=report,
        before=before,
        after=selectors.report_state(report),
    )
    return report


@transaction.atomic
def review_final_report(*, actor: Actor, engagement: Engagement) -> FinalReport:
    """The lead insurer reviews the final report and hands it to the developer (R-R7)."""
    engagement = _lock_engagement(engagement)
    _require_lead(actor, engagement.policy, "审核最终检查报告")
    report = FinalReport.objects.select_for_update().filter(engagement=engagement).first()
    if report is None:
        raise _refuse(
            "R-R7",
            "final_report",
            "风险管理机构尚未提交最终检查报告",
            "the RMA has not written the final report",
            Code.INVALID_STATE,
        )
    if report.reviewed_at is not None:
        raise _refuse(
            "R-R7", "final_report", "最终检查报告已审核", "already reviewed", Code.ALREADY_RECORDED
        )
    before = selectors.report_state(report)
    report.reviewed_by_id = actor.user_id
    report.reviewed_at = clock.now()
    report.save(update_fields=["reviewed_by", "reviewed_at"])
    audit.record(
        actor=actor,
        action=AuditAction.REVIEW_FINAL_REPORT,
        obj=report,
        before=before,
        after=selectors.report_state(report),
    )
    return report


@transaction.atomic
def evaluate_rma(*, actor: Actor, engagement: Engagement, rating: int, reasons: str) -> Evaluation:
    """R-R9 (Art. 11): the lead insurer rates its RMA's work, with reasons."""
    engagement = _lock_engagement(engagement)
    may_evaluate_rma(actor, engagement)
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise _refuse("R-R9", "rating", "评分应为 1 到 5 的整数", "the rating is 1 to 5")
    reasons = _text(reasons, "reasons", rule="R-R9", zh="评价理由", en="the reasons")
    evaluation = Evaluation.objects.create(
        engagement=engagement,
        rating=rating,
        reasons=reasons,
        at_final_report=FinalReport.objects.filter(engagement=engagement).exists(),
        by_id=actor.user_id,
        by_org_id=actor.organisation_id or selectors.lead_insurer_id(engagement.policy),
        at=clock.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.EVALUATE_RMA,
        obj=evaluation,
        after={"engagement": engagement.pk, "rating": rating, "reasons": reasons},
    )
    return evaluation


@transaction.atomic
def schedule_joint_inspection(
    *, actor: Actor, permit: ConstructionPermit, scheduled_on: date
) -> JointInspection:
    """R-R8 (Art. 6): the developer schedules the joint inspection with the lead insurer, the
    RMA and the contractor, before the insurance period starts."""
    permit = (
        ConstructionPermit.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=permit.pk)
    )
    may_schedule_joint_inspection(actor, permit)
    engagement = Engagement.objects.filter(policy__permit=permit).select_related("policy").first()
    if engagement is None:
        raise _refuse(
            "R-R8",
            "permit",
            "本施工许可证的保单尚未委托风险管理机构",
            "the permit's policy has no RMA engaged",
            Code.INVALID_STATE,
        )
    contractors = selectors.participant_ids(permit.project_id, role=ParticipantRole.CONTRACTOR)
    if not contractors:
        raise _refuse(
            "R-R8",
            "permit",
            "本项目尚未登记施工单位",
            "the project has no contractor registered",
            Code.NOT_A_PARTICIPANT,
        )
    start = selectors.period_start(engagement.policy, permit)
    if start is not None and scheduled_on >= start:
        raise _refuse(
            "R-R8",
            "scheduled_on",
            f"共同查验须在保险期限开始（{start}）之前",
            f"the joint inspection must come before the period starts ({start})",
            Code.TOO_LATE,
        )
    joint = JointInspection.objects.filter(permit=permit).first()
    before = {"scheduled_on": joint.scheduled_on} if joint else None
    meet_deadline(actor=actor, owner=engagement, kind=JOINT_INSPECTION, on=clock.today())
    if joint is None:
        joint = JointInspection(permit=permit, engagement=engagement)
    joint.scheduled_on = scheduled_on
    joint.scheduled_by_id = actor.user_id
    joint.scheduled_at = clock.now()
    joint.save()
    audit.record(
        actor=actor,
        action=AuditAction.SCHEDULE_JOINT_INSPECTION,
        obj=joint,
        before=before,
        after={"permit": permit.pk, "scheduled_on": scheduled_on},
    )
    return joint
