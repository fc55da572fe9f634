"""Every write to projects is one audited service (R-O3); refusals change nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from parties_helpers import OPERATOR, audit_count, make_id_number
from projects_helpers import buyer, cancel_draft_policy, organisation

from idi.core import clock
from idi.core.errors import Forbidden, RuleViolation
from idi.core.models import AuditEvent
from idi.parties.models import Profile
from idi.projects import services
from idi.projects.models import (
    Building,
    ConstructionPermit,
    Participant,
    Project,
    Sale,
    Unit,
)

pytestmark = pytest.mark.django_db


def last_event() -> AuditEvent:
    return AuditEvent.objects.latest("id")


def test_R_O3_register_project_audited(world):
    """R-O3: a developer registers its own project; the event records who and what."""
    project = services.register_project(
        actor=world.dev_a.actor, name="云栖玫瑰园", district="xihu", housing_type="mixed"
    )
    assert project.developer == world.dev_a.org
    event = last_event()
    assert event.action == "projects.register_project"
    assert event.actor_label == "dev_a"
    assert event.after["housing_type"] == "mixed"


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("district", {"district": "city"}),
        ("housing_type", {"housing_type": "villa"}),
        ("name", {"name": "西溪云庐"}),  # the developer already has it
        ("name", {"name": " "}),
    ],
)
def test_bad_project_refused_and_nothing_written(world, field, changes):
    args = {"name": "新项目", "district": "xihu", "housing_type": "commercial", **changes}
    before = (Project.objects.count(), audit_count())
    with pytest.raises(RuleViolation) as refused:
        services.register_project(actor=world.dev_a.actor, **args)
    assert refused.value.field == field
    assert (Project.objects.count(), audit_count()) == before


@pytest.mark.parametrize("who", ["insurer", "reg_city", "contractor"])
def test_only_developers_register_projects(world, who):
    before = (Project.objects.count(), audit_count())
    with pytest.raises(Forbidden):
        services.register_project(
            actor=getattr(world, who).actor, name="x", district="xihu", housing_type="commercial"
        )
    assert (Project.objects.count(), audit_count()) == before


def test_operator_registers_for_a_developer(world):
    project = services.register_project(
        actor=OPERATOR,
        name="运营代登记",
        district="gongshu",
        housing_type="affordable",
        developer=world.dev_b.org,
    )
    assert project.developer == world.dev_b.org


@pytest.mark.parametrize(
    "write",
    [
        lambda w: services.add_planning_permit(
            actor=w.dev_b.actor, project=w.a.project, number="P-X"
        ),
        lambda w: services.add_building(
            actor=w.dev_b.actor,
            project=w.a.project,
            permit=w.a.permit,
            name="9幢",
            housing_type="commercial",
            floors_above=3,
        ),
        lambda w: services.add_unit(
            actor=w.reg_city.actor, building=w.a.building, room_number="909", floor=9, area=90
        ),
        lambda w: services.record_construction_start(
            actor=w.insurer.actor, permit=w.a.permit, started_on=date(2025, 3, 1)
        ),
        lambda w: services.record_sale(
            actor=w.owner.actor,
            unit=w.a.units[1],
            sold_on=date(2025, 6, 1),
            buyers=[buyer(9, "王五")],
        ),
        lambda w: services.add_participant(
            actor=w.contractor.actor,
            project=w.a.project,
            organisation_uscc=w.contractor.org.uscc,
            role="supervisor",
        ),
    ],
)
def test_only_the_projects_developer_writes_and_a_refusal_changes_nothing(world, write):
    counts = (
        Building.objects.count(),
        Unit.objects.count(),
        Sale.objects.count(),
        Participant.objects.count(),
        audit_count(),
    )
    with pytest.raises(Forbidden):
        write(world)
    world.a.permit.refresh_from_db()
    assert world.a.permit.construction_started_on is None
    assert (
        Building.objects.count(),
        Unit.objects.count(),
        Sale.objects.count(),
        Participant.objects.count(),
        audit_count(),
    ) == counts


def test_R_O3_permit_moves_issued_started_completed_each_audited(world):
    """R-O3: start and completion are recorded with the permit's before and after."""
    cancel_draft_policy(world)
    permit = world.a.permit
    services.record_construction_start(
        actor=world.dev_a.actor, permit=permit, started_on=date(2025, 3, 1)
    )
    # Starting without the kickoff and plan adds an R-R3 exception event after the permit's.
    event = AuditEvent.objects.filter(action="projects.record_construction_start").latest("id")
    assert event.before["stage"] == "issued"
    assert event.after["stage"] == "under_construction"
    services.record_completion_acceptance(
        actor=world.dev_a.actor, permit=permit, accepted_on=date(2026, 6, 30)
    )
    permit.refresh_from_db()
    assert permit.completion_accepted_on == date(2026, 6, 30)
    assert services.permit_stage(permit) == "completed"
    assert last_event().after["completion_accepted_on"] == "2026-06-30"


