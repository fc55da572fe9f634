"""Engaging the risk-management agency (R-U7 fee, R-R1 letter, R-R2 independence), the kickoff
and the inspection plan before construction (R-R3)."""

from datetime import date

from django.db import transaction

from idi.core import audit, clock
from idi.core.formats import in_language
from idi.core.permissions import Actor
from idi.parties.models import Organisation, OrgType, RelationshipKind
from idi.parties.selectors import relationships_of
from idi.projects.models import Participant, ParticipantRole
from idi.riskmgmt import selectors
from idi.riskmgmt.codes import AuditAction, Code
from idi.riskmgmt.models import (
    Engagement,
    PlannedStage,
)
from idi.riskmgmt.services import guards
from idi.riskmgmt.services._common import (
    ENGAGEABLE_POLICY_STATES,
    _lock_engagement,
    _money,
    _names,
    _not_future,
    _org,
    _refuse,
    _text,
)
from idi.rules import PlannedStage as PlanItem
from idi.rules import check_plan, check_risk_management_fee
from idi.underwriting.models import Policy

# --- engagement (R-U7, R-R1, R-R2) ------------------------------------------------------------


def _independence(rma: Organisation, policy: Policy) -> None:
    """R-R2 (Art. 11): no relationship with, and no part in the work of, the project's parties."""
    project = policy.permit.project
    participations = Participant.objects.filter(project=project).select_related("organisation")
    own = [p for p in participations if p.organisation_id == rma.pk]
    if own:
        role = ParticipantRole(own[0].role).label
        raise _refuse(
            "R-R2",
            "rma",
            f"{rma.name} 是本项目的{in_language(role, 'zh-hans')}，不能担任风险管理机构，"
            "请另选与本项目无关的机构",
            f"{rma.name} works on this project as {in_language(role, 'en').lower()} and cannot "
            "be its RMA; choose an agency with no part in the project",
            Code.NOT_INDEPENDENT,
        )
    parties = {p.organisation_id: ParticipantRole(p.role).label for p in participations}
    parties[project.developer_id] = OrgType.DEVELOPER.label
    for relation in relationships_of(rma.pk):
        other = relation.to_org if relation.from_org_id == rma.pk else relation.from_org
        if other.pk in parties:
            kind = RelationshipKind(relation.kind).label
            raise _refuse(
                "R-R2",
                "rma",
                f"{rma.name} 与本项目{in_language(parties[other.pk], 'zh-hans')} {other.name} "
                f"存在{in_language(kind, 'zh-hans')}，不能担任风险管理机构，请另选机构",
                f"{rma.name} has a declared relationship ({in_language(kind, 'en').lower()}) "
                f"with {other.name}, a party of this project; choose another agency",
                Code.NOT_INDEPENDENT,
            )


