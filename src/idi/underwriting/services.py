"""Every write of underwriting: one function per business action.

Each runs in one transaction, locks the policy (and, where the lead insurer matters, the
planning permit first, so that locks are always taken in the same order), checks who acts,
refuses with the rule that forbids the change, moves the state only through TRANSITIONS and
records one audit event per change (R-O3).
"""

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from idi.core import audit, clock
from idi.core.errors import Forbidden, RuleViolation
from idi.core.permissions import SYSTEM, Actor
from idi.core.rulebook import get_rulebook
from idi.parties.models import District, Organisation, OrgType
from idi.projects.models import ConstructionPermit, PlanningPermit, Sale, Unit
from idi.rules import (
    RulePack,
    Share,
    check_risk_management_fee,
    check_shares,
    premium_quote,
)
from idi.underwriting import selectors
from idi.underwriting.models import (
    AdditionalCover,
    AttachmentKind,
    BuyerConsent,
    ChangeKind,
    ChangeRequest,
    ChangeState,
    ClaimsServiceStandard,
    FundContributionDue,
    MaintenanceDeposit,
    ParticipantNotice,
    Policy,
    PolicyAttachment,
    PolicyShare,
    PolicyState,
    PremiumPayment,
    RegulatorReport,
    ShareRole,
)
from idi.underwriting.uploads import detect

# The pilot's jurisdiction: every permit on this platform is a Hangzhou permit (R-U1).
JURISDICTION = "hangzhou"

# The one table of allowed state changes: (from, to) -> the action that makes it.
TRANSITIONS: dict[tuple[str, str], str] = {
    (PolicyState.DRAFT, PolicyState.QUOTED): "quote",
    # Editing the terms or shares of a quoted policy takes it back to draft: re-quote.
    (PolicyState.QUOTED, PolicyState.DRAFT): "revise",
    (PolicyState.QUOTED, PolicyState.ISSUED): "issue",
    # The insurance period has started (completion + 2 years, R-C2).
    (PolicyState.ISSUED, PolicyState.IN_FORCE): "activate",
    # The last category window has ended.
    (PolicyState.IN_FORCE, PolicyState.EXPIRED): "expire",
    (PolicyState.DRAFT, PolicyState.CANCELLED): "cancel",
    (PolicyState.QUOTED, PolicyState.CANCELLED): "cancel",
    (PolicyState.ISSUED, PolicyState.CANCELLED): "cancel",
    (PolicyState.IN_FORCE, PolicyState.CANCELLED): "cancel",
}
# A change request is carried out or withdrawn, once.
CHANGE_TRANSITIONS: dict[tuple[str, str], str] = {
    (ChangeState.OPEN, ChangeState.APPLIED): "apply_change",
    (ChangeState.OPEN, ChangeState.WITHDRAWN): "withdraw_change",
}
EDITABLE_STATES = (PolicyState.DRAFT, PolicyState.QUOTED)
LIVE_STATES = (PolicyState.ISSUED, PolicyState.IN_FORCE)
ACTION_LABELS = {
    "quote": ("报价", "quote"),
    "revise": ("修改", "revise"),
    "issue": ("签发", "issue"),
    "activate": ("进入保险期间", "start the insurance period of"),
    "expire": ("期满", "expire"),
    "cancel": ("解除", "cancel"),
}


# --- inputs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    """What the developer enters for a policy; rate and shares are fractions (0.015 = 1.5%)."""

    contract_price: Decimal
    rate: Decimal
    sum_insured: Decimal
    risk_management_fee: Decimal
    # Additional-cover sub-item -> years (R-C1: at least the pack's minimum; Art. 7: mandatory).
    additional: dict[str, int] = field(default_factory=dict)
    deductible: Decimal = Decimal(0)

    def to_json(self) -> dict:
        return {
            "contract_price": str(self.contract_price),
            "rate": str(self.rate),
            "sum_insured": str(self.sum_insured),
            "risk_management_fee": str(self.risk_management_fee),
            "additional": dict(sorted(self.additional.items())),
        }

    @classmethod
    def from_json(cls, data: dict) -> "Terms":
        return cls(
            contract_price=Decimal(data["contract_price"]),
            rate=Decimal(data["rate"]),
            sum_insured=Decimal(data["sum_insured"]),
            risk_management_fee=Decimal(data["risk_management_fee"]),
            additional={k: int(v) for k, v in data["additional"].items()},
        )


@dataclass(frozen=True)
class ShareInput:
    insurer_id: int
    role: str
    fraction: Decimal

    def to_json(self) -> dict:
        return {"insurer_id": self.insurer_id, "role": self.role, "fraction": str(self.fraction)}

    @classmethod
    def from_json(cls, data: dict) -> "ShareInput":
        return cls(int(data["insurer_id"]), data["role"], Decimal(data["fraction"]))


@dataclass(frozen=True)
class CheckedTerms:
    housing_type: str
    premium: Decimal
    fund_contribution: Decimal


# --- small helpers -----------------------------------------------------------------------------


def _refuse(rule: str | None, field: str | None, zh: str, en: str) -> RuleViolation:
    return RuleViolation(rule=rule, field=field, message=zh, message_en=en)


