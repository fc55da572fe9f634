"""What every family of risk-management writes shares: refusals, input checks, who may act and
the engagement lock."""

from datetime import date
from decimal import Decimal, InvalidOperation

from idi.core import clock, formats
from idi.core.errors import Forbidden, RuleViolation
from idi.core.limits import MAX_TEXT, too_long
from idi.core.permissions import Actor
from idi.parties.models import Organisation, OrgType
from idi.riskmgmt import selectors
from idi.riskmgmt.codes import Code
from idi.riskmgmt.models import (
    DefectStatus,
    Engagement,
)
from idi.underwriting.models import Policy, PolicyState
from idi.underwriting.selectors import UNDERWRITING_ROLES

S = DefectStatus

# Evidence is taken while the defect is still open for rectification.
EVIDENCE_STATUSES = (S.RECORDED, S.DISPUTED, S.CONFIRMED)
JOINT_INSPECTION = "joint_inspection"  # the pack's deadline kind (R-R8)
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
        raise _refuse(
            rule,
            field,
            f"日期 {formats.day(day, 'zh-hans')} 晚于今天",
            f"the date {formats.day(day, 'en')} is in the future",
        )
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
    if actor.is_operator:
        return
    if actor.organisation_id != selectors.lead_insurer_id(policy) or not actor.has_role(
        *UNDERWRITING_ROLES
    ):
        raise Forbidden(
            f"仅主承保公司的承保人员可{what}", "only the lead insurer's underwriters may do this"
        )


def _require_rma(actor: Actor, engagement: Engagement, what: str) -> None:
    if actor.organisation_id != engagement.rma_id:
        raise Forbidden(f"仅受托风险管理机构可{what}", "only the engaged RMA may do this")


def _require_developer(actor: Actor, project_developer_id: int, what: str) -> None:
    if (
        actor.organisation_type != OrgType.DEVELOPER
        or actor.organisation_id != project_developer_id
    ):
        raise Forbidden(f"仅本项目建设单位可{what}", "only the project's developer may do this")


def _lock_engagement(engagement: Engagement) -> Engagement:
    return (
        Engagement.objects.select_for_update(of=("self",))
        .select_related("policy__permit", "project")
        .get(pk=engagement.pk)
    )
