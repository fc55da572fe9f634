"""What risk management asks of permit events: exceptions on a construction start without
kickoff or plan (R-R3), and the guard on completion acceptance (R-R7)."""

from datetime import date

from idi.core import audit, clock
from idi.core.permissions import Actor
from idi.notifications.services import start_deadline
from idi.projects.models import ConstructionPermit
from idi.riskmgmt import selectors
from idi.riskmgmt.codes import AuditAction, Code
from idi.riskmgmt.models import (
    ComplianceException,
    Engagement,
    FinalReport,
    JointInspection,
)
from idi.riskmgmt.services._common import (
    JOINT_INSPECTION,
    _refuse,
)
from idi.underwriting.models import Policy

# --- construction start (R-R3) and completion acceptance (R-R7), asked by projects ------------


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
