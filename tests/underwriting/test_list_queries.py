"""No list grows its query count with its rows: each list (API and page) is read at 1 row and
at 20 rows with the same number of queries (django_assert_num_queries)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from uw_helpers import add_permit, coinsured, make_org, make_user, quoted, sell

from idi.parties.models import OrgType
from idi.projects.models import Participant, Unit
from idi.underwriting import services
from idi.underwriting.models import Policy

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured)


def _flat(django_assert_num_queries, client, url, grow):
    """The count at one row, then the same count once `grow` has made 20."""
    at_one = _queries(client, url)
    grow()
    with django_assert_num_queries(at_one):
        response = client.get(url)
    assert response.status_code == 200
    return response


def _more_policies(world, total=20):
    def grow():
        for n in range(Policy.objects.count() + 1, total + 1):
            permit, _ = add_permit(world.project, world.planning, f"CP-2025-{n:03d}")
            quoted(world, permit=permit, shares=coinsured(world))

    return grow


@pytest.mark.parametrize("who", ["developer", "lead", "reg_city"])
def test_policy_list_api_and_page(world, django_assert_num_queries, who):
    quoted(world, shares=coinsured(world))
    client = getattr(world, who).client()
    grow = _more_policies(world)
    response = _flat(django_assert_num_queries, client, "/api/v1/policies?limit=50", grow)
    assert response.json()["count"] == 20
    _flat(django_assert_num_queries, client, reverse("underwriting:list"), lambda: None)


def test_my_homes_api_and_page(world, django_assert_num_queries):
    """An owner of 1 home, then of 20 homes under 20 policies."""
    from uw_helpers import issued

    issued(world, shares=coinsured(world))
    sell(world.unit, world.owner)

    def grow():
        for n in range(2, 21):
            permit, building = add_permit(world.project, world.planning, f"CP-2025-{n:03d}")
            issued(world, permit=permit, shares=coinsured(world))
            unit = Unit.objects.create(
                project=world.project,
                building=building,
                room_number="101",
                floor=1,
                area=Decimal("90"),
            )
            sell(unit, world.owner)

    client = world.owner.client()
    response = _flat(django_assert_num_queries, client, "/api/v1/my-homes?limit=50", grow)
    assert response.json()["count"] == 20
    _flat(django_assert_num_queries, client, reverse("underwriting:my_homes"), lambda: None)


def test_participant_notices_api_and_page(world, django_assert_num_queries):
    """A contractor notified on 1 project, then on 20."""
    policy = quoted(world)
    services.notify_participants(actor=world.developer.actor, policy=policy)

    def grow():
        from idi.core import clock
        from idi.projects.models import PlanningPermit, Project

        for n in range(2, 21):
            project = Project.objects.create(
                name=f"项目{n}",
                developer=world.developer.org,
                district="binjiang",
                housing_type="commercial",
                created_at=clock.now(),
            )
            planning = PlanningPermit.objects.create(project=project, number=f"PP-{n}")
            permit, _ = add_permit(project, planning, f"CP-X-{n}")
            Participant.objects.create(
                project=project, organisation=world.contractor.org, role="contractor"
            )
            other = quoted(world, permit=permit)
            services.notify_participants(actor=world.developer.actor, policy=other)

    client = world.contractor.client()
    response = _flat(
        django_assert_num_queries, client, "/api/v1/participant-notices?limit=50", grow
    )
    assert response.json()["count"] == 20
    _flat(django_assert_num_queries, client, reverse("underwriting:notices"), lambda: None)


def test_a_policys_notices_and_attachments(world, django_assert_num_queries):
    from uw_helpers import pdf

    policy = quoted(world)
    services.notify_participants(actor=world.developer.actor, policy=policy)
    services.upload_attachment(
        actor=world.lead.actor, policy=policy, kind="claims_plan", upload=pdf()
    )

    def grow():
        for n in range(19):
            org = make_org(f"参建单位{n}", OrgType.CONTRACTOR)
            make_user(f"c{n}", org)
            Participant.objects.create(project=world.project, organisation=org, role="contractor")
            services.upload_attachment(
                actor=world.lead.actor, policy=policy, kind="claims_plan", upload=pdf()
            )
        services.notify_participants(actor=world.developer.actor, policy=policy)

    client = world.developer.client()
    at_one = {
        url: _queries(client, url)
        for url in (
            f"/api/v1/policies/{policy.pk}/participant-notices?limit=50",
            f"/api/v1/policies/{policy.pk}/attachments?limit=50",
        )
    }
    grow()
    for url, count in at_one.items():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200


def test_registry_lists_api_and_pages(world, django_assert_num_queries):
    """Projects, a project's units (by page and by cursor, and its page) and organisations,
    read by the operator: the same count at a few rows and at 20 more."""
    from idi.core import clock
    from idi.projects.models import Project

    client = world.operator.client()
    project = world.project
    urls = [
        "/api/v1/projects?limit=50",
        reverse("projects:list"),
        f"/api/v1/projects/{project.pk}/units?limit=50",
        f"/api/v1/projects/{project.pk}/units?cursor=&limit=50",
        reverse("projects:detail", args=[project.pk]),
        "/api/v1/organisations?limit=50",
        reverse("parties:org_list"),
    ]
    before = {url: _queries(client, url) for url in urls}
    for n in range(20):
        Project.objects.create(
            name=f"项目{n}",
            developer=world.developer.org,
            district="binjiang",
            housing_type="commercial",
            created_at=clock.now(),
        )
        unit = Unit.objects.create(
            project=project,
            building=world.building,
            room_number=f"2{n:02d}",
            floor=2,
            area=Decimal("88"),
        )
        sell(unit, world.owner)
        make_org(f"单位{n}", OrgType.SUPERVISOR)
    for url, count in before.items():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200, url
