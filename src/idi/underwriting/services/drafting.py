"""A policy's draft (R-U1, R-U2) and the terms the developer asks a quote for (R-U3, R-C1); the
rate and the risk-management fee come from the lead insurer's quote (services.quoting)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from idi.core import audit, clock
from idi.core.errors import Forbidden, RuleViolation
from idi.core.limits import MAX_MONEY, MAX_RATE, MAX_YEARS, check_range
from idi.core.permissions import Actor
from idi.core.rulebook import JURISDICTION, get_rulebook
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
from idi.underwriting.models import AdditionalCover, Policy
from idi.underwriting.services import guards
from idi.underwriting.services._common import (
    _locked,
    _refuse,
    _renamed,
    _require_state,
    _snapshot,
    back_to_draft,
)
from idi.underwriting.services.payments import _require_not_paid
from idi.underwriting.transitions import EDITABLE_STATES


@dataclass(frozen=True)
class Terms:
    """The terms of a policy; rates are fractions (0.015 = 1.5%).

    The developer enters the contract price, sum insured and additional cover and asks for a
    quote; the rate and the risk-management fee are the lead insurer's answer (Art. 9), so they
    are None in what the developer sets and present in a change of an issued policy's terms."""

    contract_price: Decimal
    sum_insured: Decimal
    # Additional-cover sub-item -> years (R-C1: at least the pack's minimum; Art. 7: mandatory).
    additional: dict[str, int] = field(default_factory=dict)
    rate: Decimal | None = None
    risk_management_fee: Decimal | None = None
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
    premium: Decimal | None
    fund_contribution: Decimal | None


def _check_terms(pack: RulePack, permit: ConstructionPermit, terms: Terms) -> CheckedTerms:
    """R-U3 (deductible, sum insured, additional cover mandatory), R-C1 (additional years),
    R-U5 (premium and rate floor), R-U7 (risk-management fee), R-F1 (fund contribution)."""
    check_deductible(terms.deductible)
    check_sum_insured(terms.sum_insured)
    for name in ("contract_price", "sum_insured", "risk_management_fee"):
        if getattr(terms, name) is not None:
            check_range(name, getattr(terms, name), high=MAX_MONEY)
    if terms.rate is not None:
        check_range("rate", terms.rate, high=MAX_RATE)
    if not terms.contract_price.is_finite() or terms.contract_price <= 0:
        raise _refuse(
            Code.OUT_OF_RANGE,
            "R-U5",
            "contract_price",
            "签约合同价必须大于 0：请填写承揽工程的签约合同价",
            "the contract price must be greater than 0: enter the signed contract price",
        )
    housing = selectors.rate_housing_type(pack, permit)
    _check_additional(pack, terms.additional)
    if terms.rate is None:
        return CheckedTerms(housing, None, None)
    premium, fund = check_rate(pack, terms.contract_price, housing, terms.rate)
    check_fee(pack, premium, terms.risk_management_fee)
    return CheckedTerms(housing, premium, fund)


def check_rate(
    pack: RulePack, contract_price: Decimal, housing: str, rate: Decimal
) -> tuple[Decimal, Decimal]:
    """R-U5: the premium at `rate`, never below the floor; R-F1: the fund contribution."""
    try:
        quote = premium_quote(pack, contract_price, housing, rate)
    except RuleViolation as exc:
        raise _renamed(exc, exc.field if exc.field != "housing" else "rate") from exc
    return quote.premium, quote.fund_contribution


def check_fee(pack: RulePack, premium: Decimal, fee: Decimal | None) -> None:
    """R-U7: the risk-management fee, at least its share of the premium."""
    if fee is None:
        raise _refuse(
            Code.REQUIRED,
            "R-U7",
            "risk_management_fee",
            "请填写风险管理费",
            "enter the risk-management fee",
        )
    try:
        check_risk_management_fee(pack, premium, fee)
    except RuleViolation as exc:
        raise _renamed(exc, "risk_management_fee") from exc


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
    """Contract price, sum insured and additional cover, for which the developer asks the lead
    insurer's quote (Art. 9). A policy being quoted goes back to draft: ask again."""
    policy = _locked(policy)
    guards.may_set_terms(actor, policy)
    _require_state(policy, EDITABLE_STATES, zh="修改保险条款", en="change its terms")
    _require_not_paid(policy)
    if terms.rate is not None or terms.risk_management_fee is not None:
        raise _refuse(
            Code.NOT_THE_INSURERS,
            "R-U5",
            "rate",
            "费率和风险管理费由主承保公司根据项目风险报价，建设单位无需填写：请保存条款后向主承保公司询价",
            "the rate and the risk-management fee are the lead insurer's quote: save the terms, "
            "then ask the lead insurer for a quote",
        )
    checked = _check_terms(selectors.pack_of(policy), policy.permit, terms)
    before = {**_snapshot(policy), "additional": _additional_snapshot(policy)}
    back_to_draft(actor, policy)
    _apply_terms(policy, terms, checked)
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
    policy.sum_insured = terms.sum_insured
    policy.housing_type = checked.housing_type
    if terms.rate is not None:
        policy.rate = terms.rate
        policy.risk_management_fee = terms.risk_management_fee
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
            "尚未填写保险条款：请先填写签约合同价、保险金额和附加险",
            "the terms are not entered yet: enter the contract price, sum insured and "
            "additional cover first",
        )
    return Terms(
        contract_price=policy.contract_price,
        sum_insured=policy.sum_insured,
        additional=_additional_snapshot(policy),
    )
