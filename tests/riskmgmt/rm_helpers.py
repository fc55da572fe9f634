"""Helpers of the risk-management tests: the world (the underwriting world with an issued policy,
an RMA, an appraiser, the guarantee institution), the engagement and the flow via the services."""

from contextlib import contextmanager
from datetime import date

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from uw_helpers import MIN_RM_FEE, PNG_BYTES, TODAY, Party, build_world, issued, make_org, make_user

from idi.core.models import AuditEvent
from idi.parties.models import OrgType
from idi.projects.models import ConstructionPermit
from idi.riskmgmt import services
from idi.riskmgmt.models import Engagement
from idi.rules import PlannedStage

LETTER_FROM = date(2025, 3, 1)
LETTER_TO = date(2027, 12, 31)


def build_rm_world():
    w = build_world()
    rma = make_org("浙江工程质量风险管理有限公司", OrgType.RMA)
    other_rma = make_org("之江风险管理有限公司", OrgType.RMA)
    w.rma = Party(rma, make_user("rma", rma, roles=("inspector",)))
    w.other_rma = Party(other_rma, make_user("rma2", other_rma, roles=("inspector",)))
    w.appraiser = make_org("浙江建设工程质量鉴定中心", OrgType.APPRAISER)
    guarantee = make_org("杭州住宅质量保障中心", OrgType.GUARANTEE_INSTITUTION)
    w.guarantee = Party(guarantee, make_user("guarantee", guarantee))
    w.policy = issued(w)
    return w


def engage(w, **changes) -> Engagement:
    values = {
        "rma": w.rma.org.pk,
        "fee": MIN_RM_FEE,
        "contract_signed_on": TODAY,
        "letter_valid_from": LETTER_FROM,
        "letter_valid_to": LETTER_TO,
    }
    values.update(changes)
    return services.appoint_rma(actor=w.lead.actor, policy=w.policy, **values)


def finding(w, **changes) -> services.DefectInput:
    values = {
        "building": w.building.pk,
        "floor": 3,
        "part": "屋面防水层",
        "category": "waterproofing",
        "grade": "D",
        "description": "卷材搭接宽度不足",
        "proposal": "返工，搭接不少于 100 mm",
    }
    values.update(changes)
    return services.DefectInput(**values)


def inspect(w, engagement, *findings, **changes):
    values = {
        "inspected_on": TODAY,
        "stage": "main_structure",
        "inspectors": ["褚工", "王工"],
        "scope": "主体结构及屋面防水",
        "risk_analysis": "屋面渗漏风险较高",
        "defects": list(findings) or [finding(w)],
    }
    values.update(changes)
    return services.record_inspection(actor=w.rma.actor, engagement=engagement, **values)


def plan(w, engagement, *stages):
    stages = stages or (
        PlannedStage("foundation", date(2025, 1, 10), date(2025, 2, 14)),
        PlannedStage("main_structure", date(2025, 2, 15), date(2025, 8, 31)),
    )
    return services.set_plan(actor=w.rma.actor, engagement=engagement, stages=list(stages))


def kickoff(w, engagement, held_on=TODAY):
    return services.record_kickoff(
        actor=w.developer.actor,
        engagement=engagement,
        held_on=held_on,
        attendees=["建设单位 张", "风险管理机构 褚工"],
        minutes="告知质量风险点与检查方式",
    )


def photo(name="after.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def close(w, defect):
    """Drive a recorded defect to closed through every step (R-R5)."""
    services.confirm_defect(actor=w.developer.actor, defect=defect, responsible=w.contractor.org.pk)
    services.upload_evidence(actor=w.contractor.actor, defect=defect, stage="after", upload=photo())
    services.rectify_defect(actor=w.contractor.actor, defect=defect, explanation="已返工")
    services.supervisor_confirm_defect(actor=w.supervisor.actor, defect=defect)
    return services.developer_confirm_defect(actor=w.developer.actor, defect=defect, reply="已整改")


def _state() -> dict:
    state = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("riskmgmt").get_models()
    }
    state["permits"] = list(ConstructionPermit.objects.order_by("pk").values())
    state["audit_events"] = AuditEvent.objects.count()
    return state


@contextmanager
def rm_nothing_written():
    """The block must leave every risk-management table, the permits and the audit log as they
    were (underwriting's `nothing_written` covers the underwriting tables)."""
    before = _state()
    yield
    assert _state() == before
