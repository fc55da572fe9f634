"""Money paid in: the premium, in full and once (R-U3), and the maintenance deposit that a
cancellation in force needs (R-U9)."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from idi.core import audit, clock
from idi.core.limits import MAX_MONEY, check_length, check_range
from idi.core.permissions import Actor
from idi.underwriting.codes import AuditAction, Code
from idi.underwriting.models import MaintenanceDeposit, Policy, PolicyState, PremiumPayment
from idi.underwriting.services import guards
from idi.underwriting.services._common import (
    _locked,
    _not_future,
    _refuse,
    _require_state,
)
from idi.underwriting.transitions import LIVE_STATES


def _require_not_paid(policy: Policy) -> None:
    if PremiumPayment.objects.filter(policy=policy).exists():
        raise _refuse(
            Code.INVALID_STATE,
            "R-U3",
            "payment",
            "保费已缴纳，保险条款和份额不能再修改",
            "the premium is paid: the terms and shares can no longer change",
        )


@transaction.atomic
def record_payment(
    *, actor: Actor, policy: Policy, amount: Decimal, paid_on: date, reference: str = ""
) -> PremiumPayment:
    """R-U3: the quoted premium, paid in full in one payment."""
    check_length(PremiumPayment, "reference", reference)
    policy = _locked(policy)
    guards.may_record_payment(actor, policy)
    _require_state(policy, (PolicyState.QUOTED,), zh="登记缴费", en="take a payment")
    if PremiumPayment.objects.filter(policy=policy).exists():
        raise _refuse(
            Code.ALREADY_RECORDED,
            "R-U3",
            "payment",
            "保费须一次性缴清：本保单已登记缴费",
            "the premium is paid in one payment: a payment is already recorded",
        )
    if amount != policy.premium:
        raise _refuse(
            Code.WRONG_AMOUNT,
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
        action=AuditAction.RECORD_PAYMENT,
        obj=payment,
        after={"policy": policy.pk, "amount": str(amount), "paid_on": paid_on.isoformat()},
    )
    return payment


@transaction.atomic
def record_maintenance_deposit(
    *, actor: Actor, policy: Policy, amount: Decimal, paid_on: date, reference: str = ""
) -> MaintenanceDeposit:
    """R-U9: the property maintenance deposit paid, which a cancellation in force needs."""
    check_length(MaintenanceDeposit, "reference", reference)
    policy = _locked(policy)
    guards.may_record_deposit(actor, policy)
    _require_state(policy, LIVE_STATES, zh="登记物业保修金", en="take a maintenance deposit")
    if MaintenanceDeposit.objects.filter(policy=policy).exists():
        raise _refuse(
            Code.ALREADY_RECORDED,
            None,
            "maintenance_deposit",
            "物业保修金已登记",
            "the maintenance deposit is already recorded",
        )
    if not amount.is_finite() or amount <= 0:
        raise _refuse(
            Code.OUT_OF_RANGE,
            None,
            "amount",
            f"金额必须大于 0（当前：{amount}）",
            f"amount must be > 0 ({amount})",
        )
    check_range("amount", amount, high=MAX_MONEY)
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
        action=AuditAction.RECORD_MAINTENANCE_DEPOSIT,
        obj=deposit,
        after={"policy": policy.pk, "amount": str(amount), "paid_on": paid_on.isoformat()},
    )
    return deposit
