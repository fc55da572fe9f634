"""Who sees what (issue 3): each party reads only its own projects, units and owners; what it
may not know exists answers 404 (API and pages), and a refused write changes nothing."""

from datetime import date

import pytest
from parties_helpers import audit_count
from projects_helpers import api, cancel_draft_policy, page

from idi.core.errors import NotFound
from idi.projects import selectors
from idi.projects.models import Building, ConstructionPermit, Project, Unit

pytestmark = pytest.mark.django_db

EVERYONE = (
    "dev_a",
    "dev_b",
    "insurer",
    "claims",
    "other_insurer",
    "reg_xihu",
    "reg_binjiang",
    "reg_city",
    "contractor",
    "owner",
    "owner_b",
)
# Which of the two projects (A in Xihu by dev_a, insured by `insurer`; B in Binjiang by dev_b)
# each party sees.
SEES = {
    "dev_a": {"a"},
    "dev_b": {"b"},
    "insurer": {"a"},
    "claims": {"a"},
    "other_insurer": set(),
    "reg_xihu": {"a"},
    "reg_binjiang": {"b"},
    "reg_city": {"a", "b"},
    "contractor": {"a"},
    "owner": {"a"},
    "owner_b": {"b"},
}


@pytest.mark.parametrize("who", EVERYONE)
def test_projects_visible_to_each_party(world, who):
    actor = getattr(world, who).actor
    expected = {getattr(world, key).project.pk for key in SEES[who]}
    assert set(selectors.projects_visible_to(actor).values_list("pk", flat=True)) == expected
    for key in {"a", "b"} - SEES[who]:
        hidden = getattr(world, key)
        for get, obj in (
            (selectors.get_project, hidden.project),
            (selectors.get_permit, hidden.permit),
            (selectors.get_building, hidden.building),
            (selectors.get_unit, hidden.units[0]),
        ):
            with pytest.raises(NotFound):
                get(actor=actor, pk=obj.pk)


@pytest.mark.parametrize("who", EVERYONE)
def test_api_hidden_objects_answer_404(world, who):
    client = api(getattr(world, who).user)
    listed = {p["id"] for p in client.get("/api/v1/projects").json()["items"]}
    assert listed == {getattr(world, key).project.pk for key in SEES[who]}
    for key in {"a", "b"} - SEES[who]:
        hidden = getattr(world, key)
        for url in (
            f"/api/v1/projects/{hidden.project.pk}",
            f"/api/v1/projects/{hidden.project.pk}/units",
            f"/api/v1/projects/{hidden.project.pk}/buildings",
            f"/api/v1/permits/{hidden.permit.pk}",
            f"/api/v1/buildings/{hidden.building.pk}",
            f"/api/v1/units/{hidden.units[0].pk}",
        ):
            assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", EVERYONE)
def test_pages_hidden_objects_answer_404(world, who):
    client = page(getattr(world, who).user)
    for key in {"a", "b"} - SEES[who]:
        hidden = getattr(world, key)
        for url in (
            f"/projects/{hidden.project.pk}/",
            f"/projects/units/{hidden.units[0].pk}/",
            f"/projects/{hidden.project.pk}/export/",
        ):
            assert client.get(url).status_code == 404, url


def test_owner_sees_only_its_units_and_no_participants(world):
    """An owner sees the units it bought, their building and permit, read-only."""
    owner = world.owner.actor
    assert list(selectors.units_visible_to(owner)) == [world.a.units[0]]
    assert list(selectors.buildings_visible_to(owner)) == [world.a.building]
    assert list(selectors.permits_visible_to(owner)) == [world.a.permit]
    assert not selectors.participants_visible_to(owner).exists()
    assert not selectors.planning_permits_visible_to(owner).exists()
    units = api(world.owner.user).get(f"/api/v1/projects/{world.a.project.pk}/units").json()
    assert [u["id"] for u in units["items"]] == [world.a.units[0].pk]
    assert api(world.owner.user).get(f"/api/v1/units/{world.a.units[1].pk}").status_code == 404