def test_permit_steps_out_of_order_are_refused(world):
    permit = world.a.permit
    before = audit_count()
    with pytest.raises(RuleViolation) as refused:
        services.record_completion_acceptance(
            actor=world.dev_a.actor, permit=permit, accepted_on=date(2025, 9, 1)
        )
    assert refused.value.field == "completion_accepted_on"
    with pytest.raises(RuleViolation):
        services.record_permit_issue(
            actor=world.dev_a.actor, permit=permit, issued_on=date(2025, 2, 2)
        )
    with pytest.raises(RuleViolation):
        services.record_construction_start(
            actor=world.dev_a.actor, permit=permit, started_on=date(2025, 1, 20)
        )
    with pytest.raises(RuleViolation):
        services.record_construction_start(
            actor=world.dev_a.actor, permit=permit, started_on=clock.today() + timedelta(days=1)
        )
    permit.refresh_from_db()
    assert permit.construction_started_on is None
    assert audit_count() == before


def test_permit_issue_step_and_dates(world):
    permit = services.add_construction_permit(
        actor=world.dev_a.actor,
        project=world.a.project,
        planning_permit=world.a.planning,
        number="330106202503010001",
        applied_on=date(2025, 3, 1),
    )
    assert services.permit_stage(permit) == "applied"
    with pytest.raises(RuleViolation):
        services.record_permit_issue(
            actor=world.dev_a.actor, permit=permit, issued_on=date(2025, 2, 1)
        )
    services.record_permit_issue(
        actor=world.dev_a.actor, permit=permit, issued_on=date(2025, 3, 20)
    )
    assert services.permit_stage(ConstructionPermit.objects.get(pk=permit.pk)) == "issued"
    assert last_event().action == "projects.record_permit_issue"


def test_permit_numbers_are_unique_and_planning_permit_must_be_the_projects(world):
    before = (ConstructionPermit.objects.count(), audit_count())
    with pytest.raises(RuleViolation) as refused:
        services.add_construction_permit(
            actor=world.dev_a.actor,
            project=world.a.project,
            planning_permit=world.a.planning,
            number=world.a.permit.number,
            applied_on=date(2025, 1, 1),
        )
    assert refused.value.field == "number"
    with pytest.raises(RuleViolation) as refused:
        services.add_construction_permit(
            actor=world.dev_a.actor,
            project=world.a.project,
            planning_permit=world.b.planning,
            number="NEW-1",
            applied_on=date(2025, 1, 1),
        )
    assert refused.value.field == "planning_permit"
    assert (ConstructionPermit.objects.count(), audit_count()) == before


def test_building_housing_type_must_match_unless_project_is_mixed(world):
    """Issue 3: a building's housing type is the project's unless the project is mixed."""
    before = (Building.objects.count(), audit_count())
    with pytest.raises(RuleViolation) as refused:
        services.add_building(
            actor=world.dev_a.actor,
            project=world.a.project,
            permit=world.a.permit,
            name="2幢",
            housing_type="affordable",
            floors_above=11,
        )
    assert refused.value.field == "housing_type"
    assert (Building.objects.count(), audit_count()) == before
    mixed = services.register_project(
        actor=world.dev_a.actor, name="混合项目", district="xihu", housing_type="mixed"
    )
    planning = services.add_planning_permit(actor=world.dev_a.actor, project=mixed, number="PM")
    permit = services.add_construction_permit(
        actor=world.dev_a.actor,
        project=mixed,
        planning_permit=planning,
        number="CM",
        applied_on=date(2025, 1, 1),
    )
    for name, housing in (("A", "affordable"), ("B", "commercial")):
        services.add_building(
            actor=world.dev_a.actor,
            project=mixed,
            permit=permit,
            name=name,
            housing_type=housing,
            floors_above=6,
        )
    assert set(mixed.buildings.values_list("housing_type", flat=True)) == {
        "affordable",
        "commercial",
    }


def test_building_under_another_projects_permit_refused(world):
    before = Building.objects.count()
    with pytest.raises(RuleViolation) as refused:
        services.add_building(
            actor=world.dev_a.actor,
            project=world.a.project,
            permit=world.b.permit,
            name="3幢",
            housing_type="commercial",
            floors_above=3,
        )
    assert refused.value.field == "permit"
    assert Building.objects.count() == before


