"""Risk management over HTTP: the issue's contract (RMAs' and insurers' own systems push their
data here, G 5.3). Handlers find the object through a selector (404 for what the actor may not
see), call one service and answer with the shapes of `schemas.py`."""

from django.urls import reverse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from idi.core.api_auth import API_AUTH
from idi.core.errors import NotFound
from idi.core.limits import Id
from idi.core.paging import Page, PageQuery
from idi.core.permissions import actor_from_request
from idi.riskmgmt import selectors, services
from idi.riskmgmt.models import Engagement, Evaluation, Evidence, FinalReport, Inspection
from idi.riskmgmt.schemas import (
    ComplianceOut,
    ConfirmIn,
    DefectAppraisalIn,
    DefectAppraiserIn,
    DefectDisputeIn,
    DefectOut,
    DefectRowOut,
    DeveloperConfirmIn,
    EngagementIn,
    EngagementOut,
    EvaluationIn,
    EvaluationOut,
    EvidenceOut,
    FinalReportOut,
    InspectionIn,
    InspectionOut,
    JointInspectionIn,
    JointInspectionOut,
    KickoffIn,
    PlanIn,
    RectifyIn,
)
from idi.rules import PlannedStage as PlanItem
from idi.underwriting.selectors import get_policy

router = Router(auth=API_AUTH)


def engagement_out(engagement: Engagement) -> dict:
    report = selectors.final_report_of(engagement)
    return {
        "id": engagement.pk,
        "policy": engagement.policy_id,
        "project": engagement.project_id,
        "permit": engagement.policy.permit_id,
        "rma": engagement.rma_id,
        "rma_name": engagement.rma.name,
        "fee": engagement.fee,
        "contract_signed_on": engagement.contract_signed_on,
        "letter_valid_from": engagement.letter_valid_from,
        "letter_valid_to": engagement.letter_valid_to,
        "kickoff_held_on": engagement.kickoff_held_on,
        "kickoff_attendees": engagement.kickoff_attendees,
        "plan": selectors.plan_rows(engagement),
        "final_report": None
        if report is None
        else ("reviewed" if report.reviewed_at else "written"),
    }


def inspection_out(inspection: Inspection) -> dict:
    return {
        "id": inspection.pk,
        "engagement": inspection.engagement_id,
        "inspected_on": inspection.inspected_on,
        "stage": inspection.stage,
        "inspectors": inspection.inspectors,
        "scope": inspection.scope,
        "risk_analysis": inspection.risk_analysis,
        "defects": list(inspection.defects.order_by("id").values_list("id", flat=True)),
    }


def evidence_out(evidence: Evidence) -> dict:
    return {
        "id": evidence.pk,
        "defect": evidence.defect_id,
        "stage": evidence.stage,
        "content_type": evidence.content_type,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "url": reverse("riskmgmt:evidence", args=[evidence.pk]),
    }


def report_out(report: FinalReport) -> dict:
    return {
        "engagement": report.engagement_id,
        "inspections_summary": report.inspections_summary,
        "rectification_summary": report.rectification_summary,
        "open_items": report.open_items,
        "risk_rating": report.risk_rating,
        "written_at": report.written_at,
        "reviewed_at": report.reviewed_at,
    }


def evaluation_out(evaluation: Evaluation) -> dict:
    return {
        "id": evaluation.pk,
        "engagement": evaluation.engagement_id,
        "rating": evaluation.rating,
        "reasons": evaluation.reasons,
        "at_final_report": evaluation.at_final_report,
        "at": evaluation.at,
    }


def _engagement(request, pk: int):
    actor = actor_from_request(request)
    return actor, selectors.get_engagement(actor=actor, pk=pk)


def _refreshed(engagement: Engagement) -> Engagement:
    return Engagement.objects.select_related("policy", "rma").get(pk=engagement.pk)


# --- engagement, kickoff, plan -----------------------------------------------------------------


@router.post(
    "/policies/{pk}/engagements",
    response={201: EngagementOut},
    summary="委托风险管理机构 / appoint the RMA (lead insurer; R-U7, R-R1, R-R2)",
)
def appoint_rma(request, pk: int, body: EngagementIn):
    actor = actor_from_request(request)
    policy = get_policy(actor=actor, pk=pk)
    engagement = services.appoint_rma(actor=actor, policy=policy, **body.dict())
    return Status(201, engagement_out(_refreshed(engagement)))