def _renamed(exc: RuleViolation, field: str) -> RuleViolation:
    """The engine's refusal, pointing at the platform's name of the field."""
    return RuleViolation(rule=exc.rule, field=field, message=exc.message, message_en=exc.message_en)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _snapshot(policy: Policy) -> dict:
    return {
        "state": policy.state,
        "pack": policy.pack_id,
        "housing_type": policy.housing_type,
        "contract_price": _money(policy.contract_price),
        "rate": _money(policy.rate),
        "premium": _money(policy.premium),
        "sum_insured": _money(policy.sum_insured),
        "risk_management_fee": _money(policy.risk_management_fee),
        "fund_contribution": _money(policy.fund_contribution),
        "issued_on": policy.issued_on.isoformat() if policy.issued_on else None,
    }


def _shares_snapshot(policy: Policy) -> list[dict]:
    return [
        {"insurer": s.insurer_id, "role": s.role, "fraction": str(s.fraction)}
        for s in policy.shares.order_by("id")
    ]


def _locked(policy: Policy) -> Policy:
    return (
        Policy.objects.select_for_update(of=("self",))
        .select_related("permit__project", "permit__planning_permit")
        .get(pk=policy.pk)
    )


def _lock_planning_permit(policy: Policy) -> None:
    """Serialises every decision about the lead insurer of one planning permit (R-U2)."""
    planning_permit_id = (
        ConstructionPermit.objects.filter(pk=policy.permit_id)
        .values_list("planning_permit_id", flat=True)
        .get()
    )
    PlanningPermit.objects.select_for_update().filter(pk=planning_permit_id).first()


def _transition(policy: Policy, to: str) -> str:
    """Check the move against TRANSITIONS, set it, and return the action name."""
    action = TRANSITIONS.get((policy.state, to))
    if action is None:
        current = PolicyState(policy.state).label
        target = PolicyState(to).label
        raise _refuse(
            None,
            "state",
            f"保单当前状态为“{current}”，不能变为“{target}”",
            f"a policy in state {policy.state} cannot become {to}",
        )
    policy.state = to
    return action


def _require_state(policy: Policy, states: tuple, *, zh: str, en: str) -> None:
    if policy.state not in states:
        current = PolicyState(policy.state).label
        raise _refuse(
            None,
            "state",
            f"保单当前状态为“{current}”，不能{zh}",
            f"a policy in state {policy.state} cannot {en}",
        )


def _require_developer(actor: Actor, policy: Policy, *, zh: str, en: str) -> None:
    if not selectors.is_developer_of(actor, policy):
        raise Forbidden(f"仅本项目建设单位可{zh} / only the project's developer may {en}")


def _require_lead(actor: Actor, policy: Policy, *, zh: str, en: str) -> None:
    share = selectors.share_of(actor, policy)
    if share is None or share.role != ShareRole.LEAD:
        raise Forbidden(f"仅主承保公司可{zh} / only the lead insurer may {en}")


def _require_developer_or_lead(actor: Actor, policy: Policy, *, zh: str, en: str) -> None:
    if selectors.is_developer_of(actor, policy):
        return
    share = selectors.share_of(actor, policy)
    if share is not None and share.role == ShareRole.LEAD:
        return
    raise Forbidden(
        f"仅建设单位或主承保公司可{zh} / only the developer or the lead insurer may {en}"
    )


def _require_not_paid(policy: Policy) -> None:
    if PremiumPayment.objects.filter(policy=policy).exists():
        raise _refuse(
            "R-U3",
            "payment",
            "保费已缴纳，保险条款和份额不能再修改",
            "the premium is paid: the terms and shares can no longer change",
        )


def _not_future(day: date, field_name: str) -> None:
    if day > clock.today():
        raise _refuse(None, field_name, f"日期 {day} 晚于今天", f"the date {day} is in the future")


# --- rule checks -------------------------------------------------------------------------------


def _check_terms(pack: RulePack, permit: ConstructionPermit, terms: Terms) -> CheckedTerms:
    """R-U3 (deductible, sum insured, additional cover mandatory), R-C1 (additional years),
    R-U5 (premium and rate floor), R-U7 (risk-management fee), R-F1 (fund contribution)."""
    if terms.deductible != 0:
        raise _refuse(
            "R-U3",
            "deductible",
            f"免赔额必须为 0（当前：{terms.deductible}）",
            f"the deductible must be 0 (got: {terms.deductible})",
        )
    if not terms.sum_insured.is_finite() or terms.sum_insured <= 0:
        raise _refuse(
            "R-U3",
            "sum_insured",
            f"保险金额必须大于 0（当前：{terms.sum_insured}）",
            f"the sum insured must be greater than 0 (got: {terms.sum_insured})",
        )
    housing = selectors.rate_housing_type(pack, permit)
    try:
        quote = premium_quote(pack, terms.contract_price, housing, terms.rate)
    except RuleViolation as exc:
        raise _renamed(exc, exc.field if exc.field != "housing" else "rate") from exc
    try:
        check_risk_management_fee(pack, quote.premium, terms.risk_management_fee)
    except RuleViolation as exc:
        raise _renamed(exc, "risk_management_fee") from exc
    _check_additional(pack, terms.additional)
    return CheckedTerms(housing, quote.premium, quote.fund_contribution)


