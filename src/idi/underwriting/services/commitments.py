"""What is promised before issue: the claims service standards (R-U13) and the written notice
to every participant of the project (R-U12)."""

from dataclasses import dataclass

from django.db import transaction

from idi.core import audit, clock
from idi.core.errors import Forbidden
from idi.core.limits import MAX_DAYS, check_range
from idi.core.permissions import Actor
from idi.rules import CLAIMS_STANDARD_FIELDS, RulePack, check_claims_standard
from idi.underwriting import selectors
from idi.underwriting.codes import AuditAction, Code
from idi.underwriting.models import ClaimsServiceStandard, ParticipantNotice, Policy
from idi.underwriting.services import guards
from idi.underwriting.services._common import (
    _locked,
    _refuse,
    _require_developer,
    _require_state,
)
from idi.underwriting.transitions import EDITABLE_STATES, LIVE_STATES


@dataclass(frozen=True)
class ClaimsStandardInput:
    days_to_accept: int
    days_to_survey: int
    days_to_determine: int
    days_to_repair: int


def _check_claims_standard(pack: RulePack, standard: ClaimsStandardInput) -> None:
    """R-U13 (idi.rules), within the platform's limits of a number of days."""
    days = {name: getattr(standard, name) for name in CLAIMS_STANDARD_FIELDS}
    for name, value in days.items():
        if value is not None and value > 0:
            check_range(name, value, high=MAX_DAYS)
    check_claims_standard(pack, days)


@transaction.atomic
def set_claims_standards(
    *, actor: Actor, policy: Policy, standard: ClaimsStandardInput
) -> ClaimsServiceStandard:
    """R-U13: the lead insurer's committed claims times, stored with the policy before issue."""
    policy = _locked(policy)
    guards.may_set_claims_standards(actor, policy)
    _require_state(policy, EDITABLE_STATES, zh="修改理赔服务标准", en="change its standards")
    _check_claims_standard(selectors.pack_of(policy), standard)
    existing = ClaimsServiceStandard.objects.filter(policy=policy).first()
    fields = CLAIMS_STANDARD_FIELDS
    before = {f: getattr(existing, f) for f in fields} if existing else None
    row = existing or ClaimsServiceStandard(policy=policy)
    for name in fields:
        setattr(row, name, getattr(standard, name))
    row.set_by_id = actor.user_id
    row.set_at = clock.now()
    row.save()
    audit.record(
        actor=actor,
        action=AuditAction.SET_CLAIMS_STANDARDS,
        obj=row,
        before=before,
        after={f: getattr(row, f) for f in fields},
    )
    return row


@transaction.atomic
def notify_participants(*, actor: Actor, policy: Policy) -> list[ParticipantNotice]:
    """R-U12: the developer's written notice to every participant not yet notified."""
    policy = _locked(policy)
    _require_developer(actor, policy, zh="通知参建单位", en="notify the participants")
    _require_state(
        policy, (*EDITABLE_STATES, *LIVE_STATES), zh="通知参建单位", en="notify participants"
    )
    pending = list(selectors.participants_not_notified(policy))
    if not pending:
        raise _refuse(
            Code.NOTHING_TO_DO,
            None,
            "participants",
            "没有待通知的参建单位（均已通知，或项目尚未登记参建单位）",
            "no participant to notify (all notified, or none registered for the project)",
        )
    now = clock.now()
    notices = []
    for participant in pending:
        notice = ParticipantNotice.objects.create(
            policy=policy, participant=participant, notified_at=now, notified_by_id=actor.user_id
        )
        audit.record(
            actor=actor,
            action=AuditAction.NOTIFY_PARTICIPANT,
            obj=notice,
            after={"policy": policy.pk, "participant": participant.pk},
        )
        notices.append(notice)
    return notices


@transaction.atomic
def acknowledge_notice(*, actor: Actor, notice: ParticipantNotice) -> ParticipantNotice:
    """R-U12: a user of the notified organisation acknowledges the notice."""
    notice = (
        ParticipantNotice.objects.select_for_update()
        .select_related("participant")
        .get(pk=notice.pk)
    )
    if actor.organisation_id != notice.participant.organisation_id:
        raise Forbidden(
            "仅被通知单位的人员可确认收到", "only the notified organisation may acknowledge"
        )
    if notice.acknowledged_at is not None:
        raise _refuse(
            Code.ALREADY_RECORDED,
            None,
            "notice",
            "该通知已确认收到",
            "the notice is already acknowledged",
        )
    notice.acknowledged_at = clock.now()
    notice.acknowledged_by_id = actor.user_id
    notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit.record(
        actor=actor,
        action=AuditAction.ACKNOWLEDGE_NOTICE,
        obj=notice,
        before={"acknowledged": False},
        after={"acknowledged": True},
    )
    return notice