def test_R_O3_delivery_after_completion_only(world):
    """R-O3: delivery is recorded once, after the permit's completion acceptance."""
    cancel_draft_policy(world)
    building = world.a.building
    before = audit_count()
    with pytest.raises(RuleViolation):
        services.record_delivery(
            actor=world.dev_a.actor, building=building, delivered_on=date(2025, 5, 1)
        )
    assert audit_count() == before
    services.record_construction_start(
        actor=world.dev_a.actor, permit=world.a.permit, started_on=date(2025, 3, 1)
    )
    services.record_completion_acceptance(
        actor=world.dev_a.actor, permit=world.a.permit, accepted_on=date(2026, 6, 30)
    )
    with pytest.raises(RuleViolation):
        services.record_delivery(
            actor=world.dev_a.actor, building=building, delivered_on=date(2026, 6, 29)
        )
    services.record_delivery(
        actor=world.dev_a.actor, building=building, delivered_on=date(2026, 9, 30)
    )
    building.refresh_from_db()
    assert building.delivered_on == date(2026, 9, 30)
    assert last_event().action == "projects.record_delivery"
    with pytest.raises(RuleViolation):
        services.record_delivery(
            actor=world.dev_a.actor, building=building, delivered_on=date(2026, 10, 1)
        )
    building.refresh_from_db()
    assert building.delivered_on == date(2026, 9, 30)


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("room_number", {"room_number": "101"}),
        ("floor", {"floor": 19}),
        ("floor", {"floor": 0}),
        ("area", {"area": Decimal("0")}),
        ("area", {"area": Decimal("89.555")}),
    ],
)
def test_bad_unit_refused_and_nothing_written(world, field, changes):
    args = {"room_number": "1801", "floor": 18, "area": Decimal("120.00"), **changes}
    before = (Unit.objects.count(), audit_count())
    with pytest.raises(RuleViolation) as refused:
        services.add_unit(actor=world.dev_a.actor, building=world.a.building, **args)
    assert refused.value.field == field
    assert (Unit.objects.count(), audit_count()) == before


def test_R_O3_add_unit_audited(world):
    """R-O3: a new unit is recorded with its building, room, floor and area."""
    unit = services.add_unit(
        actor=world.dev_a.actor, building=world.a.building, room_number="1801", floor=18, area=99
    )
    assert unit.project == world.a.project
    assert last_event().after == {
        "building": world.a.building.pk,
        "room_number": "1801",
        "floor": 18,
        "area": "99.00",
    }


def test_R_O3_participant_must_be_registered_with_that_type(world):
    """R-O3: a participant is recorded once, with the role its registered type allows."""
    supervisor = organisation("supervisor", "钱塘监理")
    services.add_participant(
        actor=world.dev_a.actor,
        project=world.a.project,
        organisation_uscc=supervisor.uscc,
        role="supervisor",
    )
    assert last_event().action == "projects.add_participant"
    before = (Participant.objects.count(), audit_count())
    for uscc, role, field in (
        (supervisor.uscc, "supervisor", "organisation_uscc"),  # already one
        (supervisor.uscc, "designer", "role"),
        ("913301009999999999", "designer", "organisation_uscc"),
    ):
        with pytest.raises(RuleViolation) as refused:
            services.add_participant(
                actor=world.dev_a.actor, project=world.a.project, organisation_uscc=uscc, role=role
            )
        assert refused.value.field == field
    assert (Participant.objects.count(), audit_count()) == before


def test_R_O3_sale_registers_new_owners_and_reuses_known_ones(world):
    """R-O3: a sale to two buyers; the known buyer (by ID number) is reused, the new one is
    registered; sale and registration are audited."""
    before = audit_count()
    sale = services.record_sale(
        actor=world.dev_a.actor,
        unit=world.a.units[1],
        sold_on=date(2025, 7, 1),
        contract_number="HT-2025-0002",
        buyers=[buyer(1, "张伟"), buyer(3, "王芳", "13712345678")],
    )
    assert sorted(sale.buyers.values_list("profile__real_name", flat=True)) == ["张伟", "王芳"]
    assert world.owner.user in sale.buyers.all()
    actions = list(AuditEvent.objects.order_by("-id")[:2].values_list("action", flat=True))
    assert actions == ["projects.record_sale", "parties.register_owner"]
    assert audit_count() == before + 2


def test_sale_refusals_change_nothing(world):
    cases = [
        ({"unit": world.a.units[0]}, "unit"),  # already sold
        ({"buyers": []}, "buyers"),
        ({"buyers": [buyer(1, "张三")]}, "buyers"),  # the ID is 张伟's
        ({"buyers": [buyer(4, "赵六"), buyer(4, "赵六")]}, "buyers"),
        ({"sold_on": clock.today() + timedelta(days=1)}, "sold_on"),
        (
            {"buyers": [services.Buyer("钱七", make_id_number(5)[:-1] + "0", "13612345678")]},
            "id_number",
        ),
    ]
    counts = (Sale.objects.count(), Profile.objects.count(), audit_count())
    for changes, field in cases:
        args = {"unit": world.a.units[1], "sold_on": date(2025, 7, 1), "buyers": [buyer(6, "孙八")]}
        args.update(changes)
        with pytest.raises(RuleViolation) as refused:
            services.record_sale(actor=world.dev_a.actor, **args)
        assert refused.value.field == field
    assert (Sale.objects.count(), Profile.objects.count(), audit_count()) == counts
