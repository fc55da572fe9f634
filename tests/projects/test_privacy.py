"""DESIGN "Privacy": owners' ID and phone numbers are masked for everyone but the owner, their
insurer's claim handler and the regulator — in the API, on the pages and in exports."""

from datetime import date

import pytest
from parties_helpers import make_id_number
from projects_helpers import api, buyer, page

from idi.projects import imports, selectors, services

pytestmark = pytest.mark.django_db

FULL_ID = make_id_number(1)
MASKED_ID = f"{FULL_ID[:4]}********{FULL_ID[-4:]}"


@pytest.mark.parametrize(
    ("who", "full"),
    [
        ("owner", True),
        ("claims", True),  # the claim handler of the project's insurer
        ("reg_xihu", True),
        ("reg_city", True),
        ("dev_a", False),
        ("insurer", False),  # an underwriter of the same insurer is no claim handler
        ("contractor", False),
    ],
)
def test_owner_numbers_in_the_api_and_on_the_page(world, who, full):
    party = getattr(world, who)
    unit = world.a.units[0]
    buyers = api(party.user).get(f"/api/v1/units/{unit.pk}").json()["sale"]["buyers"]
    assert buyers[0]["real_name"] == "张伟"
    assert buyers[0]["id_number"] == (FULL_ID if full else MASKED_ID)
    assert buyers[0]["phone"] == ("13812345678" if full else "138****5678")
    html = page(party.user).get(f"/projects/units/{unit.pk}/").content.decode()
    assert (FULL_ID in html) is full
    assert ("13812345678" in html) is full
    if not full:
        assert MASKED_ID in html and "138****5678" in html


def test_operator_sees_masked_numbers(world, operator_user):
    sale = api(operator_user).get(f"/api/v1/units/{world.a.units[0].pk}/sale").json()
    assert sale["buyers"][0]["id_number"] == MASKED_ID
    assert sale["sold_on"] == "2025-06-01"
    unsold = api(operator_user).get(f"/api/v1/units/{world.a.units[1].pk}/sale")
    assert unsold.status_code == 404


def test_a_co_owner_sees_itself_in_full_and_the_other_masked(world):
    services.record_sale(
        actor=world.dev_a.actor,
        unit=world.a.units[1],
        sold_on=date(2025, 7, 1),
        buyers=[buyer(1, "张伟"), buyer(7, "周敏", "13598765432")],
    )
    sale = selectors.sale_of(world.a.units[1])
    shown = {
        b.real_name: b
        for b in selectors.buyers_of(
            actor=world.owner.actor, sale=sale, project_id=sale.unit.project_id
        )
    }
    assert shown["张伟"].id_number == FULL_ID
    assert shown["周敏"].phone == "135****5432"


def test_export_masks_for_the_developer_and_not_for_the_regulator(world):
    def owner_cells(actor):
        rows = list(selectors.export_rows(actor=actor, project=world.a.project))
        sold = [r for r in rows if r[9]]
        return sold[0][10], sold[0][11]

    assert owner_cells(world.dev_a.actor) == (MASKED_ID, "138****5678")
    assert owner_cells(world.reg_xihu.actor) == (FULL_ID, "13812345678")
    header = imports.export_header()
    assert header[:3] == ["楼栋", "施工许可证号", "住房类型"]
