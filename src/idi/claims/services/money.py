"""Money (R-K9, R-U10, R-K8): indemnities within the remaining sum insured, split across the
insurers by share, and recoveries from the responsible organisation."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from idi.claims import selectors
from idi.claims.codes import AuditAction, Code
from idi.claims.models import Claim, ClaimPayment, ClaimPaymentShare, Recovery
from idi.claims.services._common import (
    S,
    _amount,
    _finish,
    _locked,
    _refuse,
    _require_handler,
    _require_status,
    _snapshot,
    _timeline,
    meet_clock,
    move,
)
from idi.core import audit, clock
from idi.core.permissions import Actor
from idi.parties.models import Organisation, OrgType
from idi.rules import Share, split_by_shares
from idi.underwriting.models import Policy, PolicyShare


def _check_remaining(claim: Claim, amount: Decimal) -> Decimal:
    """R-K9: never more than what remains of the sum insured. Locks the policy row so that two
    payments on one policy are decided one after the other."""
    policy = Policy.objects.select_for_update().get(pk=claim.policy_id)
    remaining = selectors.remaining_sum_insured(policy) or Decimal("0.00")
    if amount > remaining:
        raise _refuse(
            "R-K9",
            "amount",
            f"金额 {amount} 超过剩余保险金额 {remaining}",
            f"amount {amount} exceeds the remaining sum insured {remaining}",
            Code.EXCEEDS_SUM_INSURED,
        )
    return remaining


@transaction.atomic
@audit.deferred()
def record_payment(*, actor: Actor, claim: Claim, amount: Decimal) -> Claim:
    """An indemnity on the agreement, split across the insurers by share to the fen with the
    remainder on the lead (R-U10), never beyond the remaining sum insured (R-K9). Paying the
    agreed amount in full meets R-K3 and closes the claim."""
    claim = _locked(claim)
    _require_handler(actor, claim, "登记赔款", "record a payment")
    _require_status(claim, "payment")
    value = _amount(amount, "amount", "R-K9")
    paid = selectors.paid_on_claim(claim)
    if claim.agreed_amount is not None and paid + value > claim.agreed_amount:
        raise _refuse(
            "R-K3",
            "amount",
            f"累计赔款 {paid + value} 超过约定金额 {claim.agreed_amount}",
            f"payments of {paid + value} would exceed the agreed {claim.agreed_amount}",
            Code.EXCEEDS_AGREED,
        )
    _check_remaining(claim, value)
    before = _snapshot(claim)
    payment = ClaimPayment.objects.create(
        claim=claim,
        policy_id=claim.policy_id,
        amount=value,
        paid_on=clock.today(),
        recorded_by_id=actor.user_id,
        recorded_at=clock.now(),
    )
    shares = list(PolicyShare.objects.filter(policy_id=claim.policy_id).order_by("id"))
    parts = split_by_shares(
        value, [Share(role=s.role, insurer=str(s.insurer_id), fraction=s.fraction) for s in shares]
    )
    ClaimPaymentShare.objects.bulk_create(
        ClaimPaymentShare(payment=payment, insurer_id=s.insurer_id, amount=parts[str(s.insurer_id)])
        for s in shares
    )
    if paid + value == claim.agreed_amount:
        meet_clock(actor=actor, claim=claim, kind="claim_performance")
        move(actor=actor, claim=claim, to=S.CLOSED, action="payment", note=str(value))
    else:
        _timeline(claim, actor, "payment", str(value))
    return _finish(
        actor,
        claim,
        AuditAction.RECORD_PAYMENT,
        before,
        {"payment": str(value), "parts": {k: str(v) for k, v in parts.items()}},
    )


@transaction.atomic
@audit.deferred()
def record_recovery(*, actor: Actor, claim: Claim, from_org_id: int, amount: Decimal) -> Claim:
    """R-K8: after paying (or repairing), the insurer records what it recovered from the
    responsible organisation; never more than it paid."""
    claim = _locked(claim)
    _require_handler(actor, claim, "登记追偿", "record a recovery")
    value = _amount(amount, "amount", "R-K8")
    paid = selectors.paid_on_claim(claim)
    repaired = claim.repair is not None and claim.repair.completed_on is not None
    if paid == 0 and not repaired:
        raise _refuse(
            "R-K8",
            "amount",
            "保险公司尚未赔付或维修，不能追偿",
            "the insurer has neither paid nor repaired yet: nothing to recover",
            Code.NOT_PERFORMED,
        )
    source = Organisation.objects.filter(pk=from_org_id).first()
    if source is None or source.org_type in (OrgType.INSURER, OrgType.REGULATOR):
        raise _refuse(
            "R-K8", "from", "追偿对象应为责任单位", "recover from the responsible organisation"
        )
    recovered = claim.recoveries.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")
    if paid > 0 and recovered + value > paid:
        raise _refuse(
            "R-K8",
            "amount",
            f"累计追偿 {recovered + value} 超过已赔付 {paid}",
            f"recoveries of {recovered + value} would exceed the {paid} paid",
            Code.EXCEEDS_PAID,
        )
    before = _snapshot(claim)
    Recovery.objects.create(
        claim=claim,
        from_org=source,
        amount=value,
        recovered_on=clock.today(),
        recorded_by_id=actor.user_id,
    )
    _timeline(claim, actor, "recovery", f"{source.name} {value}")
    return _finish(
        actor,
        claim,
        AuditAction.RECORD_RECOVERY,
        before,
        {"recovery": str(value), "from": source.pk},
    )