def _check_additional(pack: RulePack, additional: dict[str, int]) -> None:
    spec = pack.coverage.categories["additional"]
    if not additional:
        raise _refuse(
            "R-U3",
            "additional",
            "附加险为必保：至少选择一项附加险分项并填写保险期限",
            "additional cover is mandatory: choose at least one sub-item with its period",
        )
    for sub_item, years in additional.items():
        if sub_item not in spec.sub_items:
            known = ", ".join(spec.sub_items)
            raise _refuse(
                "R-C1",
                "additional",
                f"附加险没有分项 {sub_item!r}，可选：{known}",
                f"the additional cover has no sub-item {sub_item!r}; expected one of: {known}",
            )
        minimum = spec.min_years or 0
        if years < minimum:
            raise _refuse(
                "R-C1",
                f"additional.{sub_item}",
                f"附加险分项 {sub_item} 的保险期限不得低于 {minimum} 年（当前：{years}）",
                f"the period of additional sub-item {sub_item} must be at least {minimum} "
                f"years (got: {years})",
            )


def _check_share_inputs(pack: RulePack, shares: list[ShareInput]) -> dict[int, Organisation]:
    """R-U4 through the engine, after making sure every insurer is one."""
    ids = [s.insurer_id for s in shares]
    insurers = Organisation.objects.in_bulk(ids)
    for index, share in enumerate(shares):
        org = insurers.get(share.insurer_id)
        if org is None or org.org_type != OrgType.INSURER:
            raise _refuse(
                None,
                f"shares.{index}.insurer",
                f"单位 {share.insurer_id} 不是已登记的保险公司",
                f"organisation {share.insurer_id} is not a registered insurer",
            )
    if len(set(ids)) != len(ids):
        raise _refuse("R-U4", "shares", "同一保险公司出现两次", "an insurer appears twice")
    result = check_shares(
        pack,
        [
            Share(role=s.role, insurer=insurers[s.insurer_id].name, fraction=s.fraction)
            for s in shares
        ],
    )
    errors = [v for v in result.violations if v.severity == "error"]
    if errors:
        raise _refuse(
            "R-U4",
            "shares",
            "；".join(v.message_zh for v in errors),
            "; ".join(v.message_en for v in errors),
        )
    return insurers


def _lead_of(shares: list[ShareInput]) -> int:
    return next(s.insurer_id for s in shares if s.role == ShareRole.LEAD)


def _check_same_lead(policy: Policy, lead_insurer_id: int) -> None:
    """R-U2: every permit under one planning permit has the same lead insurer.

    Siblings count from their quote on (a draft is still a negotiation) until cancelled.
    """
    sibling_leads = (
        PolicyShare.objects.filter(
            role=ShareRole.LEAD,
            policy__permit__planning_permit_id=policy.permit.planning_permit_id,
            policy__state__in=(PolicyState.QUOTED, *LIVE_STATES, PolicyState.EXPIRED),
        )
        .exclude(policy=policy)
        .exclude(insurer_id=lead_insurer_id)
        .select_related("insurer", "policy__permit")
    )
    other = sibling_leads.first()
    if other is not None:
        planning = policy.permit.planning_permit.number
        raise _refuse(
            "R-U2",
            "shares",
            f"同一工程规划许可证（{planning}）下的施工许可证 {other.policy.permit.number} "
            f"的主承保公司为“{other.insurer.name}”，本保单的主承保公司必须相同",
            f"permit {other.policy.permit.number} under the same planning permit ({planning}) "
            f"has lead insurer {other.insurer.name}; this policy must have the same lead",
        )


def _current_share_inputs(policy: Policy) -> list[ShareInput]:
    return [ShareInput(s.insurer_id, s.role, s.fraction) for s in policy.shares.order_by("id")]


def _check_consents(change: ChangeRequest) -> None:
    """R-U8: once any unit of the project is sold, every buyer's written consent and the report
    to the district regulator, before the change."""
    if not selectors.project_has_sales(change.policy):
        return
    missing = [due for due in selectors.consents_due(change) if not due.given]
    if missing:
        names = "、".join(f"{d.unit} {d.buyer_name}" for d in missing[:3])
        more = "等" if len(missing) > 3 else ""
        raise _refuse(
            "R-U8",
            "consents",
            f"项目已有房屋售出：尚缺 {len(missing)} 位购房人的书面同意（{names}{more}）",
            f"units of the project are sold: written consent of {len(missing)} buyer(s) is "
            f"still missing",
        )
    if not RegulatorReport.objects.filter(change_request=change).exists():
        raise _refuse(
            "R-U8",
            "regulator_report",
            "项目已有房屋售出：尚未记录向区县建设行政主管部门的报告",
            "units of the project are sold: the report to the district regulator is not recorded",
        )


# --- creating and quoting ------------------------------------------------------------------------


