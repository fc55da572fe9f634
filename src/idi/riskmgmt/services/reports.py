"""The final report (R-R7), the evaluation of the agency (R-R9) and the joint inspection (R-R8)."""

from datetime import date

from django.db import transaction

from idi.core import audit, clock
from idi.core.permissions import Actor
from idi.notifications.services import meet_deadline
from idi.projects.models import ConstructionPermit, ParticipantRole
from idi.riskmgmt import selectors
from idi.riskmgmt.codes import AuditAction, Code
from idi.riskmgmt.models import (
    Engagement,
    Evaluation,
    FinalReport,
    JointInspection,
)
from idi.riskmgmt.services import guards
from idi.riskmgmt.services._common import (
    JOINT_INSPECTION,
    _lock_engagement,
    _refuse,
    _require_lead,
    _require_rma,
    _text,
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
    guards.may_evaluate_rma(actor, engagement)
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
    guards.may_schedule_joint_inspection(actor, permit)
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
