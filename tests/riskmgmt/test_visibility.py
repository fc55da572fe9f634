"""Who sees the engagement, its inspections, defects, board and evidence: every role (404 for
what the actor may not know exists), and lists whose query count does not grow with the rows."""

import pytest
from rm_helpers import engage, finding, inspect, photo
from uw_helpers import build_other_project

from idi.core.errors import NotFound
from idi.projects.selectors import get_project
from idi.riskmgmt import selectors, services

pytestmark = pytest.mark.django_db

SEES = [
    "rma",
    "developer",
    "contractor",
    "supervisor",
    "lead",
    "reg_binjiang",
    "reg_city",
    "guarantee",
    "operator",
]
HIDDEN = ["other_rma", "other_developer", "outsider", "reg_xihu", "owner", "other_owner"]


@pytest.fixture
def defect(world):
    engagement = engage(world)
    return inspect(world, engagement, finding(world)).defects.get()


@pytest.mark.parametrize("who", SEES)
def test_parties_of_the_project_see_its_risk_management(world, defect, who):
    client = getattr(world, who).client()
    assert client.get(f"/api/v1/engagements/{defect.engagement_id}").status_code == 200
    assert client.get(f"/api/v1/defects/{defect.pk}").status_code == 200
    board = client.get(f"/api/v1/projects/{world.project.pk}/defects")
    assert board.status_code == 200 and board.json()["count"] == 1
    assert client.get(f"/riskmgmt/projects/{world.project.pk}/defects/").status_code == 200
    assert client.get(f"/riskmgmt/defects/{defect.pk}/").status_code == 200


def _reads(world, defect):
    engagement = defect.engagement
    evidence = services.upload_evidence(
        actor=world.rma.actor, defect=defect, stage="before", upload=photo()
    )
    services.write_final_report(actor=world.rma.actor, engagement=engagement)
    return [
        f"/api/v1/engagements/{engagement.pk}/compliance",
        f"/api/v1/engagements/{engagement.pk}/final-report",
        f"/riskmgmt/engagements/{engagement.pk}/",
        f"/riskmgmt/inspections/{defect.inspection_id}/",
        f"/riskmgmt/evidence/{evidence.pk}/",
    ]


@pytest.mark.parametrize("who", SEES + HIDDEN)
def test_every_read_of_the_engagement_by_role(world, defect, who):
    """R-O1 and the parties: the compliance table, the final report, the engagement and
    inspection pages and the evidence answer 200 to the project's parties and 404 to others."""
    expected = 200 if who in SEES else 404
    client = getattr(world, who).client()
    for url in _reads(world, defect):
        assert client.get(url).status_code == expected, (who, url)


@pytest.mark.parametrize("who", HIDDEN)
def test_others_do_not_know_it_exists(world, defect, who):
    client = getattr(world, who).client()
    assert client.get(f"/api/v1/engagements/{defect.engagement_id}").status_code == 404
    assert client.get(f"/api/v1/defects/{defect.pk}").status_code == 404
    assert client.get(f"/riskmgmt/defects/{defect.pk}/").status_code == 404
    with pytest.raises(NotFound):
        selectors.get_defect(actor=getattr(world, who).actor, pk=defect.pk)


def test_owner_sees_the_project_but_not_its_defect_board(world, defect):
    """Construction-phase findings are the parties' and the regulator's: an owner who sees the
    project gets 404 for its defect board (API and page, whose filters would name the
    responsible units) as for each defect."""
    from uw_helpers import sell

    sell(world.unit, world.owner)
    actor, client = world.owner.actor, world.owner.client()
    assert get_project(actor=actor, pk=world.project.pk) == world.project
    with pytest.raises(NotFound):
        selectors.get_project(actor=actor, pk=world.project.pk)
    assert client.get(f"/api/v1/projects/{world.project.pk}/defects").status_code == 404
    assert client.get(f"/riskmgmt/projects/{world.project.pk}/defects/").status_code == 404
    assert client.get(f"/api/v1/defects/{defect.pk}").status_code == 404


def test_an_rma_sees_the_projects_it_is_engaged_on(world, defect):
    """Hook.PROJECT_VISIBILITY: the engaged RMA sees the project; another RMA does not."""
    assert world.rma.client().get(f"/api/v1/projects/{world.project.pk}").status_code == 200
    assert world.other_rma.client().get(f"/api/v1/projects/{world.project.pk}").status_code == 404
    page = world.rma.client().get(f"/projects/{world.project.pk}/").content.decode()
    assert "风险管理" in page


def test_anonymous_gets_nothing(client, world, defect):
    assert client.get(f"/api/v1/defects/{defect.pk}").status_code == 401
    assert client.get(f"/riskmgmt/defects/{defect.pk}/").status_code == 302


def test_board_filters(world):
    engagement = engage(world)
    inspect(
        world,
        engagement,
        finding(world, grade="D", category="waterproofing"),
        finding(world, grade="B", category="insulation", floor=5),
    )
    other = build_other_project(world)
    client = world.developer.client()
    url = f"/api/v1/projects/{world.project.pk}/defects"
    assert client.get(url, {"grade": "D"}).json()["count"] == 1
    assert client.get(url, {"category": "insulation"}).json()["items"][0]["floor"] == 5
    assert client.get(url, {"status": "closed"}).json()["count"] == 0
    assert client.get(url, {"building": world.building.pk}).json()["count"] == 2
    assert client.get(url, {"stage": "main_structure", "limit": 1}).json() | {"items": []} == {
        "items": [],
        "count": 2,
        "page": 1,
        "pages": 2,
        "limit": 1,
    }
    assert client.get(f"/api/v1/projects/{other.project_id}/defects").status_code == 404


@pytest.mark.parametrize("rows", [1, 20])
def test_board_query_count_is_constant(world, rows, django_assert_num_queries):
    engagement = engage(world)
    inspect(world, engagement, *[finding(world) for _ in range(rows)])
    client = world.developer.client()
    url = f"/api/v1/projects/{world.project.pk}/defects"
    client.get(url)  # warm the session and the rulebook
    # session, user, profile, the project, the count and the page of rows.
    with django_assert_num_queries(6):
        body = client.get(url).json()
    assert len(body["items"]) == rows


@pytest.mark.parametrize("rows", [1, 20])
def test_board_page_query_count_is_constant(world, rows, django_assert_num_queries):
    engagement = engage(world)
    inspect(world, engagement, *[finding(world) for _ in range(rows)])
    client = world.developer.client()
    url = f"/riskmgmt/projects/{world.project.pk}/defects/"
    client.get(url)
    with django_assert_num_queries(BOARD_PAGE_QUERIES):
        response = client.get(url)
    assert response.content.decode().count('data-defect="') == rows


# The page adds to the API's queries: the filters' buildings and responsible units, and the header's
# unread count (the signed-in party is resolved once per request).
BOARD_PAGE_QUERIES = 9
