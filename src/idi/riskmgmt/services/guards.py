"""Who may submit each form of risk management. A form page is never served to someone who may
not submit it (issue 7): the page runs the guard before it shows the form (403; an object the
actor may not know is a 404 before that), and the service runs the same guard before it writes,
so that the two never disagree."""

from idi.core.errors import Forbidden
from idi.core.permissions import Actor
from idi.projects.models import ConstructionPermit
from idi.riskmgmt.models import Engagement
from idi.riskmgmt.services._common import _require_developer, _require_lead, _require_rma
from idi.underwriting.models import Policy


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
