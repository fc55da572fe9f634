"""A policy from draft to quote: the draft (R-U1, R-U2), its terms (R-U3, R-C1, R-U5, R-U7,
R-F1) and the quote that checks them all again."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from idi.core import audit, clock
from idi.core.errors import Forbidden, RuleViolation
from idi.core.limits import MAX_MONEY, MAX_RATE, MAX_YEARS, check_range
from idi.core.permissions import Actor
from idi.core.rulebook import get_rulebook
from idi.parties.models import OrgType
from idi.projects.models import ConstructionPermit
from idi.rules import (
    RulePack,
    check_additional,
    check_deductible,
    check_risk_management_fee,
    check_sum_insured,
    premium_quote,
)
from idi.underwriting import selectors
from idi.underwriting.codes import AuditAction, Code
from idi.underwriting.models import AdditionalCover, Policy, PolicyState
from idi.underwriting.services import guards
from idi.underwriting.services._common import (
    _lock_planning_permit,
    _locked,
    _refuse,
    _renamed,
    _require_developer,
    _require_state,
    _snapshot,
    _transition,
)
from idi.underwriting.services.payments import _require_not_paid
from idi.underwriting.services.shares import _check_same_lead, _lead_of, _require_valid_shares
from idi.underwriting.transitions import EDITABLE_STATES

# The pilot's jurisdiction: every permit on this platform is a Hangzhou permit (R-U1).
JURISDICTION = "hangzhou"


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
class CheckedTerms:
    housing_type: str
    premium: Decimal
    fund_contribution: Decimal


def _check_terms(pack: RulePack, permit: ConstructionPermit, terms: Terms) -> CheckedTerms:
    """R-U3 (deductible, sum insured, additional cover mandatory), R-C1 (additional years),
    R-U5 (premium and rate floor), R-U7 (risk-management fee), R-F1 (fund contribution)."""
    check_deductible(terms.deductible)
    check_sum_insured(terms.sum_insured)
    for name in ("contract_price", "sum_insured", "risk_management_fee"):
        check_range(name, getattr(terms, name), high=MAX_MONEY)
    check_range("rate", terms.rate, high=MAX_RATE)
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
    check_additional(pack, additional)
    for sub_item, years in additional.items():
        check_range(f"additional.{sub_item}", years, high=MAX_YEARS)


@transaction.atomic
def create_draft(*, actor: Actor, permit: ConstructionPermit) -> Policy:
    """A draft policy for a permit (R-U2: one per permit) under the pack in force for the
    permit's application date (R-U1), stored and never re-chosen."""
    if not (
        actor.organisation_type == OrgType.DEVELOPER
        and actor.organisation_id == permit.project.developer_id
    ):
        raise Forbidden("仅本项目建设单位可投保", "only the project's developer may insure it")
    ConstructionPermit.objects.select_for_update().filter(pk=permit.pk).first()
    if Policy.objects.filter(permit=permit).exists():
        raise _refuse(
            Code.ALREADY_EXISTS,
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
        action=AuditAction.CREATE_DRAFT,
        obj=policy,
        after={"permit": permit.pk, **_snapshot(policy)},
    )
    return policy


@transaction.atomic
def set_terms(*, actor: Actor, policy: Policy, terms: Terms) -> Policy:
    """Contract price, rate, sum insured, risk-management fee and additional cover; the premium
    and the fund contribution follow (R-U5, R-F1). A quoted policy goes back to draft."""
    policy = _locked(policy)
    guards.may_set_terms(actor, policy)
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
        action=AuditAction.SET_TERMS,
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


def _require_terms(policy: Policy) -> Terms:
    if policy.contract_price is None:
        raise _refuse(
            Code.REQUIRED,
            None,
            "terms",
            "尚未填写保险条款",
            "the terms of the policy are not entered yet",
        )
    return Terms(
        contract_price=policy.contract_price,
        rate=policy.rate,
        sum_insured=policy.sum_insured,
        risk_management_fee=policy.risk_management_fee,
        additional=_additional_snapshot(policy),
    )


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
    policy.quote_warnings = [
        {"rule": w.rule, "code": w.code, "message": w.message_zh, "message_en": w.message_en}
        for w in selectors.lead_warnings(policy)
    ]
    policy.save()
    audit.record(
        actor=actor, action=AuditAction.QUOTE, obj=policy, before=before, after=_snapshot(policy)
    )
    return policy
