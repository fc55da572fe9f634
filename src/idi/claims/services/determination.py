"""Determination (R-K2): marking a claim complex, the determination itself, and the written
refusal that a not-covered determination owes within 3 days (R-K4)."""

from decimal import Decimal

from django.db import transaction

from idi.claims import selectors
from idi.claims.codes import AuditAction, Code
from idi.claims.models import Claim, ClaimStatus
from idi.claims.services._common import (
    S,
    _amount,
    _finish,
    _locked,
    _refuse,
    _require_handler,
    _require_status,
    _snapshot,
    _tell_owner,
    _text,
    meet_clock,
    move,
    start_clock,
    stop_clock,
)
from idi.core import audit, clock
from idi.core.permissions import Actor
from idi.notifications.models import OPEN, Deadline

# R-K2: which clock a determination meets.
DETERMINATION_KINDS = ("claim_determination", "claim_determination_complex")
OUTCOMES = (S.COVERED, S.PARTLY_COVERED, S.NOT_COVERED)


@transaction.atomic
@audit.deferred()
def mark_complex(*, actor: Actor, claim: Claim, reason: str) -> Claim:
    """R-K2: a complex claim, marked with a reason before the 10-day deadline, gets 30 days from
    receipt instead."""
    claim = _locked(claim)
    _require_handler(actor, claim, "标记复杂案件", "mark the claim complex")
    _require_status(claim, "complex")
    reason = _text(reason, "reason", "R-K2", "复杂原因", "the reason")
    running = Deadline.objects.filter(
        OPEN, owner_type=selectors.OWNER_LABEL, owner_id=claim.pk, kind="claim_determination"
    ).first()
    if running is None or clock.today() > running.due:
        raise _refuse(
            "R-K2",
            "reason",
            "10 日核定期限已过，不能再标记为复杂案件",
            "the 10-day determination deadline has passed: too late to mark the claim complex",
            Code.TOO_LATE,
        )
    before = _snapshot(claim)
    stop_clock(actor=actor, claim=claim, kind="claim_determination")
    start_clock(
        actor=actor, claim=claim, kind="claim_determination_complex", from_date=claim.filed_on
    )
    claim.complex_reason = reason
    move(actor=actor, claim=claim, to=S.COMPLEX, action="complex", note=reason)
    return _finish(actor, claim, AuditAction.MARK_COMPLEX, before, {"reason": reason})


@transaction.atomic
@audit.deferred()
def determine(
    *, actor: Actor, claim: Claim, outcome: str, reasons: str, amount: Decimal | None = None
) -> Claim:
    """R-K2: the determination meets the running determination clock; not covered starts the
    3-day refusal notice clock (R-K4)."""
    claim = _locked(claim)
    _require_handler(actor, claim, "核定", "determine the claim")
    _require_status(claim, "determine")
    if outcome not in OUTCOMES:
        raise _refuse(
            "R-K2", "outcome", f"核定结果 {outcome!r} 无效", f"invalid outcome {outcome!r}"
        )
    reasons = (reasons or "").strip()
    if outcome != S.COVERED:
        reasons = _text(reasons, "reasons", "R-K2", "核定理由", "the reasons")
    value = _amount(amount, "amount", "R-K2", positive=False) if amount is not None else None
    before = _snapshot(claim)
    for kind in DETERMINATION_KINDS:
        meet_clock(actor=actor, claim=claim, kind=kind)
    claim.outcome, claim.reasons, claim.determined_amount = outcome, reasons, value
    claim.determined_on = clock.today()
    if outcome == S.NOT_COVERED:
        start_clock(actor=actor, claim=claim, kind="denial_notice", from_date=clock.today())
    move(actor=actor, claim=claim, to=outcome, action="determine", note=reasons)
    _tell_owner(actor, claim, f"核定结果：{ClaimStatus(outcome).label}", f"determined {outcome}")
    return _finish(actor, claim, AuditAction.DETERMINE, before)


@transaction.atomic
@audit.deferred()
def issue_refusal_notice(*, actor: Actor, claim: Claim, reasons: str) -> Claim:
    """R-K4: the written refusal with reasons, within 3 days of the determination."""
    claim = _locked(claim)
    _require_handler(actor, claim, "发出拒赔通知", "issue the refusal notice")
    _require_status(claim, "refusal-notice")
    reasons = _text(reasons, "reasons", "R-K4", "拒赔理由", "the reasons")
    before = _snapshot(claim)
    meet_clock(actor=actor, claim=claim, kind="denial_notice")
    claim.refusal_reasons, claim.refusal_notified_on = reasons, clock.today()
    move(actor=actor, claim=claim, to=S.REFUSED, action="refusal-notice", note=reasons)
    _tell_owner(actor, claim, "拒赔通知", "refusal notice")
    return _finish(actor, claim, AuditAction.ISSUE_REFUSAL_NOTICE, before)