@router.get("/engagements/{pk}", response=EngagementOut, summary="风险管理委托 / an engagement")
def get_engagement(request, pk: int):
    return engagement_out(_engagement(request, pk)[1])


@router.post(
    "/engagements/{pk}/kickoff",
    response=EngagementOut,
    summary="登记风险管理交底会 / record the kickoff meeting (R-R3)",
)
def record_kickoff(request, pk: int, body: KickoffIn):
    actor, engagement = _engagement(request, pk)
    services.record_kickoff(actor=actor, engagement=engagement, **body.dict())
    return engagement_out(_refreshed(engagement))


@router.put(
    "/engagements/{pk}/plan",
    response=EngagementOut,
    summary="提交检查计划 / set the inspection plan (RMA; R-R3, R-R4)",
)
def set_plan(request, pk: int, body: PlanIn):
    actor, engagement = _engagement(request, pk)
    stages = [PlanItem(s.stage, s.starts_on, s.ends_on) for s in body.stages]
    services.set_plan(actor=actor, engagement=engagement, stages=stages)
    return engagement_out(_refreshed(engagement))


# --- inspections and defects -------------------------------------------------------------------


@router.post(
    "/engagements/{pk}/inspections",
    response={201: InspectionOut},
    summary="登记过程检查及缺陷 / record an inspection and its defects (RMA; R-R1, R-R5)",
)
def record_inspection(request, pk: int, body: InspectionIn):
    actor, engagement = _engagement(request, pk)
    data = body.dict()
    defects = [services.DefectInput(**d) for d in data.pop("defects")]
    inspection = services.record_inspection(
        actor=actor, engagement=engagement, defects=defects, **data
    )
    return Status(201, inspection_out(inspection))


@router.get(
    "/projects/{pk}/defects",
    response=Page[DefectRowOut],
    summary="项目缺陷 / a project's defects (filters: status, grade, stage, responsible, "
    "building, category)",
)
def list_defects(
    request,
    pk: int,
    paging: Query[PageQuery],
    status: str = Query("", max_length=24),
    grade: str = Query("", max_length=1),
    stage: str = Query("", max_length=32),
    responsible: Id | None = None,
    building: Id | None = None,
    category: str = Query("", max_length=32),
):
    actor = actor_from_request(request)
    project = selectors.get_project(actor=actor, pk=pk)
    filters = selectors.DefectFilters(
        status=status,
        grade=grade,
        stage=stage,
        responsible=responsible,
        building=building,
        category=category,
    )
    body = selectors.defect_board(
        actor=actor, project=project, filters=filters, page=paging.page, limit=paging.limit
    )
    body["items"] = [
        {
            "id": r["id"],
            "grade": r["grade"],
            "major": r["major"],
            "category": r["category"],
            "building": r["building_id"],
            "building_name": r["building__name"],
            "floor": r["floor"],
            "part": r["part"],
            "stage": r["stage"],
            "status": r["status"],
            "responsible": r["responsible_id"],
            "responsible_name": r["responsible__name"],
        }
        for r in body["items"]
    ]
    return body


@router.get("/defects/{pk}", response=DefectOut, summary="缺陷 / a defect with its history")
def get_defect(request, pk: int):
    actor = actor_from_request(request)
    return selectors.defect_answer(selectors.get_defect(actor=actor, pk=pk))


@router.post(
    "/defects/{pk}/evidence",
    response={201: EvidenceOut},
    summary="上传整改照片 / upload evidence (multipart: stage before|after, file)",
)
def upload_evidence(
    request, pk: int, file: File[UploadedFile], stage: str = Form(..., max_length=8)
):
    actor = actor_from_request(request)
    defect = selectors.get_defect(actor=actor, pk=pk)
    evidence = services.upload_evidence(actor=actor, defect=defect, stage=stage, upload=file)
    return Status(201, evidence_out(evidence))


def _act(request, pk: int, action: str, **kwargs):
    actor = actor_from_request(request)
    defect = selectors.get_defect(actor=actor, pk=pk)
    ACTIONS[action](actor=actor, defect=defect, **kwargs)
    return selectors.defect_answer(selectors.get_defect(actor=actor, pk=pk))


ACTIONS = {
    "confirm": services.confirm_defect,
    "dispute": services.dispute_defect,
    "rectify": services.rectify_defect,
    "supervisor-confirm": services.supervisor_confirm_defect,
    "developer-confirm": services.developer_confirm_defect,
    "appraiser": services.choose_appraiser,
    "appraisal": services.record_appraisal,
}


