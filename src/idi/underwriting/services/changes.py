"""Changes after issue: a change of terms or insurers, or a cancellation, carried out once
every buyer consented and the regulator was told (R-U8) and, to cancel in force, the
maintenance deposit is paid (R-U9)."""

from datetime import date

from django.db import transaction

from idi.core import audit, clock
from idi.core.errors import Forbidden
from idi.core.formats import in_language
from idi.core.limits import check_length
from idi.core.permissions import Actor
from idi.parties.models import District, Organisation, OrgType
from idi.projects.models import Sale, Unit
from idi.underwriting import selectors
from idi.underwriting.codes import AuditAction, Code
from idi.underwriting.models import (
    BuyerConsent,
    ChangeKind,
    ChangeRequest,
    ChangeState,
    FundContributionDue,
    MaintenanceDeposit,
    Policy,
    PolicyState,
    RegulatorReport,
)
from idi.underwriting.services import guards
from idi.underwriting.services._common import (
    _lock_planning_permit,
    _locked,
    _not_future,
    _refuse,
    _require_state,
    _snapshot,
    _transition,
)
from idi.underwriting.services.drafting import (
    Terms,
    _additional_snapshot,
    _apply_terms,
    _check_terms,
)
from idi.underwriting.services.period import store_period_if_completed
from idi.underwriting.services.shares import (
    ShareInput,
    _check_same_lead,
    _check_share_inputs,
    _lead_of,
    _replace_shares,
    _shares_snapshot,
)
from idi.underwriting.transitions import CHANGE_TRANSITIONS, EDITABLE_STATES, LIVE_STATES


def _check_consents(change: ChangeRequest) -> None:
    """R-U8: once any unit of the project is sold, every buyer's written consent and the report
    to the district regulator, before the change."""
    if not selectors.project_has_sales(change.policy):
        return
    count, first = selectors.missing_consents(change)
    if count:
        names = "、".join(f"{d.unit} {d.buyer_name}" for d in first)
        more = "等" if count > len(first) else ""
        raise _refuse(
            Code.CONSENT_MISSING,
            "R-U8",
            "consents",
            f"项目已有房屋售出：尚缺 {count} 位购房人的书面同意（{names}{more}）",
            f"units of the project are sold: written consent of {count} buyer(s) is still missing",
        )
    if not RegulatorReport.objects.filter(change_request=change).exists():
        raise _refuse(
            Code.REPORT_MISSING,
            "R-U8",
            "regulator_report",
            "项目已有房屋售出：尚未记录向区县建设行政主管部门的报告",
            "units of the project are sold: the report to the district regulator is not recorded",
        )


