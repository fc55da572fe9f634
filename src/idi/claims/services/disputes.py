"""Disputes and appraisal (R-K7): the owner's dispute, the appraiser the insurer and the owner
choose jointly, its finding (who pays the fee) and the insurer's written confirmation after a
finding of cover."""

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
    _timeline,
    meet_clock,
    move,
    start_clock,
)
from idi.core import audit, clock
from idi.core.errors import Forbidden
from idi.core.formats import in_language
from idi.core.permissions import Actor
from idi.notifications.services import notify
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
            "R-K7", "about", f"争议事项“{about}”无效", f"invalid dispute subject '{about}'"
        )
    if claim.status not in DISPUTE_FROM[about]:
        raise _refuse(
            "R-K7",
            "about",
            f"案件当前状态为“{_status_label(claim.status)}”，"
            f"不能就{in_language(DisputeAbout(about).label, 'zh-hans')}提出争议",
            f"the claim is at “{_status_label(claim.status, 'en')}”: "
            f"its {in_language(DisputeAbout(about).label, 'en').lower()} cannot be disputed now",
            Code.INVALID_STATE,
        )
    reason = _text(reason, "reason", "R-K7", "争议理由", "the reason")
    before = _snapshot(claim)
    Dispute.objects.create(
        claim=claim, about=about, reason=reason, opened_by_id=actor.user_id, opened_on=clock.today()
    )
    move(actor=actor, claim=claim, to=S.DISPUTED, action="dispute", note=reason)
    return _finish(actor, claim, AuditAction.OPEN_DISPUTE, before, {"about": about})


def _appraiser(appraiser_id: int | None) -> Organisation:
    appraiser = Organisation.objects.filter(pk=appraiser_id).first() if appraiser_id else None
    if appraiser is None or appraiser.org_type != OrgType.APPRAISER:
        raise _refuse(
            "R-K7",
            "appraiser",
            "鉴定机构应为已登记的第三方鉴定机构",
            "the appraiser must be a registered appraisal organisation",
            Code.NOT_APPRAISER,
        )
    return appraiser


@transaction.atomic
@audit.deferred()
def choose_appraiser(*, actor: Actor, claim: Claim, appraiser_id: int) -> Claim:
    """R-K7: the insurer and the owner choose the appraiser jointly; the claim's handler records
    their choice on the open dispute. From then on the appraiser sees the claim and records the
    finding. Until the finding they may choose again (an appraiser may decline the case)."""
    claim = _locked(claim)
    _require_handler(actor, claim, "登记共同选定的鉴定机构", "record the jointly chosen appraiser")
    if claim.status != S.DISPUTED:
        raise _refuse(
            "R-K7",
            "status",
            f"案件当前状态为“{_status_label(claim.status)}”，没有待鉴定的争议",
            f"the claim is at “{_status_label(claim.status, 'en')}”: no dispute awaits an "
            "appraiser",
            Code.INVALID_STATE,
        )
    dispute = claim.disputes.select_for_update().get(decided_on__isnull=True)
    appraiser = _appraiser(appraiser_id)
    if dispute.appraiser_id == appraiser.pk:
        raise _refuse(
            "R-K7",
            "appraiser",
            f"{appraiser.name} 已是本案选定的鉴定机构",
            f"{appraiser.name} is already the appraiser chosen for this claim",
            Code.ALREADY_CHOSEN,
        )
    before = {**_snapshot(claim), "appraiser": dispute.appraiser_id}
    dispute.appraiser = appraiser
    dispute.save(update_fields=["appraiser"])
    _timeline(claim, actor, "choose-appraiser", appraiser.name)
    notify(
        actor=actor,
        recipients=selectors.members_of(appraiser.pk),
        subject=f"{claim.number}：业主与保险公司有争议，请作出鉴定结论",
        subject_en=f"{claim.number}: the owner and the insurer ask for your appraisal finding",
        body=dispute.reason,
        link=f"/claims/{claim.pk}/",
    )
    return _finish(actor, claim, AuditAction.CHOOSE_APPRAISER, before, {"appraiser": appraiser.pk})


def _require_finder(actor: Actor, claim: Claim, dispute: Dispute | None, appraiser_id) -> None:
    """The handler, or the appraiser: the chosen one once there is a choice, else the one the
    finding names."""
    chosen = dispute.appraiser_id if dispute is not None else None
    if selectors.is_handler(actor, claim) or (
        actor.organisation_type == OrgType.APPRAISER
        and actor.organisation_id == (chosen or appraiser_id)
    ):
        return
    raise Forbidden(
        "仅承办的保险公司或选定的鉴定机构可登记鉴定结论",
        "only the insurer or the chosen appraiser may record the finding",
        rule="R-K7",
    )


@transaction.atomic
@audit.deferred()
def record_appraisal(
    *, actor: Actor, claim: Claim, finding: str, fee: Decimal, appraiser_id: int | None = None
) -> Claim:
    """R-K7: the appraiser's finding. Covered: the insurer pays the fee and must confirm in
    writing within 10 days. Not covered: the owner pays the fee. Once the appraiser is chosen
    the finding is that appraiser's (`appraiser_id` may then be left out)."""
    claim = _locked(claim)
    dispute = claim.disputes.select_for_update().filter(decided_on__isnull=True).first()
    _require_finder(actor, claim, dispute, appraiser_id)
    _require_status(claim, "appraisal")
    chosen = dispute.appraiser_id
    appraiser = _appraiser(appraiser_id or chosen)
    if chosen is not None and appraiser.pk != chosen:
        raise _refuse(
            "R-K7",
            "appraiser",
            f"本案共同选定的鉴定机构是{dispute.appraiser.name}，鉴定结论应由其作出",
            f"the appraiser jointly chosen for this claim is {dispute.appraiser.name}; "
            "the finding is theirs",
            Code.NOT_CHOSEN_APPRAISER,
        )
    if finding not in ("covered", "not_covered"):
        raise _refuse("R-K7", "finding", f"鉴定结论“{finding}”无效", f"invalid finding '{finding}'")
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