@transaction.atomic
def create_draft(*, actor: Actor, permit: ConstructionPermit) -> Policy:
    """A draft policy for a permit (R-U2: one per permit) under the pack in force for the
    permit's application date (R-U1), stored and never re-chosen."""
    if not (
        actor.organisation_type == OrgType.DEVELOPER
        and actor.organisation_id == permit.project.developer_id
    ):
        raise Forbidden("仅本项目建设单位可投保 / only the project's developer may insure it")
    ConstructionPermit.objects.select_for_update().filter(pk=permit.pk).first()
    if Policy.objects.filter(permit=permit).exists():
        raise _refuse(
            "R-U2",
            "permit",
            f"施工许可证 {permit.number} 已有保单：一个施工许可证对应一份保单",
            f"permit {permit.number} already has a policy: one permit, one policy",
        )
    try:
        pack = get_rulebook().pack_for(JURISDICTION, permit.applied_on)
    except RuleViolation as exc:
        raise _renamed(exc, "permit") from exc
    policy = Policy.objects.create(
        permit=permit, pack_id=pack.id, created_at=clock.now(), created_by_id=actor.user_id
    )
    audit.record(
        actor=actor,
        action="underwriting.create_draft",
        obj=policy,
        after={"permit": permit.pk, **_snapshot(policy)},
    )
    return policy


@transaction.atomic
def set_terms(*, actor: Actor, policy: Policy, terms: Terms) -> Policy:
    """Contract price, rate, sum insured, risk-management fee and additional cover; the premium
    and the fund contribution follow (R-U5, R-F1). A quoted policy goes back to draft."""
    policy = _locked(policy)
    _require_developer(actor, policy, zh="填写保险条款", en="set the terms")
    _require_state(policy, EDITABLE_STATES, zh="修改保险条款", en="change its terms")
    _require_not_paid(policy)
    checked = _check_terms(selectors.pack_of(policy), policy.permit, terms)
    before = {**_snapshot(policy), "additional": _additional_snapshot(policy)}
    if policy.state == PolicyState.QUOTED:
        _transition(policy, PolicyState.DRAFT)
    _apply_terms(policy, terms, checked)
    policy.quoted_at = None
    policy.save()
    audit.record(
        actor=actor,
        action="underwriting.set_terms",
        obj=policy,
        before=before,
        after={**_snapshot(policy), "additional": _additional_snapshot(policy)},
    )
    return policy


def _additional_snapshot(policy: Policy) -> dict[str, int]:
    return dict(policy.additional_covers.order_by("sub_item").values_list("sub_item", "years"))


def _apply_terms(policy: Policy, terms: Terms, checked: CheckedTerms) -> None:
    policy.contract_price = terms.contract_price
    policy.rate = terms.rate
    policy.sum_insured = terms.sum_insured
    policy.risk_management_fee = terms.risk_management_fee
    policy.housing_type = checked.housing_type
    policy.premium = checked.premium
    policy.fund_contribution = checked.fund_contribution
    policy.additional_covers.all().delete()
    AdditionalCover.objects.bulk_create(
        AdditionalCover(policy=policy, sub_item=sub_item, years=years)
        for sub_item, years in sorted(terms.additional.items())
    )


@transaction.atomic
def set_shares(*, actor: Actor, policy: Policy, shares: list[ShareInput]) -> Policy:
    """The insurers: one at 100%, or a co-insurance (R-U4) whose lead is the lead of every
    permit under the same planning permit (R-U2). A quoted policy goes back to draft."""
    _lock_planning_permit(policy)
    policy = _locked(policy)
    _require_developer(actor, policy, zh="选择保险公司", en="choose the insurers")
    _require_state(policy, EDITABLE_STATES, zh="修改承保份额", en="change its shares")
    _require_not_paid(policy)
    _check_share_inputs(selectors.pack_of(policy), shares)
    _check_same_lead(policy, _lead_of(shares))
    before = {"state": policy.state, "shares": _shares_snapshot(policy)}
    if policy.state == PolicyState.QUOTED:
        _transition(policy, PolicyState.DRAFT)
        policy.quoted_at = None
        policy.save()
    _replace_shares(policy, shares)
    audit.record(
        actor=actor,
        action="underwriting.set_shares",
        obj=policy,
        before=before,
        after={"state": policy.state, "shares": _shares_snapshot(policy)},
    )
    return policy


def _replace_shares(policy: Policy, shares: list[ShareInput]) -> None:
    policy.shares.all().delete()
    PolicyShare.objects.bulk_create(
        PolicyShare(policy=policy, insurer_id=s.insurer_id, role=s.role, fraction=s.fraction)
        for s in shares
    )


def _require_terms(policy: Policy) -> Terms:
    if policy.contract_price is None:
        raise _refuse(
            None, "terms", "尚未填写保险条款", "the terms of the policy are not entered yet"
        )
    return Terms(
        contract_price=policy.contract_price,
        rate=policy.rate,
        sum_insured=policy.sum_insured,
        risk_management_fee=policy.risk_management_fee,
        additional=_additional_snapshot(policy),
    )


def _require_valid_shares(policy: Policy) -> list[ShareInput]:
    shares = _current_share_inputs(policy)
    if not shares:
        raise _refuse("R-U4", "shares", "尚未选择保险公司", "no insurer has been chosen yet")
    _check_share_inputs(selectors.pack_of(policy), shares)
    return shares


