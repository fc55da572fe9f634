"""Quoted → issued, once everything R-U2..R-U4, R-U11 and R-U12 require holds; and the other
side of R-U3, construction recorded only after issue, whichever app records it."""

from datetime import date
from enum import StrEnum

from django.db import transaction

from idi.core import audit, clock, formats
from idi.core.permissions import Actor
from idi.core.registry import Hook, providers
from idi.projects.models import ConstructionPermit
from idi.projects.services import PermitEvent
from idi.rules import check_issue_before_start, check_start_after_issue
from idi.underwriting import selectors
from idi.underwriting.codes import AuditAction, Code
from idi.underwriting.models import (
    AttachmentKind,
    FundContributionDue,
    Policy,
    PolicyState,
    PremiumPayment,
)
from idi.underwriting.services._common import (
    _lock_planning_permit,
    _locked,
    _not_future,
    _refuse,
    _require_developer_or_lead,
    _snapshot,
    _transition,
)
from idi.underwriting.services.period import _refresh, store_period_if_completed
from idi.underwriting.services.shares import _check_same_lead, _lead_of, _require_valid_shares


class PolicyEvent(StrEnum):
    """What higher apps are told of (Hook.POLICY_EVENTS)."""

    ISSUED = "issued"


def _check_ready_to_issue(policy: Policy, issued_on: date) -> None:
    """Everything R-U2..R-U4, R-U11, R-U12 require of a quoted policy, in the order a developer
    meets them."""
    started = policy.permit.construction_started_on
    if started is not None:
        check_issue_before_start(issued_on=issued_on, started_on=started)
    shares = _require_valid_shares(policy)
    _check_same_lead(policy, _lead_of(shares))
    missing = selectors.missing_attachments(policy)
    if missing:
        labels = "、".join(str(AttachmentKind(kind).label) for kind in missing)
        raise _refuse(
            Code.PREREQUISITE_MISSING,
            "R-U11",
            "attachments",
            f"签发前须由保险公司上传并经建设单位确认：{labels}",
            f"before issue the insurer must attach, and the developer confirm: "
            f"{', '.join(missing)}",
        )
    not_notified = list(selectors.participants_not_notified(policy))
    if not_notified:
        names = "、".join(p.organisation.name for p in not_notified)
        raise _refuse(
            Code.PREREQUISITE_MISSING,
            "R-U12",
            "participants",
            f"尚未书面通知参建单位：{names}",
            f"{len(not_notified)} participant(s) of the project are not notified in writing",
        )
    payment = PremiumPayment.objects.filter(policy=policy).first()
    if payment is None or payment.amount != policy.premium:
        raise _refuse(
            Code.PREREQUISITE_MISSING,
            "R-U3",
            "payment",
            f"保费 {policy.premium} 元须在签发前一次性全额缴纳，尚未登记缴费",
            f"the premium of {policy.premium} must be paid in full in one payment before issue; "
            f"no payment is recorded",
        )
    if payment.paid_on > issued_on:
        raise _refuse(
            Code.OUT_OF_ORDER,
            "R-U3",
            "issued_on",
            f"保费于 {formats.day(payment.paid_on, 'zh-hans')} 缴纳，签发日期不能早于缴费日期",
            f"the premium was paid on {formats.day(payment.paid_on, 'en')}: the policy cannot be "
            "issued before",
        )


@transaction.atomic
def issue_policy(*, actor: Actor, policy: Policy, issued_on: date | None = None) -> Policy:
    """Accepted → issued, and the fund contribution recorded as owed by the lead (R-F1).

    `issued_on` defaults to today; an earlier date records a policy issued before it was
    entered on the platform, and every check is made as of that date.
    """
    _lock_planning_permit(policy)
    policy = _locked(policy)
    _require_developer_or_lead(actor, policy, zh="签发保单", en="issue the policy")
    issued_on = issued_on or clock.today()
    before = _snapshot(policy)
    if policy.state in (PolicyState.DRAFT, PolicyState.QUOTE_REQUESTED, PolicyState.QUOTED):
        raise _refuse(
            Code.NOT_ACCEPTED,
            None,
            "state",
            "只有建设单位接受的报价才能签发：请先询价，由主承保公司报价，建设单位接受后再签发",
            "only an accepted quote can be issued: ask for a quote, have the lead insurer "
            "answer and accept it before issue",
        )
    _transition(policy, PolicyState.ISSUED)
    _not_future(issued_on, "issued_on")
    _check_ready_to_issue(policy, issued_on)
    policy.issued_on = issued_on
    policy.issued_at = clock.now()
    policy.save()
    lead = selectors.lead_share(policy)
    due = FundContributionDue.objects.create(
        policy=policy,
        insurer_id=lead.insurer_id,
        amount=policy.fund_contribution,
        due_since=issued_on,
        recorded_at=clock.now(),
    )
    # The fund books the contribution owed now, in this transaction (Hook.POLICY_EVENTS).
    for listener in providers(Hook.POLICY_EVENTS):
        listener(actor, policy, PolicyEvent.ISSUED)
    audit.record(
        actor=actor, action=AuditAction.ISSUE, obj=policy, before=before, after=_snapshot(policy)
    )
    audit.record(
        actor=actor,
        action=AuditAction.FUND_CONTRIBUTION_DUE,
        obj=due,
        after={"policy": policy.pk, "insurer": lead.insurer_id, "amount": str(due.amount)},
    )
    # A policy entered after the fact (issued_on in the past) may find completion recorded.
    store_period_if_completed(actor, policy)
    return _refresh(actor=actor, policy=policy)


def guard_construction_start(permit: ConstructionPermit, event: str, on: date) -> None:
    """Hook.PERMIT_GUARDS (R-U3): construction is recorded only after the permit's policy is
    issued, dated no earlier than the issue. A permit without a live policy is not guarded:
    insurance is required of affordable housing and only encouraged for commercial housing
    (Art. 3), and the platform knows that a permit is to be insured only from its policy."""
    if event != PermitEvent.CONSTRUCTION_STARTED:
        return
    policy = Policy.objects.filter(permit_id=permit.pk).exclude(state=PolicyState.CANCELLED).first()
    if policy is not None:
        check_start_after_issue(issued_on=policy.issued_on, started_on=on)
