"""Forms without traps: nothing a party must decide is chosen for it (district, housing type,
full decoration), an unchosen field says which it is, and a building takes its project's
housing type instead of being asked again."""

import re

import pytest
from parties_helpers import OPERATOR, audit_count, make_uscc
from projects_helpers import api, page

from idi.core.errors import RuleViolation
from idi.parties import services as parties
from idi.parties.models import Organisation
from idi.projects import services
from idi.projects.models import Building, Participant, Project

pytestmark = pytest.mark.django_db


def _selected(html: str, name: str) -> list[str]:
    """The values of the options shown as chosen in the select `name`."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select.group(1))


def test_new_project_form_chooses_no_district_and_no_housing_type(world):
    html = page(world.dev_a.user).get("/projects/new/").content.decode()
    assert _selected(html, "district") == [""]
    assert _selected(html, "housing_type") == [""]


def test_unchosen_district_and_housing_type_are_named_and_nothing_is_registered(world):
    before = (Project.objects.count(), audit_count())
    response = page(world.dev_a.user).post("/projects/new/", {"name": "云栖新城"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="district-errors"' in html and "请选择项目所在的区县" in html
    assert 'id="housing_type-errors"' in html and "请选择项目的住房类型" in html
    assert (Project.objects.count(), audit_count()) == before


def _building(client, project, **data):
    return client.post(
        f"/projects/{project.pk}/buildings/new/",
        {"name": "2幢", "floors_above": 12, "floors_below": 1, **data},
    )


def test_building_of_a_single_type_project_takes_its_housing_type(world):
    a = world.a
    client = page(world.dev_a.user)
    form = client.get(f"/projects/{a.project.pk}/buildings/new/").content.decode()
    assert 'name="housing_type"' not in form
    assert "本项目为商品房，楼栋的住房类型与项目一致。" in form
    assert _selected(form, "fully_decorated") == [""]

    before = (Building.objects.count(), audit_count())
    unchosen = _building(client, a.project, permit=a.permit.pk).content.decode()
    assert 'id="fully_decorated-errors"' in unchosen
    assert "请选择本楼栋是否全装修交付" in unchosen
    assert (Building.objects.count(), audit_count()) == before

    done = _building(client, a.project, permit=a.permit.pk, fully_decorated="no")
    assert done.status_code == 302
    building = Building.objects.get(project=a.project, name="2幢")
    assert (building.housing_type, building.fully_decorated) == ("commercial", False)


def test_building_of_a_mixed_project_asks_its_housing_type(world):
    dev = world.dev_a
    project = services.register_project(
        actor=dev.actor, name="混合新城", district="xihu", housing_type="mixed"
    )
    planning = services.add_planning_permit(actor=dev.actor, project=project, number="P-MIX-1")
    permit = services.add_construction_permit(
        actor=dev.actor,
        project=project,
        planning_permit=planning,
        number="CP-MIX-1",
        applied_on=world.a.permit.applied_on,
    )
    client = page(dev.user)
    form = client.get(f"/projects/{project.pk}/buildings/new/").content.decode()
    assert _selected(form, "housing_type") == [""]
    unchosen = _building(client, project, permit=permit.pk, fully_decorated="yes")
    assert "请选择本楼栋的住房类型" in unchosen.content.decode()
    assert not Building.objects.filter(project=project).exists()
    assert (
        _building(
            client, project, permit=permit.pk, fully_decorated="yes", housing_type="affordable"
        ).status_code
        == 302
    )
    building = Building.objects.get(project=project)
    assert (building.housing_type, building.fully_decorated) == ("affordable", True)

    with pytest.raises(RuleViolation) as refused:
        services.add_building(
            actor=dev.actor, project=project, permit=permit, name="3幢", floors_above=3
        )
    assert (refused.value.field, refused.value.code) == ("housing_type", "required")


def test_api_building_without_housing_type_takes_the_projects(world):
    b = world.b
    response = api(world.dev_b.user).post(
        f"/api/v1/projects/{b.project.pk}/buildings",
        {"permit": b.permit.pk, "name": "2幢", "floors_above": 9},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["housing_type"] == "affordable"


def test_R_U1_permit_form_names_the_insurable_dates_and_warns_outside_them(world):
    client = page(world.dev_a.user)
    url = f"/projects/{world.a.project.pk}/permits/new/"
    form = client.get(url).content.decode()
    assert "可投保的申领日期：杭州市住宅工程质量潜在缺陷保险试点实施办法（2024）：" in form
    assert "2024年3月1日 至 2026年2月28日" in form
    registered = client.post(
        url,
        {
            "planning_permit": world.a.planning.pk,
            "number": "330106202305010101",
            "applied_on": "2023-05-01",
        },
        follow=True,
    )
    html = registered.content.decode()
    assert "施工许可证已登记。" in html
    assert "申领日期 2023年5月1日 不在任何试点规则包的适用范围内，该施工许可证无法投保" in html


def test_participant_is_found_by_name_and_a_vague_name_lists_the_candidates(world):
    second = parties.register_organisation(
        actor=OPERATOR,
        name="浙江建工集团第二分公司",
        org_type="contractor",
        uscc=make_uscc(),
        district="xihu",
    )
    supervisor = parties.register_organisation(
        actor=OPERATOR, name="之江监理有限公司", org_type="supervisor", uscc=make_uscc()
    )
    client = page(world.dev_a.user)
    url = f"/projects/{world.a.project.pk}/participants/new/"
    assert _selected(client.get(url).content.decode(), "role") == [""]

    before = (Participant.objects.count(), audit_count())
    vague = client.post(url, {"role": "contractor", "organisation": "建工"}).content.decode()
    assert 'id="organisation-errors"' in vague
    assert f"浙江建工集团第二分公司（{second.uscc}）" in vague
    assert (Participant.objects.count(), audit_count()) == before

    assert client.post(url, {"role": "supervisor", "organisation": "之江"}).status_code == 302
    assert Participant.objects.filter(
        project=world.a.project, organisation=supervisor, role="supervisor"
    ).exists()
    # A credit code still works, and the service's own refusal lands on the same field.
    again = client.post(url, {"role": "supervisor", "organisation": supervisor.uscc.lower()})
    assert 'id="organisation-errors"' in again.content.decode()
    assert Organisation.objects.filter(name__contains="建工").count() == 2