@transaction.atomic
def quote(*, actor: Actor, policy: Policy) -> Policy:
    """Draft → quoted: every term checked again against the permit as it is now."""
    _lock_planning_permit(policy)
    policy = _locked(policy)
    _require_developer(actor, policy, zh="报价", en="quote the policy")
    before = _snapshot(policy)
    _transition(policy, PolicyState.QUOTED)
    terms = _require_terms(policy)
    checked = _check_terms(selectors.pack_of(policy), policy.permit, terms)
    shares = _require_valid_shares(policy)
    _check_same_lead(policy, _lead_of(shares))
    policy.housing_type = checked.housing_type
    policy.premium = checked.premium
    policy.fund_contribution = checked.fund_contribution
    policy.quoted_at = clock.now()
    policy.save()
    audit.record(
        actor=actor, action="underwriting.quote", obj=policy, before=before, after=_snapshot(policy)
    )
    return policy


# --- before issue: payment, attachments, standards, notices --------------------------------------


@transaction.atomic
def record_payment(
    *, actor: Actor, policy: Policy, amount: Decimal, paid_on: date, reference: str = ""
) -> PremiumPayment:
    """R-U3: the quoted premium, paid in full in one payment."""
    policy = _locked(policy)
    _require_developer_or_lead(actor, policy, zh="登记缴费", en="record the payment")
    _require_state(policy, (PolicyState.QUOTED,), zh="登记缴费", en="take a payment")
    if PremiumPayment.objects.filter(policy=policy).exists():
        raise _refuse(
            "R-U3",
            "payment",
            "保费须一次性缴清：本保单已登记缴费",
            "the premium is paid in one payment: a payment is already recorded",
        )
    if amount != policy.premium:
        raise _refuse(
            "R-U3",
            "amount",
            f"保费须一次性全额缴纳：应缴 {policy.premium} 元，登记金额 {amount} 元",
            f"the premium is paid in full in one payment: {policy.premium} due, {amount} given",
        )
    _not_future(paid_on, "paid_on")
    payment = PremiumPayment.objects.create(
        policy=policy,
        amount=amount,
        paid_on=paid_on,
        reference=reference,
        recorded_by_id=actor.user_id,
        recorded_at=clock.now(),
    )
    audit.record(
        actor=actor,
        action="underwriting.record_payment",
        obj=payment,
        after={"policy": policy.pk, "amount": str(amount), "paid_on": paid_on.isoformat()},
    )
    return payment


@transaction.atomic
def upload_attachment(*, actor: Actor, policy: Policy, kind: str, upload) -> PolicyAttachment:
    """R-U11: an insurer of the policy attaches a plan or template (a new version of its kind)."""
    policy = _locked(policy)
    share = selectors.share_of(actor, policy)
    if share is None:
        raise Forbidden("仅本保单的保险公司可上传附件 / only the policy's insurers may upload")
    _require_state(policy, EDITABLE_STATES, zh="上传附件", en="take attachments")
    if kind not in AttachmentKind.values:
        raise _refuse(None, "kind", f"未知的附件类型 {kind!r}", f"unknown attachment kind {kind!r}")
    found = detect(upload)
    attachment = PolicyAttachment(
        policy=policy,
        kind=kind,
        original_name=(getattr(upload, "name", "") or "")[:255],
        content_type=found.content_type,
        size=found.size,
        sha256=found.sha256,
        uploaded_by_id=actor.user_id,
        uploaded_by_org_id=actor.organisation_id,
        uploaded_at=clock.now(),
    )
    attachment.file.save(f"{kind}-{uuid.uuid4().hex}.{found.extension}", upload, save=False)
    attachment.save()
    audit.record(
        actor=actor,
        action="underwriting.upload_attachment",
        obj=attachment,
        after={"policy": policy.pk, "kind": kind, "sha256": found.sha256, "size": found.size},
    )
    return attachment


@transaction.atomic
def confirm_attachment(*, actor: Actor, attachment: PolicyAttachment) -> PolicyAttachment:
    """R-U11: the developer confirms the current version of an attachment."""
    policy = _locked(attachment.policy)
    _require_developer(actor, policy, zh="确认附件", en="confirm attachments")
    _require_state(policy, EDITABLE_STATES, zh="确认附件", en="confirm attachments")
    attachment = PolicyAttachment.objects.select_for_update().get(pk=attachment.pk)
    current = selectors.current_attachments(policy).get(attachment.kind)
    if current is None or current.pk != attachment.pk:
        raise _refuse(
            None,
            "attachment",
            "该附件已被新版本替代，请确认最新版本",
            "a newer version of this attachment exists: confirm that one",
        )
    if attachment.confirmed_at is not None:
        raise _refuse(None, "attachment", "该附件已确认", "the attachment is already confirmed")
    attachment.confirmed_by_id = actor.user_id
    attachment.confirmed_at = clock.now()
    attachment.save(update_fields=["confirmed_by", "confirmed_at"])
    audit.record(
        actor=actor,
        action="underwriting.confirm_attachment",
        obj=attachment,
        before={"confirmed": False},
        after={"confirmed": True, "kind": attachment.kind, "sha256": attachment.sha256},
    )
    return attachment


@dataclass(frozen=True)
class ClaimsStandardInput:
    days_to_accept: int
    days_to_survey: int
    days_to_determine: int
    days_to_repair: int


