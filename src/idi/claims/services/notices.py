"""The insurance notice (R-K1), handed over with the unit."""

from datetime import date

from django.db import transaction

from idi.claims import selectors
from idi.claims.codes import AuditAction, Code
from idi.claims.models import InsuranceNotice, NoticeReceipt
from idi.claims.services._common import _refuse
from idi.core import audit, clock, formats
from idi.core.errors import Forbidden
from idi.core.permissions import Actor
from idi.parties.models import OrgType
from idi.projects.models import Unit


@transaction.atomic
@audit.deferred()
def hand_over_notice(*, actor: Actor, unit: Unit, handed_over_on: date) -> InsuranceNotice:
    """R-K1: the developer records the unit's notice as handed over with the unit; its content
    is generated from the policy and pack once and kept as handed over."""
    policy = selectors.covering_policy(unit)
    if policy is None:
        raise _refuse(
            "R-K1", "unit", "该房屋没有有效保单", "the unit has no policy in force", Code.NO_POLICY
        )
    if not (
        actor.organisation_type == OrgType.DEVELOPER
        and actor.organisation_id == unit.project.developer_id
    ):
        raise Forbidden("仅建设单位可交付保险告知书", "only the developer hands over the notice")
    if handed_over_on > clock.today():
        raise _refuse(
            "R-K1",
            "handed_over_on",
            "交付日期晚于今天",
            "the handover date is in the future",
            Code.IN_FUTURE,
        )
    notice = InsuranceNotice.objects.select_for_update().filter(unit=unit).first()
    before = None
    if notice is None:
        notice = InsuranceNotice(
            unit=unit,
            policy=policy,
            content=selectors.notice_content(unit, policy),
            generated_at=clock.now(),
        )
    else:
        before = {
            "handed_over_on": notice.handed_over_on.isoformat() if notice.handed_over_on else None
        }
    notice.handed_over_on = handed_over_on
    notice.handed_over_by_id = actor.user_id
    notice.save()
    audit.record(
        actor=actor,
        action=AuditAction.HAND_OVER_NOTICE,
        obj=notice,
        before=before,
        after={"unit": unit.pk, "handed_over_on": handed_over_on.isoformat()},
    )
    return notice


@transaction.atomic
@audit.deferred()
def confirm_notice(*, actor: Actor, unit: Unit) -> NoticeReceipt:
    """R-K1: an owner of the unit confirms it received the notice handed over with it. Each
    buyer of a jointly owned home confirms for itself, once: a second confirmation is refused,
    as it would record a receipt that did not happen then."""
    if not selectors.is_owner_of_unit(actor, unit.pk):
        raise _refuse(
            "R-K1",
            "unit",
            "仅该房屋的业主本人可签收保险告知书",
            "only an owner of the home may confirm receipt of its insurance notice",
            Code.NOT_OWNER,
        )
    notice = InsuranceNotice.objects.select_for_update().filter(unit=unit).first()
    if notice is None or notice.handed_over_on is None:
        raise _refuse(
            "R-K1",
            "handed_over_on",
            "保险告知书尚未随房屋交付，交付后方可签收",
            "the insurance notice has not been handed over with the home yet",
            Code.INVALID_STATE,
        )
    earlier = notice.receipts.filter(owner_id=actor.user_id).first()
    if earlier is not None:
        raise _refuse(
            "R-K1",
            "confirmed_at",
            f"您已于{formats.day(earlier.confirmed_at, 'zh-hans')}签收该保险告知书",
            "you confirmed receipt of this insurance notice on "
            f"{formats.day(earlier.confirmed_at, 'en')}",
            Code.INVALID_STATE,
        )
    receipt = NoticeReceipt.objects.create(
        notice=notice, owner_id=actor.user_id, confirmed_at=clock.now()
    )
    audit.record(
        actor=actor,
        action=AuditAction.CONFIRM_NOTICE,
        obj=notice,
        after={
            "unit": unit.pk,
            "owner": actor.user_id,
            "confirmed_at": receipt.confirmed_at.isoformat(),
        },
    )
    return receipt
