"""Demo data of claims, on top of the underwriting demo, written through the services:

- the lead insurer's emergency plan (4 hours, hotline);
- 西溪云庐's insurance notices handed over with the units (R-K1), for owner_zhang to read;
- owner_zhang's report of a leaking bathroom: before the insurance period (from 2028-06-30) it
  falls under the developer's warranty, so it is referred to the developer with its contact.
"""

from datetime import date

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
    unit = units.filter(sale__buyers=owner.user_id).order_by("id").first()
    if unit is not None:
        services.file_claim(
            actor=owner,
            filing=services.Filing(
                unit=unit,
                category="waterproofing",
                place="bathroom",
                description="卫生间地面渗水，楼下天花板有水迹",
                noticed_on=min(clock.today(), date(2026, 11, 1)),
                affects_basic_living=False,
            ),
            idempotency_key="demo-xixi-bathroom",
        )
    return []
