"""What each party sees of the registry, and the insurer figures R-U6 reads."""

from decimal import Decimal

import pytest
from parties_helpers import OPERATOR

from idi.core.errors import NotFound
from idi.core.rulebook import get_rulebook
from idi.parties import selectors, services
from idi.parties.models import Role
from idi.rules import check_lead_qualifications

pytestmark = pytest.mark.django_db


def _record(insurer, year, *, capital="6000000000", ratio="1.8", dept=True, exp=True):
    return services.record_qualification(
        actor=OPERATOR,
        insurer=insurer,
        year=year,
        registered_capital=Decimal(capital),
        solvency_ratio=Decimal(ratio),
        has_quality_department=dept,
        has_idi_lead_experience=exp,
    )


def test_R_U6_qualification_for_and_recent_years(org):
    """R-U6: the figures of one year, and of the last N years, newest first."""
    insurer = org("insurer")
    for year in (2021, 2022, 2023, 2024):
        _record(insurer, year)
    assert selectors.qualification_for(insurer.pk, 2023).year == 2023
    assert selectors.qualification_for(insurer, 2019) is None
    years = [q.year for q in selectors.recent_qualifications(insurer, 3, until=2024)]
    assert years == [2024, 2023, 2022]
    assert [q.year for q in selectors.recent_qualifications(insurer.pk, [2021, 2024])] == [
        2024,
        2021,
    ]


def test_R_U6_lead_lacking_conditions_gets_warnings_from_the_rulebook(org):
    """R-U6: a lead whose solvency fell below 150% in one year and without IDI experience is
    warned on exactly those two points (warnings, never errors)."""
    insurer = org("insurer")
    _record(insurer, 2022, ratio="1.6", exp=False)
    _record(insurer, 2023, ratio="1.45", exp=False)
    _record(insurer, 2024, ratio="1.7", exp=False)
    q = selectors.lead_qualifications_for(insurer, year=2024)
    assert q.solvency_ratios == {2022: Decimal("1.6"), 2023: Decimal("1.45"), 2024: Decimal("1.7")}
    warnings = check_lead_qualifications(get_rulebook().pack(), q, 2024)
    assert [w.rule for w in warnings] == ["R-U6", "R-U6"]
    assert {w.severity for w in warnings} == {"warning"}
    assert any("2023" in w.message_zh for w in warnings)
    assert any("主承保经验" in w.message_zh for w in warnings)


def test_R_U6_qualified_lead_has_no_warning(org):
    insurer = org("insurer")
    for year in (2022, 2023, 2024):
        _record(insurer, year)
    q = selectors.lead_qualifications_for(insurer.pk, year=2024)
    assert check_lead_qualifications(get_rulebook().pack(), q, 2024) == ()


def test_registry_visibility_by_party(org, member):
    developer, other, regulator, guarantee = (
        org("developer"),
        org("developer"),
        org("regulator", district="xihu"),
        org("guarantee_institution", district="city"),
    )
    _, dev = member(developer, "dev")
    _, reg = member(regulator, "reg", roles=[Role.REGULATOR])
    _, fund = member(guarantee, "fund", roles=[Role.FUND_MANAGER])
    assert set(selectors.organisations_visible_to(dev)) == {developer}
    assert set(selectors.organisations_visible_to(reg)) >= {developer, other, regulator}
    assert set(selectors.organisations_visible_to(fund)) >= {developer, other}
    assert set(selectors.organisations_visible_to(OPERATOR)) >= {developer, other}
    with pytest.raises(NotFound):
        selectors.get_organisation(actor=dev, pk=other.pk)


def test_search_by_name_or_credit_code(org):
    target = org("contractor", name="浙江省建工集团")
    org("contractor", name="另一家施工单位")
    assert list(selectors.organisations_visible_to(OPERATOR, q="建工")) == [target]
    assert list(selectors.organisations_visible_to(OPERATOR, q=target.uscc.lower())) == [target]


def test_related_organisations_both_directions(org):
    rma, contractor, designer = org("rma"), org("contractor"), org("designer")
    services.declare_relationship(actor=OPERATOR, from_org=rma, to_org=contractor, kind="affiliate")
    services.declare_relationship(actor=OPERATOR, from_org=designer, to_org=rma, kind="shareholder")
    assert selectors.related_organisation_ids(rma.pk) == {contractor.pk, designer.pk}
    assert selectors.related_organisation_ids(contractor.pk) == {rma.pk}


def test_actor_for_user_carries_organisation_roles_and_district(org, member):
    regulator = org("regulator", district="city")
    user, actor = member(regulator, "city_reg", roles=[Role.REGULATOR])
    assert actor.user_id == user.pk
    assert actor.organisation_type == "regulator"
    assert actor.district == "city"
    assert actor.roles == frozenset({"regulator"})
