"""Sales of units to their buyers, the owners."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from idi.core import audit
from idi.core.permissions import Actor
from idi.parties.models import Profile
from idi.parties.services import clean_owner_identity, register_owner
from idi.projects.codes import AuditAction, Code
from idi.projects.models import (
    Sale,
    Unit,
)
from idi.projects.services._common import (
    _lock,
    _require_developer,
)
from idi.projects.validators import (
    not_in_future,
    violation,
)

# ---------------------------------------------------------------------------------------------
# Sales


@dataclass(frozen=True)
class Buyer:
    """A buyer as the developer knows it: found by ID number, registered when new."""

    real_name: str
    id_number: str
    phone: str


def _owner_for(*, actor: Actor, buyer: Buyer) -> int:
    real_name, id_number, phone = clean_owner_identity(
        real_name=buyer.real_name, id_number=buyer.id_number, phone=buyer.phone
    )
    profile = Profile.objects.filter(id_number=id_number).first()
    if profile is None:
        return register_owner(actor=actor, real_name=real_name, id_number=id_number, phone=phone).pk
    if profile.real_name != real_name:
        raise violation(
            Code.MISMATCH,
            "buyers",
            f"身份证号已登记，但姓名不是“{real_name}”",
            f"this ID number is registered under another name than {real_name}",
        )
    return profile.user_id


@transaction.atomic
def record_sale(
    *,
    actor: Actor,
    unit: Unit,
    sold_on: date,
    buyers: Sequence[Buyer],
    contract_number: str = "",
) -> Sale:
    """销售: a unit to its buyer(s), who become its owners (R-U8 counts on them)."""
    _require_developer(actor, unit.project)
    _lock(unit.project)
    if Sale.objects.filter(unit_id=unit.pk).exists():
        raise violation(Code.ALREADY_RECORDED, "unit", f"{unit} 已售出", f"{unit} is already sold")
    not_in_future("sold_on", sold_on, zh="销售日期", en="the sale date")
    if not buyers:
        raise violation(Code.REQUIRED, "buyers", "至少需要一位买受人", "at least one buyer")
    ids = [b.id_number.strip().upper() for b in buyers]
    if len(set(ids)) != len(ids):
        raise violation(Code.INVALID, "buyers", "买受人身份证号重复", "a buyer is listed twice")
    contract_number = contract_number.strip()
    if len(contract_number) > 64:
        raise violation(
            Code.TOO_LONG, "contract_number", "合同编号过长", "the contract number is too long"
        )
    owner_ids = [_owner_for(actor=actor, buyer=buyer) for buyer in buyers]
    sale = Sale.objects.create(unit=unit, sold_on=sold_on, contract_number=contract_number)
    sale.buyers.set(owner_ids)
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_SALE,
        obj=sale,
        after={
            "unit": unit.pk,
            "sold_on": sold_on,
            "contract_number": contract_number,
            "buyers": owner_ids,
        },
    )
    return sale
