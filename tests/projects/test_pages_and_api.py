"""The developer's pages and the projects API: lists with search, pagination and empty states,
the registration form, the detail page, and units paged by number or by cursor."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from parties_helpers import audit_count
from projects_helpers import api, cancel_draft_policy, page

from idi.projects import services
from idi.projects.models import Project, Unit

pytestmark = pytest.mark.django_db


def test_project_list_search_pagination_and_empty_state(world):
    for n in range(22):
        services.register_project(
            actor=world.dev_a.actor, name=f"测试项目{n:02d}", district="xihu", housing_type="mixed"
        )
    client = page(world.dev_a.user)
    first = client.get(reverse("projects:list")).content.decode()
    assert "第 1 / 2 页，共 23 条" in first
    assert "江晖府" not in first  # dev_b's project
    second = client.get(reverse("projects:list"), {"page": 2}).content.decode()
    assert "西溪云庐" in second or "西溪云庐" in first
    found = client.get(reverse("projects:list"), {"q": "项目07"}).content.decode()
    assert "测试项目07" in found and "测试项目08" not in found
    none = client.get(reverse("projects:list"), {"q": "没有这个"}).content.decode()
    assert "没有符合条件的项目" in none
    empty = page(world.other_insurer.user).get(reverse("projects:list")).content.decode()
    assert "暂无您可查看的项目" in empty


def test_registration_form_errors_on_the_field_and_success(world):
    client = page(world.dev_a.user)
    before = (Project.objects.count(), audit_count())
    duplicate = client.post(
        reverse("projects:create"),
        {"name": "西溪云庐", "district": "xihu", "housing_type": "commercial"},
    )
    assert "name-errors" in duplicate.content.decode()
    assert (Project.objects.count(), audit_count()) == before
    created = client.post(
        reverse("projects:create"),
        {"name": "云栖新城", "district": "xihu", "housing_type": "affordable", "address": "云栖路"},
    )
    project = Project.objects.get(name="云栖新城")
    assert created.url == reverse("projects:detail", args=[project.pk])
    assert project.developer == world.dev_a.org


def test_regulator_has_no_registration_form(world):
    assert page(world.reg_city.user).get(reverse("projects:create")).status_code == 403


def test_detail_shows_permits_buildings_units_participants_and_actions(world):
    html = page(world.dev_a.user).get(reverse("projects:detail", args=[world.a.project.pk]))
    text = html.content.decode()
    for expected in (world.a.permit.number, "1幢", "101", "201", "浙江建工集团", "批量导入"):
        assert expected in text
    regulator = page(world.reg_xihu.user).get(reverse("projects:detail", args=[world.a.project.pk]))
    assert "批量导入" not in regulator.content.decode()
    owner = page(world.owner.user).get(reverse("projects:detail", args=[world.a.project.pk]))
    owner_text = owner.content.decode()
    assert "我的房屋" in owner_text and "浙江建工集团" not in owner_text
    assert f'href="/projects/units/{world.a.units[1].pk}/"' not in owner_text


def test_detail_units_are_paginated(world):
    for n in range(60):
        services.add_unit(
            actor=world.dev_a.actor,
            building=world.a.building,
            room_number=f"X{n:03d}",
            floor=5,
            area=Decimal("70"),
        )
    client = page(world.dev_a.user)
    first = client.get(reverse("projects:detail", args=[world.a.project.pk])).content.decode()
    assert "第 1 / 2 页，共 63 条" in first
    last = client.get(reverse("projects:detail", args=[world.a.project.pk]), {"page": 2})
    assert "X059" in last.content.decode()


def test_forms_for_each_step_record_through_the_services(world):
    cancel_draft_policy(world)
    client = page(world.dev_a.user)
    a = world.a.project.pk
    assert (
        client.post(
            reverse("projects:permit_start", args=[world.a.permit.pk]),
            {"construction_started_on": "2025-03-01"},
        ).status_code
        == 302
    )
    bad = client.post(
        reverse("projects:permit_completion", args=[world.a.permit.pk]),
        {"completion_accepted_on": "2025-02-01"},
    )
    assert "completion_accepted_on-errors" in bad.content.decode()
    assert (
        client.post(
            reverse("projects:unit_create", args=[a]),
            {"building": world.a.building.pk, "room_number": "1802", "floor": 18, "area": "130.5"},
        ).status_code
        == 302
    )
    unit = Unit.objects.get(room_number="1802")
    sale = client.post(
        reverse("projects:sale_create", args=[unit.pk]),
        {
            "sold_on": "2025-08-08",
            "buyer1_real_name": "韩梅",
            "buyer1_id_number": "11010519491231002X",
            "buyer1_phone": "13800001111",
        },
    )
    assert sale.status_code == 302
    unit.refresh_from_db()
    assert unit.sale.sold_on == date(2025, 8, 8)
    wrong = client.post(
        reverse("projects:sale_create", args=[world.a.units[2].pk]),
        {
            "sold_on": "2025-08-08",
            "buyer1_real_name": "韩梅",
            "buyer1_id_number": "110105194912310021",
            "buyer1_phone": "13800001111",
        },
    )
    assert "buyer1_id_number-errors" in wrong.content.decode()


def test_api_units_by_page_and_by_cursor(world):
    for n in range(7):
        services.add_unit(
            actor=world.dev_a.actor,
            building=world.a.building,
            room_number=f"Y{n}",
            floor=6,
            area=Decimal("60"),
        )
    client = api(world.dev_a.user)
    url = f"/api/v1/projects/{world.a.project.pk}/units"
    by_page = client.get(url, {"page": 3, "limit": 4}).json()
    assert (by_page["count"], by_page["pages"], by_page["page"]) == (10, 3, 3)
    assert [u["room_number"] for u in by_page["items"]] == ["Y5", "Y6"]
    seen, cursor = [], ""
    while cursor is not None:
        answer = client.get(url, {"cursor": cursor, "limit": 4}).json()
        seen += [u["id"] for u in answer["items"]]
        cursor = answer["next_cursor"]
    assert seen == sorted(Unit.objects.filter(project=world.a.project).values_list("pk", flat=True))
    sold = client.get(url, {"page": 1, "limit": 1}).json()["items"][0]
    assert sold["sold_on"] == "2025-06-01"
    assert client.get(url, {"limit": 500}).status_code == 400


def test_api_registers_a_project_and_its_permits(world):
    client = api(world.dev_b.user)
    created = client.post(
        "/api/v1/projects",
        {"name": "滨江新苑", "district": "binjiang", "housing_type": "affordable"},
        content_type="application/json",
    )
    assert created.status_code == 201
    pid = created.json()["id"]
    planning = client.post(
        f"/api/v1/projects/{pid}/planning-permits",
        {"number": "PL-9"},
        content_type="application/json",
    ).json()
    permit = client.post(
        f"/api/v1/projects/{pid}/permits",
        {"planning_permit": planning["id"], "number": "CP-9", "applied_on": "2025-04-01"},
        content_type="application/json",
    )
    assert permit.status_code == 201
    assert permit.json()["stage"] == "applied"
    refused = client.post(
        f"/api/v1/projects/{pid}/buildings",
        {
            "permit": permit.json()["id"],
            "name": "1幢",
            "housing_type": "commercial",
            "floors_above": 5,
        },
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "housing_type"


def test_openapi_documents_the_projects_paths():
    from django.test import Client

    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/projects",
        "/api/v1/projects/{project_id}",
        "/api/v1/projects/{project_id}/permits",
        "/api/v1/permits/{permit_id}",
        "/api/v1/projects/{project_id}/buildings",
        "/api/v1/buildings/{building_id}",
        "/api/v1/projects/{project_id}/units",
        "/api/v1/units/{unit_id}",
        "/api/v1/units/{unit_id}/sale",
        "/api/v1/projects/{project_id}/participants",
    ):
        assert path in paths