@transaction.atomic
def open_change_request(
    *,
    actor: Actor,
    policy: Policy,
    kind: str,
    reason: str,
    terms: Terms | None = None,
    shares: list[ShareInput] | None = None,
) -> ChangeRequest:
    """A proposed cancellation or change of an issued policy; the proposal is checked now, the
    consents (R-U8) and the deposit (R-U9) when it is carried out."""
    check_length(ChangeRequest, "reason", reason)
    _lock_planning_permit(policy)
    policy = _locked(policy)
    guards.may_open_change(actor, policy)
    _require_state(policy, LIVE_STATES, zh="申请变更或退保", en="be changed or cancelled")
    if kind not in ChangeKind.values:
        raise _refuse(
            Code.INVALID_CHOICE,
            None,
            "kind",
            f"未知的变更类型“{kind}”",
            f"unknown change kind '{kind}'",
        )
    if ChangeRequest.objects.filter(policy=policy, state=ChangeState.OPEN).exists():
        raise _refuse(
            Code.CHANGE_OPEN,
            None,
            "kind",
            "本保单已有办理中的变更申请，请先执行或撤回",
            "the policy already has an open change request: carry it out or withdraw it first",
        )
    if not reason.strip():
        raise _refuse(Code.REQUIRED, None, "reason", "请填写变更原因", "a reason is required")
    proposed: dict = {}
    if kind == ChangeKind.CHANGE_TERMS:
        if terms is None:
            raise _refuse(
                Code.REQUIRED, None, "terms", "请填写变更后的保险条款", "the new terms are required"
            )
        if terms.rate is None:
            raise _refuse(
                Code.REQUIRED,
                "R-U5",
                "rate",
                "变更保险条款须写明双方重新商定的费率和风险管理费",
                "a change of terms states the rate and risk-management fee agreed again",
            )
        _check_terms(selectors.pack_of(policy), policy.permit, terms)
        proposed = {"terms": terms.to_json()}
    elif kind == ChangeKind.CHANGE_INSURER:
        if not shares:
            raise _refuse(
                Code.REQUIRED,
                None,
                "shares",
                "请填写变更后的承保份额",
                "the new shares are required",
            )
        _check_share_inputs(selectors.pack_of(policy), shares)
        _check_same_lead(policy, _lead_of(shares))
        proposed = {"shares": [s.to_json() for s in shares]}
    change = ChangeRequest.objects.create(
        policy=policy,
        kind=kind,
        reason=reason.strip(),
        proposed=proposed,
        requested_by_id=actor.user_id,
        requested_by_org_id=actor.organisation_id,
        requested_at=clock.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.OPEN_CHANGE,
        obj=change,
        after={"policy": policy.pk, "kind": kind, "proposed": proposed},
    )
    return change


def _locked_open_change(change: ChangeRequest) -> ChangeRequest:
    change = ChangeRequest.objects.select_for_update().select_related("policy").get(pk=change.pk)
    if change.state != ChangeState.OPEN:
        raise _refuse(
            Code.INVALID_STATE,
            None,
            "change_request",
            f"该变更申请已{in_language(ChangeState(change.state).label, 'zh-hans')}，"
            "如需变更请重新申请",
            f"the change request is already "
            f"{in_language(ChangeState(change.state).label, 'en').lower()}; open a new one "
            "to change the policy",
        )
    return change


@transaction.atomic
def record_buyer_consent(
    *, actor: Actor, change: ChangeRequest, unit: Unit, buyer_id: int, consented_on: date
) -> BuyerConsent:
    """R-U8: one buyer's written consent, recorded by the developer or by the buyer."""
    change = _locked_open_change(change)
    policy = change.policy
    if not (selectors.is_developer_of(actor, policy) or actor.user_id == buyer_id):
        raise Forbidden(
            "仅建设单位或购房人本人可登记书面同意",
            "only the developer or the buyer may record a consent",
        )
    sale = Sale.objects.filter(unit=unit, unit__project_id=policy.permit.project_id).first()
    if sale is None:
        raise _refuse(
            Code.INVALID,
            None,
            "unit",
            f"{unit} 不是本项目已售房屋",
            f"{unit} is not a sold unit of the project",
        )
    if not sale.buyers.filter(pk=buyer_id).exists():
        raise _refuse(
            Code.WRONG_PARTY,
            None,
            "buyer",
            f"该人员不是 {unit} 的购房人",
            f"this person is not a buyer of {unit}",
        )
    _not_future(consented_on, "consented_on")
    if BuyerConsent.objects.filter(change_request=change, unit=unit, buyer_id=buyer_id).exists():
        raise _refuse(
            Code.ALREADY_RECORDED,
            None,
            "buyer",
            "该购房人的书面同意已登记",
            "this buyer's consent is already recorded",
        )
    consent = BuyerConsent.objects.create(
        change_request=change,
        unit=unit,
        buyer_id=buyer_id,
        consented_on=consented_on,
        recorded_by_id=actor.user_id,
        recorded_at=clock.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_CONSENT,
        obj=consent,
        after={"change_request": change.pk, "unit": unit.pk, "buyer": buyer_id},
    )
    return consent


