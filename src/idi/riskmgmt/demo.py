"""Demo data of risk management, on top of the underwriting demo, written through the services:

- 云栖安置房 (PERMIT_YUNQI): the lead insurer engages the RMA; kickoff and plan are recorded,
  then construction starts on the first day of the previous month (underwriting's
  yunqi_start), the foundation stage with it. That month had one inspection, one short of R-R4
  (the regulators' check); this month has today's, so the RMA still owes one (R-R4), whatever
  the day. Today's inspection found four defects, one in each part of the loop: closed with an
  after-photo, confirmed and waiting for the contractor, disputed (the parties have chosen the
  appraiser, whose finding is awaited, R-R6), and just recorded (a major one, so completion
  acceptance would be refused, R-R7).
- 西溪云庐 (PERMIT_XIXI, completed): the engagement's inspections of 2024-2025, every defect
  closed, the final report reviewed and the RMA rated (R-R9), for the regulator's view.
"""

from datetime import date, timedelta

from django.core.files.base import ContentFile

from idi.core import clock
from idi.parties import demo as parties_demo
from idi.parties.selectors import actor_for_user
from idi.projects import demo as projects_demo
from idi.projects import services as projects
from idi.projects.models import Building, ConstructionPermit
from idi.riskmgmt import services
from idi.riskmgmt.models import Engagement
from idi.rules import PlannedStage
from idi.underwriting.demo import yunqi_start
from idi.underwriting.models import Policy

# A valid 1×1 PNG (signature, IHDR, IDAT, IEND with their CRCs).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000b49444154"
    "789c6360000200000500017a5eab3f0000000049454e44ae426082"
)


def _actor(organisation_name: str):
    member = parties_demo.organisation(organisation_name).members.order_by("id").first()
    return actor_for_user(member.user)


def load(*, password: str) -> list[tuple[str, str]]:
    if Engagement.objects.exists():
        return []
    _yunqi()
    _xixi()
    return []


def _engage(permit_number: str, *, signed_on: date, letter_to: date) -> Engagement:
    policy = Policy.objects.get(permit__number=permit_number)
    return services.appoint_rma(
        actor=_actor(parties_demo.INSURER_LEAD),
        policy=policy,
        rma=parties_demo.organisation(parties_demo.RMA).pk,
        fee=policy.risk_management_fee,
        contract_signed_on=signed_on,
        letter_valid_from=signed_on,
        letter_valid_to=letter_to,
    )


def _finding(
    building: Building, floor: int, part: str, category: str, grade: str, what: str, fix: str
):
    return services.DefectInput(
        building=building.pk,
        floor=floor,
        part=part,
        category=category,
        grade=grade,
        description=what,
        proposal=fix,
    )


def _close(defect, *, contractor, supervisor, developer, responsible: int) -> None:
    services.confirm_defect(actor=developer, defect=defect, responsible=responsible)
    services.upload_evidence(
        actor=contractor, defect=defect, stage="after", upload=ContentFile(PNG, name="after.png")
    )
    services.rectify_defect(actor=contractor, defect=defect, explanation="已按建议返工并复检合格")
    services.supervisor_confirm_defect(actor=supervisor, defect=defect)
    services.developer_confirm_defect(
        actor=developer, defect=defect, reply="整改完成，特此书面回复"
    )