def _check_claims_standard(pack: RulePack, standard: ClaimsStandardInput) -> None:
    """R-U13: stricter than the legal times, never looser; every time positive."""
    for name in ("days_to_accept", "days_to_survey", "days_to_determine", "days_to_repair"):
        value = getattr(standard, name)
        if value is None or value <= 0:
            raise _refuse(
                "R-U13",
                name,
                f"承诺时限必须为正整数天（当前：{value}）",
                f"a committed time must be a positive number of days (got: {value})",
            )
    legal = {
        "days_to_determine": pack.deadlines["claim_determination"],
        "days_to_repair": pack.deadlines["claim_performance"],
    }
    for name, spec in legal.items():
        value = getattr(standard, name)
        if value > spec.count:
            raise _refuse(
                "R-U13",
                name,
                f"承诺的{spec.label_zh}时限 {value} 日长于法定时限 {spec.count} 日"
                f"（{spec.rule}）：只能更严格，不能更宽松",
                f"the committed {spec.label_en} time of {value} days is longer than the legal "
                f"{spec.count} days ({spec.rule}): it may be stricter, never looser",
            )


@transaction.atomic
def set_claims_standards(
    *, actor: Actor, policy: Policy, standard: ClaimsStandardInput
) -> ClaimsServiceStandard:
    """R-U13: the lead insurer's committed claims times, stored with the policy before issue."""
    policy = _locked(policy)
    _require_lead(actor, policy, zh="设定理赔服务标准", en="set the claims service standards")
    _require_state(policy, EDITABLE_STATES, zh="修改理赔服务标准", en="change its standards")
    _check_claims_standard(selectors.pack_of(policy), standard)
    existing = ClaimsServiceStandard.objects.filter(policy=policy).first()
    fields = ("days_to_accept", "days_to_survey", "days_to_determine", "days_to_repair")
    before = {f: getattr(existing, f) for f in fields} if existing else None
    row = existing or ClaimsServiceStandard(policy=policy)
    for name in fields:
        setattr(row, name, getattr(standard, name))
    row.set_by_id = actor.user_id
    row.set_at = clock.now()
    row.save()
    audit.record(
        actor=actor,
        action="underwriting.set_claims_standards",
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
            action="underwriting.notify_participant",
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
            "仅被通知单位的人员可确认收到 / only the notified organisation may acknowledge"
        )
    if notice.acknowledged_at is not None:
        raise _refuse(None, "notice", "该通知已确认收到", "the notice is already acknowledged")
    notice.acknowledged_at = clock.now()
    notice.acknowledged_by_id = actor.user_id
    notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit.record(
        actor=actor,
        action="underwriting.acknowledge_notice",
        obj=notice,
        before={"acknowledged": False},
        after={"acknowledged": True},
    )
    return notice


# --- issue -------------------------------------------------------------------------------------


def _check_ready_to_issue(policy: Policy, issued_on: date) -> None:
    """Everything R-U2..R-U4, R-U11, R-U12 require of a quoted policy, in the order a developer
    meets them."""
    started = policy.permit.construction_started_on
    if started is not None and started <= issued_on:
        raise _refuse(
            "R-U3",
            "construction_started_on",
            f"工程已于 {started} 开工：保险合同须在开工前签订",
            f"construction started on {started}: the policy must be signed before construction "
            f"starts",
        )
    shares = _require_valid_shares(policy)
    _check_same_lead(policy, _lead_of(shares))
    missing = selectors.missing_attachments(policy)
    if missing:
        labels = "、".join(str(AttachmentKind(kind).label) for kind in missing)
        raise _refuse(
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
            "R-U12",
            "participants",
            f"尚未书面通知参建单位：{names}",
            f"{len(not_notified)} participant(s) of the project are not notified in writing",
        )
    payment = PremiumPayment.objects.filter(policy=policy).first()
    if payment is None or payment.amount != policy.premium:
        raise _refuse(
            "R-U3",
            "payment",
            f"保费 {policy.premium} 元须在签发前一次性全额缴纳，尚未登记缴费",
            f"the premium of {policy.premium} must be paid in full in one payment before issue; "
            f"no payment is recorded",
        )
    if payment.paid_on > issued_on:
        raise _refuse(
            "R-U3",
            "issued_on",
            f"保费于 {payment.paid_on} 缴纳，签发日期不能早于缴费日期",
            f"the premium was paid on {payment.paid_on}: the policy cannot be issued before",
        )


@transaction.atomic
def issue_policy(*, actor: Actor, policy: Policy, issued_on: date | None = None) -> Policy:
    """Quoted → issued, and the fund contribution recorded as owed by the lead (R-F1).

    `issued_on` defaults to today; an earlier date records a policy issued before it was
    entered on the platform, and every check is made as of that date.
    """
    _lock_planning_permit(policy)
    policy = _locked(policy)
    _require_developer_or_lead(actor, policy, zh="签发保单", en="issue the policy")
    issued_on = issued_on or clock.today()
    before = _snapshot(policy)
    _transition(policy, PolicyState.ISSUED)
    _not_future(issued_on, "issued_on")
    _check_ready_to_issue(policy, issued_on)
    policy.issued_on = issued_on
    policy.issued_at = clock.now()
    policy.save()
    audit.record(
        actor=actor, action="underwriting.issue", obj=policy, before=before, after=_snapshot(policy)
    )
    lead = selectors.lead_share(policy)
    due = FundContributionDue.objects.create(
        policy=policy,
        insurer_id=lead.insurer_id,
        amount=policy.fund_contribution,
        due_since=issued_on,
        recorded_at=clock.now(),
    )
    audit.record(
        actor=actor,
        action="underwriting.fund_contribution_due",
        obj=due,
        after={"policy": policy.pk, "insurer": lead.insurer_id, "amount": str(due.amount)},
    )
    return _refresh(actor=actor, policy=policy)