@router.post("/defects/{pk}/confirm", response=DefectOut, summary="确认缺陷 / confirm (R-R5)")
def confirm(request, pk: int, body: ConfirmIn):
    return _act(request, pk, "confirm", responsible=body.responsible)


@router.post("/defects/{pk}/dispute", response=DefectOut, summary="提出异议 / dispute (R-R6)")
def dispute(request, pk: int, body: DefectDisputeIn):
    return _act(request, pk, "dispute", reason=body.reason)


@router.post("/defects/{pk}/rectify", response=DefectOut, summary="提交整改 / rectify (R-R5)")
def rectify(request, pk: int, body: RectifyIn):
    return _act(request, pk, "rectify", explanation=body.explanation)


@router.post(
    "/defects/{pk}/supervisor-confirm",
    response=DefectOut,
    summary="监理确认 / supervisor confirms (R-R5)",
)
def supervisor_confirm(request, pk: int):
    return _act(request, pk, "supervisor-confirm")


@router.post(
    "/defects/{pk}/developer-confirm",
    response=DefectOut,
    summary="建设单位确认并书面回复 / developer confirms and replies (R-R5)",
)
def developer_confirm(request, pk: int, body: DeveloperConfirmIn | None = None):
    return _act(request, pk, "developer-confirm", reply=body.reply if body else "")


@router.post(
    "/defects/{pk}/appraiser",
    response=DefectOut,
    summary="登记共同选定的鉴定机构 / record the jointly chosen appraiser (developer; R-R6)",
)
def choose_appraiser(request, pk: int, body: DefectAppraiserIn):
    return _act(request, pk, "appraiser", appraiser=body.appraiser)


@router.post(
    "/defects/{pk}/appraisal",
    response=DefectOut,
    summary="登记鉴定结论 / record the appraisal (the chosen appraiser, or the developer on its "
    "written finding; R-R6)",
)
def appraisal(request, pk: int, body: DefectAppraisalIn):
    return _act(request, pk, "appraisal", **body.dict())


# --- compliance, final report, evaluation, joint inspection ----------------------------------


@router.get(
    "/engagements/{pk}/compliance",
    response=ComplianceOut,
    summary="检查频次合规 / inspection compliance (R-R4) and exceptions (R-R3)",
)
def compliance(request, pk: int):
    return selectors.compliance(_engagement(request, pk)[1])


@router.post(
    "/engagements/{pk}/final-report",
    response={201: FinalReportOut},
    summary="编制最终检查报告 / write the final report (RMA; R-R7)",
)
def write_final_report(request, pk: int):
    actor, engagement = _engagement(request, pk)
    return Status(201, report_out(services.write_final_report(actor=actor, engagement=engagement)))


@router.get(
    "/engagements/{pk}/final-report",
    response=FinalReportOut,
    summary="最终检查报告 / the final report",
)
def get_final_report(request, pk: int):
    _, engagement = _engagement(request, pk)
    report = selectors.final_report_of(engagement)
    if report is None:
        raise NotFound("final report")
    return report_out(report)


@router.post(
    "/engagements/{pk}/final-report/review",
    response=FinalReportOut,
    summary="审核最终检查报告 / review the final report (lead insurer; R-R7)",
)
def review_final_report(request, pk: int):
    actor, engagement = _engagement(request, pk)
    return report_out(services.review_final_report(actor=actor, engagement=engagement))


@router.post(
    "/engagements/{pk}/evaluation",
    response={201: EvaluationOut},
    summary="评价风险管理机构 / evaluate the RMA (lead insurer; R-R9)",
)
def evaluate(request, pk: int, body: EvaluationIn):
    actor, engagement = _engagement(request, pk)
    evaluation = services.evaluate_rma(
        actor=actor, engagement=engagement, rating=body.rating, reasons=body.reasons
    )
    return Status(201, evaluation_out(evaluation))


@router.post(
    "/permits/{pk}/joint-inspection",
    response={201: JointInspectionOut},
    summary="安排共同查验 / schedule the joint pre-period inspection (developer; R-R8)",
)
def schedule_joint_inspection(request, pk: int, body: JointInspectionIn):
    actor = actor_from_request(request)
    permit = selectors.get_permit(actor=actor, pk=pk)
    joint = services.schedule_joint_inspection(
        actor=actor, permit=permit, scheduled_on=body.scheduled_on
    )
    return Status(
        201,
        {
            "id": joint.pk,
            "permit": joint.permit_id,
            "engagement": joint.engagement_id,
            "scheduled_on": joint.scheduled_on,
        },
    )