@transaction.atomic
def record_regulator_report(
    *, actor: Actor, change: ChangeRequest, reported_on: date, reference: str = ""
) -> RegulatorReport:
    """R-U8: the change reported to the project's district regulator (recorded by the developer,
    or by the regulator itself on receipt)."""
    check_length(RegulatorReport, "reference", reference)
    change = _locked_open_change(change)
    policy = change.policy
    district = policy.permit.project.district
    is_regulator = actor.organisation_type == OrgType.REGULATOR and actor.district in (
        district,
        District.CITY,
    )
    if not (selectors.is_developer_of(actor, policy) or is_regulator):
        raise Forbidden(
            "仅建设单位或主管部门可登记报告", "only the developer or the regulator may record it"
        )
    if RegulatorReport.objects.filter(change_request=change).exists():
        raise _refuse(
            Code.ALREADY_RECORDED,
            None,
            "regulator_report",
            "报告已登记",
            "the report is already recorded",
        )
    _not_future(reported_on, "reported_on")
    regulator = (
        Organisation.objects.filter(pk=actor.organisation_id).first()
        if is_regulator
        else Organisation.objects.filter(org_type=OrgType.REGULATOR, district=district)
        .order_by("id")
        .first()
    )
    report = RegulatorReport.objects.create(
        change_request=change,
        district=district,
        regulator=regulator,
        reported_on=reported_on,
        reference=reference,
        recorded_by_id=actor.user_id,
        recorded_at=clock.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_REGULATOR_REPORT,
        obj=report,
        after={"change_request": change.pk, "district": district, "reference": reference},
    )
    return report


@transaction.atomic
def withdraw_change_request(*, actor: Actor, change: ChangeRequest) -> ChangeRequest:
    change = _locked_open_change(change)
    guards.may_withdraw_change(actor, change.policy)
    _move_change(actor, change, ChangeState.WITHDRAWN)
    return change


def _move_change(actor: Actor, change: ChangeRequest, to: str) -> None:
    """The one way a change request changes state: through CHANGE_TRANSITIONS."""
    action = CHANGE_TRANSITIONS.get((change.state, to))
    if action is None:
        raise _refuse(
            Code.INVALID_STATE,
            None,
            "change_request",
            f"变更申请当前为“{in_language(ChangeState(change.state).label, 'zh-hans')}”，"
            f"不能变为“{in_language(ChangeState(to).label, 'zh-hans')}”",
            f"the change request is “{in_language(ChangeState(change.state).label, 'en')}” "
            f"and cannot become “{in_language(ChangeState(to).label, 'en')}”",
        )
    before = change.state
    change.state = to
    change.decided_at = clock.now()
    change.save(update_fields=["state", "decided_at"])
    audit.record(
        actor=actor,
        action=action,
        obj=change,
        before={"state": before},
        after={"state": change.state},
    )


# The audit action of each kind of change `amend_policy` carries out.
AMEND_ACTIONS = {
    ChangeKind.CHANGE_TERMS: AuditAction.CHANGE_TERMS,
    ChangeKind.CHANGE_INSURER: AuditAction.CHANGE_INSURER,
}