@transaction.atomic
def appoint_rma(
    *,
    actor: Actor,
    policy: Policy,
    rma: int | Organisation,
    fee,
    contract_signed_on: date,
    letter_valid_from: date,
    letter_valid_to: date,
) -> Engagement:
    """The lead insurer appoints an RMA by written contract and authorisation letter (R-R1)."""
    policy = (
        Policy.objects.select_for_update(of=("self",))
        .select_related("permit__project")
        .get(pk=policy.pk)
    )
    guards.may_appoint_rma(actor, policy)
    if policy.state not in ENGAGEABLE_POLICY_STATES:
        raise _refuse(
            "R-R1",
            "policy",
            "保险合同签发后方可委托风险管理机构",
            "an RMA is appointed once the policy is issued",
            Code.POLICY_NOT_IN_FORCE,
        )
    if Engagement.objects.filter(policy=policy).exists():
        raise _refuse(
            "R-R1",
            "policy",
            "本保单已委托风险管理机构",
            "the policy has an RMA",
            Code.ALREADY_RECORDED,
        )
    org = _org(rma, "rma", rule="R-R1")
    if org.org_type != OrgType.RMA:
        raise _refuse("R-R1", "rma", f"{org.name} 不是风险管理机构", f"{org.name} is not an RMA")
    amount = _money(fee, "fee", rule="R-U7")
    check_risk_management_fee(selectors.pack_of_policy(policy), policy.premium, amount)
    _not_future(contract_signed_on, "contract_signed_on", "R-R1")
    if letter_valid_to < letter_valid_from:
        raise _refuse(
            "R-R1",
            "letter_valid_to",
            "授权书有效期止早于起始日期",
            "the letter's validity ends before it starts",
        )
    _independence(org, policy)
    engagement = Engagement.objects.create(
        policy=policy,
        project=policy.permit.project,
        rma=org,
        fee=amount,
        contract_signed_on=contract_signed_on,
        letter_valid_from=letter_valid_from,
        letter_valid_to=letter_valid_to,
        appointed_by_id=actor.user_id,
        appointed_at=clock.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.APPOINT_RMA,
        obj=engagement,
        after={
            "policy": policy.pk,
            "rma": org.pk,
            "fee": str(amount),
            "contract_signed_on": contract_signed_on,
            "letter_valid_from": letter_valid_from,
            "letter_valid_to": letter_valid_to,
        },
    )
    return engagement


# --- before construction (R-R3) ---------------------------------------------------------------


@transaction.atomic
def record_kickoff(
    *, actor: Actor, engagement: Engagement, held_on: date, attendees: list[str], minutes: str
) -> Engagement:
    """风险管理交底会: organised by the developer, held with the RMA; minutes recorded (R-R3)."""
    engagement = _lock_engagement(engagement)
    guards.may_record_kickoff(actor, engagement)
    if engagement.kickoff_held_on is not None:
        raise _refuse(
            "R-R3", "held_on", "交底会已登记", "the kickoff is recorded", Code.ALREADY_RECORDED
        )
    _not_future(held_on, "held_on", "R-R3")
    names = _names(attendees, "attendees", rule="R-R3", zh="参会人员", en="attendees")
    minutes = _text(minutes, "minutes", rule="R-R3", zh="会议纪要", en="the minutes")
    engagement.kickoff_held_on = held_on
    engagement.kickoff_attendees = names
    engagement.kickoff_minutes = minutes
    engagement.save(update_fields=["kickoff_held_on", "kickoff_attendees", "kickoff_minutes"])
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_KICKOFF,
        obj=engagement,
        after={"held_on": held_on, "attendees": names},
    )
    return engagement


@transaction.atomic
def set_plan(
    *,
    actor: Actor,
    engagement: Engagement,
    stages: list[PlanItem],
    submitted_on: date | None = None,
) -> Engagement:
    """The RMA's inspection plan: stages with their planned spans (R-R3, R-R4).

    `submitted_on` defaults to today; an earlier date records a plan submitted before it was
    entered on the platform (as a policy's issue date), which R-R3 compares with the start of
    construction. It dates the first plan only: a revision keeps it."""
    engagement = _lock_engagement(engagement)
    guards.may_set_plan(actor, engagement)
    submitted_on = _not_future(submitted_on or clock.today(), "submitted_on", "R-R3")
    checked = check_plan(selectors.pack_of(engagement), stages)
    before = selectors.plan_rows(engagement)
    PlannedStage.objects.filter(engagement=engagement).delete()
    PlannedStage.objects.bulk_create(
        PlannedStage(engagement=engagement, stage=s.stage, starts_on=s.starts_on, ends_on=s.ends_on)
        for s in checked
    )
    if engagement.plan_set_on is None:
        engagement.plan_set_on = submitted_on
        engagement.save(update_fields=["plan_set_on"])
    audit.record(
        actor=actor,
        action=AuditAction.SET_PLAN,
        obj=engagement,
        before={"stages": before},
        after={"stages": selectors.plan_rows(engagement), "plan_set_on": engagement.plan_set_on},
    )
    return engagement
