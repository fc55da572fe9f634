"""Inspections and the defects they record (R-R1, R-R5, R-R8)."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from idi.core import audit, clock, formats
from idi.core.permissions import Actor
from idi.projects.models import Building
from idi.riskmgmt import selectors
from idi.riskmgmt.codes import AuditAction, Code
from idi.riskmgmt.models import (
    Defect,
    DefectEvent,
    Engagement,
    Inspection,
    JointInspection,
)
from idi.riskmgmt.services import guards
from idi.riskmgmt.services._common import (
    _lock_engagement,
    _names,
    _not_future,
    _refuse,
    _require_rma,
    _text,
)
from idi.rules import check_grade, is_major

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
                f"未知的缺陷类别“{d.category}”（可选：{known}）",
                f"unknown category '{d.category}' (one of {known})",
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
    guards.may_record_inspection(actor, engagement)
    if not engagement.letter_valid_from <= inspected_on <= engagement.letter_valid_to:
        raise _refuse(
            "R-R1",
            "inspected_on",
            f"检查日期 {formats.day(inspected_on, 'zh-hans')} 不在授权书有效期"
            f"（{formats.day(engagement.letter_valid_from, 'zh-hans')} 至 "
            f"{formats.day(engagement.letter_valid_to, 'zh-hans')}）内",
            f"{formats.day(inspected_on, 'en')} is outside the authorisation letter's validity "
            f"({formats.day(engagement.letter_valid_from, 'en')} to "
            f"{formats.day(engagement.letter_valid_to, 'en')})",
            Code.LETTER_NOT_VALID,
        )
    _not_future(inspected_on, "inspected_on", "R-R5")
    pack = selectors.pack_of(engagement)
    joint = pack.riskmgmt.joint_inspection_stage
    if stage not in (*pack.riskmgmt.stages, joint):
        raise _refuse(
            "R-R4",
            "stage",
            "所选施工阶段不在检查计划的阶段中，请从列表中选择",
            "the stage chosen is not one of the inspection plan's stages; choose one from the list",
        )
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
