"""Who sees which policy (404, never 403, for the others), and an owner's homes with the
coverage windows of each category."""

from datetime import date

import pytest
from django.urls import reverse
from uw_helpers import (
    add_permit,
    build_other_project,
    coinsured,
    draft,
    issued,
    sell,
)

from idi.core.errors import NotFound
from idi.core.permissions import SYSTEM
from idi.underwriting import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def policies(world):
    """World's co-insured issued policy (binjiang) and another developer's draft (xihu)."""
    mine = issued(world, shares=coinsured(world))
    theirs = draft_of_other(world)
    return mine, theirs


def draft_of_other(world):
    from idi.underwriting import services

    permit = build_other_project(world)
    return services.create_draft(actor=world.other_developer.actor, permit=permit)


def _status(party, policy) -> tuple[int, int]:
    client = party.client()
    api = client.get(f"/api/v1/policies/{policy.pk}").status_code
    ui = client.get(reverse("underwriting:detail", args=[policy.pk])).status_code
    return api, ui


def _listed(party) -> set[int]:
    return {item["id"] for item in party.client().get("/api/v1/policies").json()["items"]}


def test_developer_sees_only_its_own_projects_policies(world, policies):
    mine, theirs = policies
    assert _status(world.developer, mine) == (200, 200)
    assert _status(world.developer, theirs) == (404, 404)
    assert _listed(world.developer) == {mine.pk}
    assert _listed(world.other_developer) == {theirs.pk}


def test_insurer_sees_only_policies_where_it_has_a_share_with_its_share(world, policies):
    mine, theirs = policies
    for party, fraction in ((world.lead, "0.5"), (world.f1, "0.3"), (world.f2, "0.2")):
        assert _status(party, mine) == (200, 200)
        body = party.client().get(f"/api/v1/policies/{mine.pk}").json()
        assert body["my_share"]["fraction"] == fraction
        assert _listed(party) == {mine.pk}
    assert _status(world.outsider, mine) == (404, 404)
    assert _status(world.lead, theirs) == (404, 404)
    assert _listed(world.outsider) == set()
    html = world.f1.client().get(reverse("underwriting:list")).content.decode()
    assert "0.3000（" in html


def test_R_O1_regulators_see_their_district_the_city_sees_all(world, policies):
    """R-O1: a district regulator sees every policy of its district and none of another's."""
    mine, theirs = policies
    assert _status(world.reg_binjiang, mine) == (200, 200)
    assert _status(world.reg_binjiang, theirs) == (404, 404)
    assert _status(world.reg_xihu, mine) == (404, 404)
    assert _status(world.reg_xihu, theirs) == (200, 200)
    assert _listed(world.reg_city) == {mine.pk, theirs.pk}
    assert _listed(world.operator) == {mine.pk, theirs.pk}


def test_participants_and_strangers_see_no_policy(world, policies):
    mine, _ = policies
    assert _status(world.contractor, mine) == (404, 404)
    assert _listed(world.contractor) == set()


def test_owner_sees_the_issued_policy_covering_its_unit_only(world, policies):
    mine, theirs = policies
    assert _status(world.owner, mine) == (404, 404)
    sell(world.unit, world.owner)
    assert _status(world.owner, mine) == (200, 200)
    body = world.owner.client().get(f"/api/v1/policies/{mine.pk}").json()
    # The contract's commercial figures are not an owner's business.
    assert body["premium"] is None and body["contract_price"] is None
    assert _status(world.other_owner, mine) == (404, 404)
    assert _status(world.owner, theirs) == (404, 404)


def test_owner_does_not_see_a_policy_before_issue(world):
    policy = draft(world)
    sell(world.unit, world.owner)
    assert _status(world.owner, policy) == (404, 404)
    assert selectors.policy_for_unit(world.owner.actor, world.unit) is None


def test_insured_project_ids_for_insurer(world, policies):
    assert set(selectors.insured_project_ids_for_insurer(world.f2.org.pk)) == {world.project.pk}
    assert set(selectors.insured_project_ids_for_insurer(world.outsider.org.pk)) == set()


def test_actions_on_a_hidden_policy_are_404(world, policies):
    mine, _ = policies
    client = world.other_developer.client()
    assert client.post(f"/api/v1/policies/{mine.pk}/quote").status_code == 404
    assert client.post(reverse("underwriting:quote", args=[mine.pk])).status_code == 404


# --- the owner's homes ------------------------------------------------------------------------


def _complete(permit, *, on=date(2025, 2, 28), delivered=date(2025, 2, 28)):
    permit.construction_started_on = date(2025, 1, 20)
    permit.completion_accepted_on = on
    permit.save()
    # Set directly (construction started before the test's issue date): tell underwriting as
    # projects' record_completion_acceptance does (Hook.PERMIT_EVENTS).
    services.record_period(SYSTEM, permit, "completed", on)
    permit.buildings.update(delivered_on=delivered)


def test_R_C3_coverage_windows_for_unit_per_category(world):
    """R-C2, R-C3, R-C4: windows from completion + 2 years; the policy's additional sub-items
    with their own years."""
    issued(world)
    sell(world.unit, world.owner)
    lines = selectors.coverage_windows_for_unit(world.owner.actor, world.unit)
    assert all(line.pending for line in lines)
    _complete(world.permit)
    lines = selectors.coverage_windows_for_unit(world.owner.actor, world.unit)
    spans = {(line.category, line.sub_item): (line.start, line.end) for line in lines}
    assert spans == {
        ("foundation_structure", ""): (date(2027, 2, 28), date(2037, 2, 27)),
        ("insulation", ""): (date(2027, 2, 28), date(2032, 2, 27)),
        ("waterproofing", ""): (date(2027, 2, 28), date(2033, 2, 27)),
        ("concealed_works", ""): (date(2027, 2, 28), date(2033, 2, 27)),
        ("additional", "decoration"): (date(2027, 2, 28), date(2029, 2, 27)),
        ("additional", "hvac"): (date(2027, 2, 28), date(2032, 2, 27)),
    }