# --- the insurance period ----------------------------------------------------------------------


def _refresh(*, actor: Actor, policy: Policy) -> Policy:
    """issued → in_force once the period has started; in_force → expired after its last day."""
    period = selectors.policy_period(policy)
    if period is None:
        return policy
    start, end = period
    today = clock.today()
    moves = []
    if policy.state == PolicyState.ISSUED and start <= today:
        moves.append(PolicyState.IN_FORCE)
    if policy.state in LIVE_STATES and end < today:
        moves.append(PolicyState.EXPIRED)
    for to in [m for m in (PolicyState.IN_FORCE, PolicyState.EXPIRED) if m in moves]:
        before = _snapshot(policy)
        action = _transition(policy, to)
        policy.save(update_fields=["state"])
        audit.record(
            actor=actor,
            action=f"underwriting.{action}",
            obj=policy,
            before=before,
            after={**_snapshot(policy), "period": [start.isoformat(), end.isoformat()]},
        )
    return policy


@transaction.atomic
def refresh_policy_state(*, actor: Actor, policy: Policy) -> Policy:
    """Bring one policy's state in line with its insurance period and today's date."""
    return _refresh(actor=actor, policy=_locked(policy))


def sweep_policy_states(*, actor: Actor = SYSTEM) -> int:
    """Refresh every issued or in-force policy; returns how many changed state. Idempotent, and
    each policy is its own transaction so that one sweep never holds many locks."""
    changed = 0
    ids = Policy.objects.filter(
        state__in=LIVE_STATES, permit__completion_accepted_on__isnull=False
    ).values_list("pk", flat=True)
    for pk in list(ids):
        policy = Policy.objects.get(pk=pk)
        before = policy.state
        if refresh_policy_state(actor=actor, policy=policy).state != before:
            changed += 1
    return changed


# --- changes after issue (R-U8, R-U9) ------------------------------------------------------------


def _require_party(actor: Actor, policy: Policy, *, zh: str, en: str) -> None:
    if selectors.is_developer_of(actor, policy) or selectors.share_of(actor, policy):
        return
    raise Forbidden(f"仅建设单位或承保公司可{zh} / only the developer or an insurer may {en}")


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
    _lock_planning_permit(policy)
    policy = _locked(policy)
    _require_party(actor, policy, zh="申请变更", en="request a change")
    _require_state(policy, LIVE_STATES, zh="申请变更或退保", en="be changed or cancelled")
    if kind not in ChangeKind.values:
        raise _refuse(None, "kind", f"未知的变更类型 {kind!r}", f"unknown change kind {kind!r}")
    if ChangeRequest.objects.filter(policy=policy, state=ChangeState.OPEN).exists():
        raise _refuse(
            None,
            "kind",
            "本保单已有办理中的变更申请，请先执行或撤回",
            "the policy already has an open change request: carry it out or withdraw it first",
        )
    if not reason.strip():
        raise _refuse(None, "reason", "请填写变更原因", "a reason is required")
    proposed: dict = {}
    if kind == ChangeKind.CHANGE_TERMS:
        if terms is None:
            raise _refuse(None, "terms", "请填写变更后的保险条款", "the new terms are required")
        _check_terms(selectors.pack_of(policy), policy.permit, terms)
        proposed = {"terms": terms.to_json()}
    elif kind == ChangeKind.CHANGE_INSURER:
        if not shares:
            raise _refuse(None, "shares", "请填写变更后的承保份额", "the new shares are required")
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
        action="underwriting.open_change",
        obj=change,
        after={"policy": policy.pk, "kind": kind, "proposed": proposed},
    )
    return change


def _locked_open_change(change: ChangeRequest) -> ChangeRequest:
    change = ChangeRequest.objects.select_for_update().select_related("policy").get(pk=change.pk)
    if change.state != ChangeState.OPEN:
        raise _refuse(
            None,
            "change_request",
            f"该变更申请已{ChangeState(change.state).label}",
            f"the change request is already {change.state}",
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
            "仅建设单位或购房人本人可登记书面同意 / only the developer or the buyer may record "
            "a consent"
        )
    sale = Sale.objects.filter(unit=unit, unit__project_id=policy.permit.project_id).first()
    if sale is None:
        raise _refuse(
            None, "unit", f"{unit} 不是本项目已售房屋", f"{unit} is not a sold unit of the project"
        )
    if not sale.buyers.filter(pk=buyer_id).exists():
        raise _refuse(
            None, "buyer", f"该人员不是 {unit} 的购房人", f"this person is not a buyer of {unit}"
        )
    _not_future(consented_on, "consented_on")
    if BuyerConsent.objects.filter(change_request=change, unit=unit, buyer_id=buyer_id).exists():
        raise _refuse(
            None, "buyer", "该购房人的书面同意已登记", "this buyer's consent is already recorded"
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
        action="underwriting.record_consent",
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
    change = _locked_open_change(change)
    policy = change.policy
    district = policy.permit.project.district
    is_regulator = actor.organisation_type == OrgType.REGULATOR and actor.district in (
        district,
        District.CITY,
    )
    if not (selectors.is_developer_of(actor, policy) or is_regulator):
        raise Forbidden(
            "仅建设单位或主管部门可登记报告 / only the developer or the regulator may record it"
        )
    if RegulatorReport.objects.filter(change_request=change).exists():
        raise _refuse(None, "regulator_report", "报告已登记", "the report is already recorded")
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
        action="underwriting.record_regulator_report",
        obj=report,
        after={"change_request": change.pk, "district": district, "reference": reference},
    )
    return report


