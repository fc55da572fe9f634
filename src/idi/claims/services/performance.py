"""Performance (R-K3, R-K5): the agreement with the owner, the repair done, and the owner's
acceptance (which starts the repair's warranty) or rejection."""

from decimal import Decimal

from django.db import transaction

from idi.claims.codes import AuditAction, Code
from idi.claims.models import Claim, Repair
from idi.claims.services._common import (
    S,
    _amount,
    _finish,
    _locked,
    _pack,
    _refuse,
    _require_handler,
    _require_owner,
    _require_status,
    _snapshot,
    _tell_owner,
    meet_clock,
    move,
    start_clock,
)
from idi.claims.services.money import _check_remaining
from idi.core import audit, clock
from idi.core.permissions import Actor
from idi.core.rulebook import get_rulebook
from idi.rules import deadline


@transaction.atomic
@audit.deferred()
def agree(
    *, actor: Actor, claim: Claim, remedy: str, amount: Decimal | None = None, repairer: str = ""
) -> Claim:
    """R-K3: the agreement with the owner (repair or payment) starts the 7-day clock."""
    claim = _locked(claim)
    _require_handler(actor, claim, "与业主达成维修或赔偿协议", "record the agreement")
    _require_status(claim, "agree")
    if remedy not in ("repair", "payment"):
        raise _refuse(
            "R-K3",
            "remedy",
            f"方式 {remedy!r} 无效，应为 repair 或 payment",
            f"invalid remedy {remedy!r}",
        )
    if remedy == "payment" and amount is None:
        raise _refuse(
            "R-K3", "amount", "赔偿方式须填写金额", "a payment needs an amount", Code.REQUIRED
        )
    value = (
        _amount(amount, "amount", "R-K3", positive=remedy == "payment")
        if amount is not None
        else None
    )
    if remedy == "payment":
        _check_remaining(claim, value)
    before = _snapshot(claim)
    today = clock.today()
    claim.remedy, claim.agreed_amount, claim.agreed_on = remedy, value, today
    if remedy == "repair":
        claim.repair = Repair.objects.create(
            unit=claim.unit,
            category=claim.category,
            sub_item=claim.sub_item,
            place=claim.place,
            repairer=repairer or (claim.routed_org.name if claim.routed_org else ""),
            scope=claim.description,
            started_on=today,
        )
    start_clock(actor=actor, claim=claim, kind="claim_performance", from_date=today)
    move(
        actor=actor,
        claim=claim,
        to=S.REPAIRING if remedy == "repair" else S.PAYING,
        action="agree",
        note=f"{remedy} {value or ''}".strip(),
    )
    return _finish(actor, claim, AuditAction.AGREE, before)


@transaction.atomic
@audit.deferred()
def complete_repair(*, actor: Actor, claim: Claim) -> Claim:
    """The repair is done (R-K3 met); the owner is asked to accept it."""
    claim = _locked(claim)
    _require_handler(actor, claim, "登记维修完成", "record the repair as done")
    _require_status(claim, "repair-done")
    before = _snapshot(claim)
    repair = claim.repair
    repair.completed_on = clock.today()
    repair.save(update_fields=["completed_on"])
    meet_clock(actor=actor, claim=claim, kind="claim_performance")
    move(actor=actor, claim=claim, to=S.DONE, action="repair-done")
    _tell_owner(actor, claim, "维修完成，请确认", "repair done: please accept or reject it")
    return _finish(actor, claim, AuditAction.COMPLETE_REPAIR, before)


@transaction.atomic
@audit.deferred()
def owner_decision(
    *, actor: Actor, claim: Claim, accepted: bool, rating: int | None = None, comment: str = ""
) -> Claim:
    """The owner accepts the repair (its 180-day warranty starts the day after, R-K5) or
    rejects it (the repairer comes back, or the owner disputes)."""
    claim = _locked(claim)
    _require_owner(actor, claim, "确认维修结果", "decide on the repair")
    _require_status(claim, "owner-decision")
    if rating is not None and not 1 <= rating <= 5:
        raise _refuse(
            None,
            "rating",
            f"评分应为 1 至 5（当前：{rating}）",
            f"rating must be 1-5 (got {rating})",
        )
    before = _snapshot(claim)
    claim.rating, claim.owner_comment = rating, (comment or "").strip()
    if accepted:
        today = clock.today()
        book = get_rulebook()
        warranty = deadline(_pack(claim), book.calendar, "repair_warranty", today)
        repair = claim.repair
        repair.accepted_on, repair.warranty_until = today, warranty.due
        repair.save(update_fields=["accepted_on", "warranty_until"])
        move(
            actor=actor, claim=claim, to=S.CLOSED, action="owner-decision", note=claim.owner_comment
        )
    else:
        move(
            actor=actor,
            claim=claim,
            to=S.REJECTED,
            action="owner-decision",
            note=claim.owner_comment,
        )
    return _finish(actor, claim, AuditAction.OWNER_DECISION, before, {"accepted": accepted})