def _yunqi() -> None:
    today = clock.today()
    start = yunqi_start()
    developer = _actor(parties_demo.DEVELOPER_XIHU)
    rma = _actor(parties_demo.RMA)
    contractor = _actor(parties_demo.CONTRACTOR)
    supervisor = _actor(parties_demo.SUPERVISOR)
    engagement = _engage(
        projects_demo.PERMIT_YUNQI,
        signed_on=start - timedelta(days=14),
        letter_to=today + timedelta(days=900),
    )
    services.record_kickoff(
        actor=developer,
        engagement=engagement,
        held_on=start - timedelta(days=7),
        attendees=[
            "建设单位 项目经理",
            "钱江财险 承保人员",
            "风险管理机构 褚工",
            "施工单位 卫东",
            "监理单位 蒋平",
        ],
        minutes="风险管理机构告知地基基础、主体结构、防水与保温的质量风险点及过程检查方式；参建各方配合检查。",
    )
    services.set_plan(
        actor=rma,
        engagement=engagement,
        stages=[
            PlannedStage("foundation", start, start + timedelta(days=120)),
            PlannedStage(
                "main_structure", start + timedelta(days=121), start + timedelta(days=420)
            ),
            PlannedStage("decoration", start + timedelta(days=421), start + timedelta(days=600)),
        ],
        submitted_on=start - timedelta(days=5),
    )
    permit = ConstructionPermit.objects.get(number=projects_demo.PERMIT_YUNQI)
    projects.record_construction_start(actor=developer, permit=permit, started_on=start)
    # That day found nothing: the demo's four defects are today's.
    services.record_inspection(
        actor=rma,
        engagement=engagement,
        inspected_on=start + timedelta(days=14),
        stage="foundation",
        inspectors=["褚工"],
        scope="基坑开挖与支护、降水",
        risk_analysis="基坑变形监测数据正常，未发现缺陷。",
        defects=[],
    )
    one, two = Building.objects.filter(permit=permit).order_by("name")
    inspection = services.record_inspection(
        actor=rma,
        engagement=engagement,
        inspected_on=today,
        stage="foundation",
        inspectors=["褚工", "王工"],
        scope="基坑支护、工程桩检测报告、地下室底板防水",
        risk_analysis="地下室底板防水卷材搭接不足，后期渗漏风险较高；桩基检测资料不全。",
        defects=[
            _finding(
                one,
                -2,
                "地下室底板",
                "waterproofing",
                "C",
                "防水卷材搭接宽度不足 80 mm",
                "返工，搭接不少于 100 mm",
            ),
            _finding(
                one,
                -1,
                "地下室外墙",
                "waterproofing",
                "B",
                "止水螺杆未割除封堵",
                "割除并用防水砂浆封堵",
            ),
            _finding(
                two,
                -2,
                "承台",
                "foundation_structure",
                "D",
                "承台钢筋保护层厚度不足",
                "加设垫块，浇筑前复检",
            ),
            _finding(
                two,
                -1,
                "基坑支护",
                "foundation_structure",
                "R",
                "桩基检测报告未提供",
                "补充检测报告",
            ),
        ],
    )
    closed, assigned, disputed, _recorded = inspection.defects.order_by("id")
    contractor_id = parties_demo.organisation(parties_demo.CONTRACTOR).pk
    _close(
        closed,
        contractor=contractor,
        supervisor=supervisor,
        developer=developer,
        responsible=contractor_id,
    )
    services.confirm_defect(actor=developer, defect=assigned, responsible=contractor_id)
    services.dispute_defect(
        actor=contractor, defect=disputed, reason="保护层实测满足设计要求，申请鉴定"
    )
    _choose_appraiser(disputed, developer=developer)


def _choose_appraiser(defect, *, developer) -> None:
    """R-R6: the developer records the appraiser the parties chose; its finding stays to do."""
    services.choose_appraiser(
        actor=developer,
        defect=defect,
        appraiser=parties_demo.organisation(parties_demo.APPRAISER).pk,
    )


def _xixi() -> None:
    developer = _actor(parties_demo.DEVELOPER_XIHU)
    rma = _actor(parties_demo.RMA)
    contractor = _actor(parties_demo.CONTRACTOR)
    supervisor = _actor(parties_demo.SUPERVISOR)
    lead = _actor(parties_demo.INSURER_LEAD)
    engagement = _engage(
        projects_demo.PERMIT_XIXI, signed_on=date(2024, 6, 20), letter_to=date(2026, 12, 31)
    )
    permit = ConstructionPermit.objects.get(number=projects_demo.PERMIT_XIXI)
    building = Building.objects.filter(permit=permit).order_by("name").first()
    contractor_id = parties_demo.organisation(parties_demo.CONTRACTOR).pk
    for inspected_on, stage, finding in (
        (
            date(2024, 7, 15),
            "foundation",
            _finding(building, -1, "地下室顶板", "waterproofing", "C", "后浇带渗水", "注浆堵漏"),
        ),
        (
            date(2025, 3, 12),
            "main_structure",
            _finding(
                building,
                9,
                "阳台悬挑板",
                "foundation_structure",
                "D",
                "悬挑板根部裂缝",
                "结构检测后加固",
            ),
        ),
        (
            date(2025, 11, 5),
            "decoration",
            _finding(building, 18, "屋面", "insulation", "B", "保温板拼缝不严", "拼缝处理后复查"),
        ),
    ):
        inspection = services.record_inspection(
            actor=rma,
            engagement=engagement,
            inspected_on=inspected_on,
            stage=stage,
            inspectors=["褚工"],
            scope="按检查计划抽查",
            risk_analysis="已提出处理建议，整改后风险可控。",
            defects=[finding],
        )
        _close(
            inspection.defects.get(),
            contractor=contractor,
            supervisor=supervisor,
            developer=developer,
            responsible=contractor_id,
        )
    services.write_final_report(actor=rma, engagement=engagement)
    services.review_final_report(actor=lead, engagement=engagement)
    services.evaluate_rma(
        actor=lead,
        engagement=engagement,
        rating=4,
        reasons="检查及时、建议具体，重大缺陷均已闭环；个别月份检查次数不足。",
    )