@transaction.atomic
def amend_policy(*, actor: Actor, change: ChangeRequest) -> Policy:
    """Carry out an open change of terms or of insurers (R-U8 once units are sold)."""
    _lock_planning_permit(change.policy)
    policy = _locked(change.policy)
    change = _locked_open_change(change)
    guards.may_carry_out_change(actor, policy)
    if change.kind not in (ChangeKind.CHANGE_TERMS, ChangeKind.CHANGE_INSURER):
        raise _refuse(
            Code.INVALID_STATE,
            None,
            "change_request",
            "退保申请请通过“解除保险合同”执行",
            "a cancellation request is carried out by cancelling the policy",
        )
    _require_state(policy, LIVE_STATES, zh="变更", en="be changed")
    _check_consents(change)
    pack = selectors.pack_of(policy)
    if change.kind == ChangeKind.CHANGE_TERMS:
        terms = Terms.from_json(change.proposed["terms"])
        checked = _check_terms(pack, policy.permit, terms)
        before = {**_snapshot(policy), "additional": _additional_snapshot(policy)}
        _apply_terms(policy, terms, checked)
        policy.save()
        after = {**_snapshot(policy), "additional": _additional_snapshot(policy)}
        _adjust_contribution_due(actor, policy)
        # The additional sub-items and their years may have changed: so have their windows.
        store_period_if_completed(actor, policy)
    else:
        shares = [ShareInput.from_json(s) for s in change.proposed["shares"]]
        _check_share_inputs(pack, shares)
        _check_same_lead(policy, _lead_of(shares))
        before = {"shares": _shares_snapshot(policy)}
        _replace_shares(policy, shares)
        after = {"shares": _shares_snapshot(policy)}
    audit.record(
        actor=actor,
        action=AMEND_ACTIONS[change.kind],
        obj=policy,
        before=before,
        after={**after, "change_request": change.pk},
    )
    _move_change(actor, change, ChangeState.APPLIED)
    return policy


def _adjust_contribution_due(actor: Actor, policy: Policy) -> None:
    """A new contract price changes what the lead owes the fund (R-F1)."""
    due = FundContributionDue.objects.select_for_update().filter(policy=policy).first()
    if due is None or due.amount == policy.fund_contribution:
        return
    before = {"amount": str(due.amount)}
    due.amount = policy.fund_contribution
    due.save(update_fields=["amount"])
    audit.record(
        actor=actor,
        action=AuditAction.FUND_CONTRIBUTION_DUE,
        obj=due,
        before=before,
        after={"amount": str(due.amount)},
    )


@transaction.atomic
def cancel_policy(
    *, actor: Actor, policy: Policy, reason: str = "", change: ChangeRequest | None = None
) -> Policy:
    """Cancel a policy. Before issue: the developer, directly. Once issued: through an open
    cancellation request, after the maintenance deposit is paid (R-U9) and, once units are
    sold, every buyer's consent and the report to the regulator (R-U8)."""
    check_length(Policy, "cancel_reason", reason, field="reason")
    policy = _locked(policy)
    before = _snapshot(policy)
    guards.may_cancel(actor, policy)
    issued = policy.state not in EDITABLE_STATES
    _transition(policy, PolicyState.CANCELLED)
    if issued:
        if change is None or change.policy_id != policy.pk or change.kind != ChangeKind.CANCEL:
            raise _refuse(
                Code.PREREQUISITE_MISSING,
                None,
                "change_request",
                "已签发的保单须先提交退保（解除保险合同）申请",
                "an issued policy is cancelled through a cancellation request",
            )
        change = _locked_open_change(change)
        if not MaintenanceDeposit.objects.filter(policy=policy).exists():
            raise _refuse(
                Code.PREREQUISITE_MISSING,
                "R-U9",
                "maintenance_deposit",
                "保险期间内解除保险合同，须先缴存物业保修金；缴存登记前建设单位和保险公司均不得退保",
                "a policy cancelled during its period needs the property maintenance deposit "
                "paid first; until it is recorded neither developer nor insurer may cancel",
            )
        _check_consents(change)
        reason = change.reason
    policy.cancelled_at = clock.now()
    policy.cancel_reason = reason.strip()
    policy.save()
    audit.record(
        actor=actor,
        action=AuditAction.CANCEL,
        obj=policy,
        before=before,
        after={**_snapshot(policy), "reason": policy.cancel_reason},
    )
    if change is not None:
        _move_change(actor, change, ChangeState.APPLIED)
    return policy


def carry_out_change(*, actor: Actor, change: ChangeRequest) -> Policy:
    """Carry out an open change request through the service its kind calls for: a
    cancellation cancels the policy (R-U8, R-U9), a change of terms or insurers amends it."""
    if change.kind == ChangeKind.CANCEL:
        return cancel_policy(actor=actor, policy=change.policy, change=change)
    return amend_policy(actor=actor, change=change)