def test_R_C4_concealed_works_only_for_fully_decorated_buildings(world):
    """R-C4: a building that is not fully decorated has no concealed-works cover."""
    permit, building = add_permit(world.project, world.planning, "CP-BARE", decorated=False)
    from idi.projects.models import Unit

    unit = Unit.objects.create(
        project=world.project, building=building, room_number="201", floor=2, area=90
    )
    issued(world, permit=permit)
    sell(unit, world.owner)
    lines = {
        line.category: line for line in selectors.coverage_windows_for_unit(world.owner.actor, unit)
    }
    assert lines["concealed_works"].covered is False
    assert lines["insulation"].covered is True


def test_policy_for_unit_hidden_from_those_who_may_not_see_it(world):
    issued(world)
    sell(world.unit, world.owner)
    assert selectors.policy_for_unit(world.owner.actor, world.unit).permit == world.permit
    assert selectors.policy_for_unit(world.developer.actor, world.unit).permit == world.permit
    with pytest.raises(NotFound):
        selectors.policy_for_unit(world.other_owner.actor, world.unit)
    with pytest.raises(NotFound):
        selectors.policy_for_unit(world.other_developer.actor, world.unit)


def test_my_homes_shows_windows_and_whom_to_call(world):
    """我的房屋: the unit's policy, the windows per category, the lead insurer and its phone."""
    issued(world, shares=coinsured(world))
    sell(world.unit, world.owner)
    response = world.owner.client().get(reverse("underwriting:my_homes"))
    html = response.content.decode()
    assert "竣工验收后确定" in html
    assert world.lead.org.name in html and "95500" in html
    _complete(world.permit)
    html = world.owner.client().get(reverse("underwriting:my_homes")).content.decode()
    assert "2027-02-28" in html and "2037-02-27" in html
    body = world.owner.client().get("/api/v1/my-homes").json()["items"]
    assert body[0]["lead_insurer_phone"] == "95500"
    foundation = body[0]["coverage"][0]
    assert foundation == {
        "category": "foundation_structure",
        "sub_item": "",
        "label": "地基基础和主体结构",
        "years": 10,
        "covered": True,
        "start": "2027-02-28",
        "end": "2037-02-27",
        "note": None,
    }


def test_my_homes_empty_state(world):
    html = world.owner.client().get(reverse("underwriting:my_homes")).content.decode()
    assert "您名下暂无房屋" in html


def test_unit_coverage_api_is_404_for_strangers(world):
    issued(world)
    sell(world.unit, world.owner)
    assert world.owner.client().get(f"/api/v1/units/{world.unit.pk}/coverage").status_code == 200
    assert (
        world.other_owner.client().get(f"/api/v1/units/{world.unit.pk}/coverage").status_code == 404
    )


def test_only_a_developer_opens_the_new_policy_page(world):
    assert world.developer.client().get(reverse("underwriting:create")).status_code == 200
    assert world.lead.client().get(reverse("underwriting:create")).status_code == 403


def test_pages_render_for_each_party(world):
    """The policy page for the developer, the lead, a follower, the regulator and the owner."""
    policy = issued(world, shares=coinsured(world))
    sell(world.unit, world.owner)
    url = reverse("underwriting:detail", args=[policy.pk])
    for party in (world.developer, world.lead, world.f1, world.reg_binjiang, world.owner):
        response = party.client().get(url)
        assert response.status_code == 200
        assert policy.number in response.content.decode()
    owner_page = world.owner.client().get(url).content.decode()
    assert "1851851.84" not in owner_page
    assert world.developer.client().get(reverse("underwriting:list")).status_code == 200
    assert world.contractor.client().get(reverse("underwriting:notices")).status_code == 200


def test_unit_coverage_api_is_404_for_an_owner_of_another_unit_of_the_same_policy(world):
    """An owner sees the cover of the unit it bought, and of no other unit under the same
    permit and policy (404, as GET /units/{id} answers): visibility of a unit comes from the
    unit, not from whether the actor may see the policy."""
    issued(world)
    sell(world.unit, world.owner)
    sell(world.unit2, world.other_owner)
    client = world.owner.client()
    assert client.get(f"/api/v1/units/{world.unit.pk}/coverage").status_code == 200
    assert client.get(f"/api/v1/units/{world.unit2.pk}").status_code == 404
    assert client.get(f"/api/v1/units/{world.unit2.pk}/coverage").status_code == 404
    with pytest.raises(NotFound):
        selectors.policy_for_unit(world.owner.actor, world.unit2)


def test_unit_coverage_follows_the_unit_and_the_policy_selectors(world):
    """A participant sees the project's units but no policy: the unit answers, without cover.
    The lead insurer and the district regulator see both."""
    issued(world)
    url = f"/api/v1/units/{world.unit.pk}/coverage"
    assert world.contractor.client().get(url).json()["items"] == []
    assert world.lead.client().get(url).json()["count"] >= 4
    assert world.reg_binjiang.client().get(url).json()["count"] >= 4
    assert world.reg_xihu.client().get(url).status_code == 404
    assert world.outsider.client().get(url).status_code == 404
