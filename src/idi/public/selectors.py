"""Public reads: anyone may ask the rulebook; an owner's own unit fills in the question."""

from dataclasses import dataclass

from idi.core import clock
from idi.core.permissions import Actor
from idi.core.rulebook import get_rulebook
from idi.rules.queries import run_query
from idi.underwriting.selectors import policy_for_unit, units_owned_by


def coverage_assessment(*, params: dict) -> dict:
    """The rulebook's `assess` answer for an owner's question (RULES.md R-C5)."""
    return run_query(get_rulebook(), "assess", params)


def owner_time_limits() -> dict[str, int]:
    """The legal times an owner is told about, from the pack in force (never literals)."""
    pack = get_rulebook().pack()
    deadlines = pack.deadlines
    return {
        "determination_days": deadlines["claim_determination"].count,
        "complex_days": deadlines["claim_determination_complex"].count,
        "site_visit_days": deadlines["developer_site_visit"].count,
        "fund_months": deadlines["fund_application_opens"].count,
        "channel_months": pack.coverage.insurer_channel.delivery_offset_months,
    }


@dataclass(frozen=True)
class CoverageDefaults:
    """What the coverage check knows of an owner's unit before the owner types anything."""

    label: str
    initial: dict

    def __str__(self) -> str:
        return self.label


def coverage_defaults(*, actor: Actor, unit_id: int) -> CoverageDefaults | None:
    """The coverage check's answers taken from a unit the actor bought: completion from its
    permit, delivery and decoration from its building, the additional cover's years from its
    policy, and today as the day the defect appeared. None when the actor did not buy that unit."""
    unit = units_owned_by(actor).select_related("building").filter(pk=unit_id).first()
    if unit is None:
        return None
    building = unit.building
    initial = {
        "completion": building.permit.completion_accepted_on,
        "delivery": building.delivered_on,
        "fully_decorated": "yes" if building.fully_decorated else "no",
        "on": clock.today(),
    }
    policy = policy_for_unit(actor, unit)
    if policy is not None:
        cover = policy.additional_covers.order_by("years").first()
        if cover is not None:
            initial["additional_years"] = cover.years
    return CoverageDefaults(f"{unit.project.name} {unit}", initial)
