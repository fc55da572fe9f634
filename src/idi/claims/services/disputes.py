"""Disputes and appraisal (R-K7): the owner's dispute, the appraiser's finding (who pays
the fee) and the insurer's written confirmation after a finding of cover."""

from decimal import Decimal

from django.db import transaction

from idi.claims import selectors
from idi.claims.codes import AuditAction, Code
from idi.claims.models import Claim, Dispute, DisputeAbout
from idi.claims.services._common import (
    S,
    _amount,
    _finish,
    _locked,
    _refuse,
    _require_handler,
    _require_owner,
    _require_status,
    _snapshot,
    _status_label,
    _text,
    meet_clock,
    move,
    start_clock,
)
from idi.core import audit, clock
from idi.core.errors import Forbidden
from idi.core.permissions import Actor
from idi.parties.models import Organisation, OrgType

DISPUTE_FROM = {
    DisputeAbout.DETERMINATION: (S.REFUSED, S.PARTLY_COVERED),
    DisputeAbout.REPAIR: (S.DONE, S.REJECTED),
}


@transaction.atomic
@audit.deferred()
def open_dispute(*, actor: Actor, claim: Claim, about: str, reason: str) -> Claim:
    """R-K7: the owner disputes the determination or the repair; an appraiser will decide."""
    claim = _locked(claim)
    _require_owner(actor, claim, "提出争议", "dispute")
    if about not in DISPUTE_FROM:
        raise _refuse(
            "R-K7", "about", f"争议事项 {about!r} 无效", f"invalid dispute subject {about!r}"
        )
    if claim.status not in DISPUTE_FROM[about]:
        raise _refuse(
            "R-K7",
            "about",
            f"案件当前状态为“{_status_label(claim.status)}”，不能就{DisputeAbout(about).label}提出争议",
            f"a claim in status {claim.status} cannot be disputed about its {about}",
            Code.INVALID_STATE,
        )
    reason = _text(reason, "reason", "R-K7", "争议理由", "the reason")
    before = _snapshot(claim)
    Dispute.objects.create(
        claim=claim, about=about, reason=reason, opened_by_id=actor.user_id, opened_on=clock.today()
    )
    move(actor=actor, claim=claim, to=S.DISPUTED, action="dispute", note=reason)
    return _finish(actor, claim, AuditAction.OPEN_DISPUTE, before, {"about": about})


@transaction.atomic
@audit.deferred()
def record_appraisal(
    *, actor: Actor, claim: Claim, appraiser_id: int, finding: str, fee: Decimal
) -> Claim:
    """R-K7: the appraiser's finding. Covered: the insurer pays the fee and must confirm in
    writing within 10 days. Not covered: the owner pays the fee."""
    claim = _locked(claim)
    dispute = claim.disputes.select_for_update().filter(decided_on__isnull=True).first()
    appraiser = Organisation.objects.filter(pk=appraiser_id).first()
    if not (
        selectors.is_handler(actor, claim)
        or (actor.organisation_type == OrgType.APPRAISER and actor.organisation_id == appraiser_id)
    ):
        raise Forbidden(
            "仅承办的保险公司或鉴定机构可登记鉴定结论 / "
            "only the insurer or the appraiser may record the finding"
        )
    _require_status(claim, "appraisal")
    if appraiser is None or appraiser.org_type != OrgType.APPRAISER:
        raise _refuse(
            "R-K7",
            "appraiser",
            "鉴定机构应为已登记的第三方鉴定机构",
            "the appraiser must be a registered appraisal organisation",
            Code.NOT_APPRAISER,
        )
    if finding not in ("covered", "not_covered"):
        raise _refuse(
            "R-K7", "finding", f"鉴定结论 {finding!r} 无效", f"invalid finding {finding!r}"
        )
    value = _amount(fee, "fee", "R-K7", positive=False)
    before = _snapshot(claim)
    today = clock.today()
    dispute.appraiser, dispute.finding, dispute.fee = appraiser, finding, value
    dispute.fee_payer = "insurer" if finding == "covered" else "owner"
    dispute.decided_on = today
    dispute.save()
    if finding == "covered":
        start_clock(actor=actor, claim=claim, kind="appraisal_confirmation", from_date=today)
        to = S.CONFIRMING
    else:
        to = S.REFUSED if dispute.about == DisputeAbout.DETERMINATION else S.CLOSED
    move(
        actor=actor,
        claim=claim,
        to=to,
        action="appraisal",
        note=f"{appraiser.name}: {finding}, {value}",
    )
    return _finish(
        actor,
        claim,
        AuditAction.RECORD_APPRAISAL,
        before,
        {"finding": finding, "fee": str(value), "fee_payer": dispute.fee_payer},
    )


@transaction.atomic
@audit.deferred()
def confirm_in_writing(*, actor: Actor, claim: Claim) -> Claim:
    """R-K7: the insurer's written confirmation after a finding of cover."""
    claim = _locked(claim)
    _require_handler(actor, claim, "书面确认", "confirm in writing")
    _require_status(claim, "written-confirmation")
    dispute = (
        claim.disputes.filter(finding="covered", confirmed_on__isnull=True).order_by("-id").first()
    )
    before = _snapshot(claim)
    dispute.confirmed_on = clock.today()
    dispute.save(update_fields=["confirmed_on"])
    meet_clock(actor=actor, claim=claim, kind="appraisal_confirmation")
    if dispute.about == DisputeAbout.DETERMINATION:
        claim.outcome = S.COVERED
        to = S.COVERED
    else:
        to = S.REPAIRING
    move(actor=actor, claim=claim, to=to, action="written-confirmation")
    return _finish(actor, claim, AuditAction.CONFIRM_IN_WRITING, before)
