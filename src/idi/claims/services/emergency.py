"""Emergency repairs (R-K6): the insurer's plan (its response time), the response, and the
sweep that escalates an unanswered one once."""

from django.db import transaction
from django.utils import translation

from idi.claims import selectors
from idi.claims.codes import AuditAction, Code
from idi.claims.models import Claim, EmergencyPlan, EmergencyRepair
from idi.claims.services._common import (
    _finish,
    _locked,
    _refuse,
    _require_handler,
    _snapshot,
    _timeline,
)
from idi.core import audit, clock
from idi.core.errors import Forbidden
from idi.core.permissions import SYSTEM, Actor
from idi.notifications import services as deadlines
from idi.parties.models import OrgType


@transaction.atomic
@audit.deferred()
def respond_to_emergency(*, actor: Actor, claim: Claim) -> Claim:
    claim = _locked(claim)
    _require_handler(actor, claim, "登记应急响应", "record the emergency response")
    emergency = EmergencyRepair.objects.select_for_update().filter(claim=claim).first()
    if emergency is None or emergency.responded_at is not None:
        raise _refuse(
            "R-K6",
            "emergency",
            "该案件没有待响应的应急维修",
            "the claim has no emergency repair awaiting a response",
            Code.INVALID_STATE,
        )
    before = _snapshot(claim)
    emergency.responded_at = clock.now()
    emergency.save(update_fields=["responded_at"])
    _timeline(claim, actor, "emergency-response")
    return _finish(actor, claim, AuditAction.RESPOND_TO_EMERGENCY, before)


def sweep_emergencies(*, actor: Actor = SYSTEM) -> int:
    """Escalate, once, each emergency repair whose response time has passed unanswered."""
    handled = 0
    while True:
        with transaction.atomic():
            rows = list(
                EmergencyRepair.objects.select_for_update(skip_locked=True)
                .filter(
                    responded_at__isnull=True, escalated_at__isnull=True, respond_by__lt=clock.now()
                )
                .order_by("id")[:200]
            )
            if not rows:
                return handled
            recipients = selectors.claim_recipients([e.claim_id for e in rows], "escalation")
            names = selectors.describe_claims([e.claim_id for e in rows])
            with translation.override("en"):
                names_en = selectors.describe_claims([e.claim_id for e in rows])
            for e in rows:
                name, link = names[e.claim_id]
                when = e.respond_by.astimezone(clock.LEGAL_TZ).strftime("%Y-%m-%d %H:%M")
                deadlines.notify(
                    actor=actor,
                    recipients=recipients.get(e.claim_id, set()),
                    subject=f"应急维修响应超时：{name}",
                    subject_en=f"Emergency response overdue: {names_en[e.claim_id][0]}",
                    body=f"应于 {when} 前响应",
                    body_en=f"Respond by {when}",
                    link=link,
                )
                e.escalated_at = clock.now()
                e.save(update_fields=["escalated_at"])
                audit.record(
                    actor=actor,
                    action=AuditAction.ESCALATE_EMERGENCY,
                    obj=e,
                    after={"claim": e.claim_id},
                )
            handled += len(rows)


@transaction.atomic
@audit.deferred()
def set_emergency_plan(*, actor: Actor, response_hours: int, hotline: str = "") -> EmergencyPlan:
    """R-K6 / Art. 17: an insurer's emergency response time, in hours."""
    if actor.organisation_type != OrgType.INSURER or not actor.has_role(
        "org_admin", "claims_handler"
    ):
        raise Forbidden("仅保险公司可设定应急预案", "only an insurer sets its emergency plan")
    if not isinstance(response_hours, int) or response_hours <= 0:
        raise _refuse(
            "R-K6",
            "response_hours",
            "响应时限应为正整数小时",
            "the response time must be a positive number of hours",
        )
    plan = (
        EmergencyPlan.objects.select_for_update().filter(insurer_id=actor.organisation_id).first()
    )
    before = {"response_hours": plan.response_hours} if plan else None
    plan = plan or EmergencyPlan(insurer_id=actor.organisation_id)
    plan.response_hours, plan.hotline, plan.set_at = response_hours, hotline, clock.now()
    plan.save()
    audit.record(
        actor=actor,
        action=AuditAction.SET_EMERGENCY_PLAN,
        obj=plan,
        before=before,
        after={"response_hours": response_hours},
    )
    return plan