def _state(world):
    world.a.permit.refresh_from_db()
    world.a.building.refresh_from_db()
    return (
        Project.objects.count(),
        ConstructionPermit.objects.count(),
        Building.objects.count(),
        Unit.objects.count(),
        world.a.permit.construction_started_on,
        world.a.building.delivered_on,
        audit_count(),
    )


WRITES = [
    ("post", "/api/v1/projects/{a}/planning-permits", {"number": "P-NEW"}),
    (
        "post",
        "/api/v1/projects/{a}/buildings",
        {"permit": "{permit}", "name": "5幢", "housing_type": "commercial", "floors_above": 9},
    ),
    (
        "post",
        "/api/v1/projects/{a}/units",
        {"building": "{building}", "room_number": "901", "floor": 9, "area": "88.00"},
    ),
    ("post", "/api/v1/permits/{permit}/construction-start", {"started_on": "2025-03-01"}),
    (
        "post",
        "/api/v1/units/{unit}/sale",
        {
            "sold_on": "2025-07-01",
            "buyers": [
                {"real_name": "王五", "id_number": "11010519491231002X", "phone": "13812345678"}
            ],
        },
    ),
]


def _fill(value, world):
    ids = {
        "a": world.a.project.pk,
        "permit": world.a.permit.pk,
        "building": world.a.building.pk,
        "unit": world.a.units[1].pk,
    }
    if isinstance(value, str):
        for key, pk in ids.items():
            if value == "{" + key + "}":
                return pk
            value = value.replace("{" + key + "}", str(pk))
        return value
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    return value


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("reg_city", 403),
        ("reg_xihu", 403),
        ("insurer", 403),
        ("contractor", 403),
        ("owner", 403),
        ("dev_b", 404),
        ("other_insurer", 404),
        ("reg_binjiang", 404),
    ],
)
@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_api_writes_by_others_refused_and_nothing_changed(world, who, status, method, url, body):
    """Seeing a project is not writing it: 403 to those who may see it, 404 to the rest."""
    client = api(getattr(world, who).user)
    before = _state(world)
    answer = getattr(client, method)(
        _fill(url, world), _fill(body, world), content_type="application/json"
    )
    if status == 403 and "/units/" in url and who == "owner":
        status = 404  # the owner does not know the unit it did not buy
    assert answer.status_code == status, answer.content
    assert _state(world) == before


@pytest.mark.parametrize(("who", "status"), [("reg_xihu", 403), ("dev_b", 404)])
def test_pages_writes_by_others_refused_and_nothing_changed(world, who, status):
    client = page(getattr(world, who).user)
    before = _state(world)
    a = world.a.project.pk
    for url, data in (
        (
            f"/projects/{a}/buildings/new/",
            {
                "permit": world.a.permit.pk,
                "name": "6幢",
                "housing_type": "commercial",
                "floors_above": 3,
            },
        ),
        (
            f"/projects/permits/{world.a.permit.pk}/start/",
            {"construction_started_on": "2025-03-01"},
        ),
        (
            f"/projects/{a}/units/new/",
            {"building": world.a.building.pk, "room_number": "701", "floor": 7, "area": "80"},
        ),
        (f"/projects/{a}/import/", {}),
    ):
        assert client.get(url).status_code == status, url
        assert client.post(url, data).status_code == status, url
    assert _state(world) == before


def test_developer_writes_through_the_api(world):
    cancel_draft_policy(world)
    client = api(world.dev_a.user)
    answer = client.post(
        f"/api/v1/permits/{world.a.permit.pk}/construction-start",
        {"started_on": "2025-03-01"},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert answer.json()["stage"] == "under_construction"
    world.a.permit.refresh_from_db()
    assert world.a.permit.construction_started_on == date(2025, 3, 1)
