"""Demo data of claims, on top of the underwriting demo, written through the services:

- the lead insurer's emergency plan (4 hours, hotline);
- 西溪云庐's insurance notices handed over with the units (R-K1); of the home owner_zhang shares
  with 王芳 only 王芳 has confirmed receipt, of his other home he has: each owner confirms for
  itself, so owner_zhang and owner_li each have one notice to read and confirm;
- owner_zhang's report of a leaking bathroom: before the insurance period (from 2028-06-30) and
  more than 3 months after delivery, it is a pre-period repair request the lead insurer takes
  (R-F2), for ins_claims to pass to the developer the same day; from 2028-06-30 it would be an
  ordinary claim to determine.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model

from idi.claims import services
from idi.claims.models import EmergencyPlan
from idi.core import clock
from idi.parties import demo as parties_demo
from idi.parties.selectors import actor_for_user
from idi.projects import demo as projects_demo
from idi.projects.models import Unit


def _actor(username: str):
    return actor_for_user(get_user_model().objects.get(username=username))


def load(*, password: str) -> list[tuple[str, str]]:
    lead = parties_demo.organisation(parties_demo.INSURER_LEAD)
    if EmergencyPlan.objects.filter(insurer=lead).exists():
        return []
    services.set_emergency_plan(actor=_actor("ins_lead"), response_hours=4, hotline="95500-1")
    developer = _actor("dev_xihu")
    units = Unit.objects.filter(building__permit__number=projects_demo.PERMIT_XIXI)
    for unit in units.filter(sale__isnull=False).select_related("building"):
        services.hand_over_notice(
            actor=developer, unit=unit, handed_over_on=unit.building.delivered_on or clock.today()
        )
    owner = _actor("owner_zhang")
    _confirm_notices(owner, units)
    unit = units.filter(sale__buyers=owner.user_id).order_by("id").first()
    if unit is not None:
        services.file_claim(
            actor=owner,
            filing=services.Filing(
                unit=unit,
                category="waterproofing",
                place="bathroom",
                description="卫生间地面渗水，楼下天花板有水迹",
                noticed_on=clock.today() - timedelta(days=3),
                affects_basic_living=False,
            ),
            idempotency_key="demo-xixi-bathroom",
        )
    return []


def _confirm_notices(owner, units) -> None:
    """On the home owner_zhang shares, its co-buyer confirms receipt; on his own, he does."""
    for unit in units.filter(sale__buyers=owner.user_id).order_by("id"):
        co_buyers = unit.sale.buyers.exclude(pk=owner.user_id).order_by("id")
        for user in co_buyers:
            services.confirm_notice(actor=actor_for_user(user), unit=unit)
        if not co_buyers:
            services.confirm_notice(actor=owner, unit=unit)