@transaction.atomic
def record_maintenance_deposit(
    *, actor: Actor, policy: Policy, amount: Decimal, paid_on: date, reference: str = ""
) -> MaintenanceDeposit:
    """R-U9: the property maintenance deposit paid, which a cancellation in force needs."""
    policy = _locked(policy)
    _require_developer(actor, policy, zh="登记物业保修金", en="record the maintenance deposit")
    _require_state(policy, LIVE_STATES, zh="登记物业保修金", en="take a maintenance deposit")
    if MaintenanceDeposit.objects.filter(policy=policy).exists():
        raise _refuse(
            None,
            "maintenance_deposit",
            "物业保修金已登记",
            "the maintenance deposit is already recorded",
        )
    if not amount.is_finite() or amount <= 0:
        raise _refuse(
            None, "amount", f"金额必须大于 0（当前：{amount}）", f"amount must be > 0 ({amount})"
        )
    _not_future(paid_on, "paid_on")
    deposit = MaintenanceDeposit.objects.create(
        policy=policy,
        amount=amount,
        paid_on=paid_on,
        reference=reference,
        recorded_by_id=actor.user_id,
        recorded_at=clock.now(),
    )
    audit.record(
        actor=actor,
        action="underwriting.record_maintenance_deposit",
        obj=deposit,
        after={"policy": policy.pk, "amount": str(amount), "paid_on": paid_on.isoformat()},
    )
    return deposit


@transaction.atomic
def withdraw_change_request(*, actor: Actor, change: ChangeRequest) -> ChangeRequest:
    change = _locked_open_change(change)
    _require_party(actor, change.policy, zh="撤回变更申请", en="withdraw a change request")
    _move_change(actor, change, ChangeState.WITHDRAWN)
    return change


def _move_change(actor: Actor, change: ChangeRequest, to: str) -> None:
    """The one way a change request changes state: through CHANGE_TRANSITIONS."""
    action = CHANGE_TRANSITIONS.get((change.state, to))
    if action is None:
        raise _refuse(
            None,
            "change_request",
            f"变更申请当前为“{ChangeState(change.state).label}”，不能变为“{ChangeState(to).label}”",
            f"a change request in state {change.state} cannot become {to}",
        )
    before = change.state
    change.state = to
    change.decided_at = clock.now()
    change.save(update_fields=["state", "decided_at"])
    audit.record(
        actor=actor,
        action=f"underwriting.{action}",
        obj=change,
        before={"state": before},
        after={"state": change.state},
    )


@transaction.atomic
def amend_policy(*, actor: Actor, change: ChangeRequest) -> Policy:
    """Carry out an open change of terms or of insurers (R-U8 once units are sold)."""
    _lock_planning_permit(change.policy)
    policy = _locked(change.policy)
    change = _locked_open_change(change)
    _require_developer_or_lead(actor, policy, zh="执行变更", en="carry out a change")
    if change.kind not in (ChangeKind.CHANGE_TERMS, ChangeKind.CHANGE_INSURER):
        raise _refuse(
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
    else:
        shares = [ShareInput.from_json(s) for s in change.proposed["shares"]]
        _check_share_inputs(pack, shares)
        _check_same_lead(policy, _lead_of(shares))
        before = {"shares": _shares_snapshot(policy)}
        _replace_shares(policy, shares)
        after = {"shares": _shares_snapshot(policy)}
    audit.record(
        actor=actor,
        action=f"underwriting.{change.kind}",
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
        action="underwriting.fund_contribution_due",
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
    policy = _locked(policy)
    before = _snapshot(policy)
    if policy.state in EDITABLE_STATES:
        _require_developer(actor, policy, zh="取消投保", en="cancel the policy")
        _transition(policy, PolicyState.CANCELLED)
    else:
        _require_developer_or_lead(actor, policy, zh="解除保险合同", en="cancel the policy")
        _transition(policy, PolicyState.CANCELLED)
        if change is None or change.policy_id != policy.pk or change.kind != ChangeKind.CANCEL:
            raise _refuse(
                None,
                "change_request",
                "已签发的保单须先提交退保（解除保险合同）申请",
                "an issued policy is cancelled through a cancellation request",
            )
        change = _locked_open_change(change)
        if not MaintenanceDeposit.objects.filter(policy=policy).exists():
            raise _refuse(
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
        action="underwriting.cancel",
        obj=policy,
        before=before,
        after={**_snapshot(policy), "reason": policy.cancel_reason},
    )
    if change is not None:
        _move_change(actor, change, ChangeState.APPLIED)
    return policy
