"""The demo data set: loaded through the services, once, with one log-in per role."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from idi.core.models import AuditEvent
from idi.core.rulebook import get_rulebook
from idi.parties import demo as parties_demo
from idi.parties.selectors import actor_for_user, last_complete_year, lead_qualifications_for
from idi.projects import demo as projects_demo
from idi.projects import selectors
from idi.projects.models import Project, Unit
from idi.rules import check_lead_qualifications

pytestmark = pytest.mark.django_db


def test_demo_loads_once_with_a_log_in_per_role():
    logins = parties_demo.load(password="demo-password-1") + projects_demo.load(
        password="demo-password-1"
    )
    events = AuditEvent.objects.count()
    again = parties_demo.load(password="x") + projects_demo.load(password="x")
    assert again == logins
    assert AuditEvent.objects.count() == events  # idempotent: nothing written the second time
    names = {username for username, _ in logins}
    assert {
        "dev_xihu",
        "ins_lead",
        "ins_claims",
        "owner_zhang",
        "reg_xihu",
        "reg_city",
        "guarantee",
        "rma",
        "contractor",
    } <= names
    users = get_user_model().objects
    assert users.get(username="owner_zhang").check_password("demo-password-1")

    zhang = actor_for_user(users.get(username="owner_zhang"))
    assert selectors.units_visible_to(zhang).count() == 2
    reg_xihu = actor_for_user(users.get(username="reg_xihu"))
    assert set(selectors.projects_visible_to(reg_xihu).values_list("name", flat=True)) == {
        projects_demo.PROJECT_YUNQI,
        projects_demo.PROJECT_XIXI,
    }
    assert Project.objects.get(name=projects_demo.PROJECT_JIANGHUI).housing_type == "mixed"
    assert Unit.objects.filter(project__name=projects_demo.PROJECT_XIXI).count() == 58


def test_R_U1_demo_holds_affordable_housing_started_without_a_policy():
    """滨江's affordable project started construction with no policy (the start is guarded only
    for a permit that has one, R-U3); 余杭's second phase has a planning permit of its own."""
    parties_demo.load(password="demo-password-1")
    projects_demo.load(password="demo-password-1")
    anju = Project.objects.get(name=projects_demo.PROJECT_JIANGNAN_ANJU)
    assert (anju.district, anju.housing_type) == ("binjiang", "affordable")
    permit = anju.construction_permits.get()
    assert permit.number == projects_demo.PERMIT_JIANGNAN_ANJU
    assert permit.construction_started_on == date(2025, 7, 15)
    assert list(permit.buildings.values_list("housing_type", flat=True)) == ["affordable"]
    second = Project.objects.get(name=projects_demo.PROJECT_LIANGZHU_2)
    first = Project.objects.get(name=projects_demo.PROJECT_LIANGZHU)
    assert second.developer == first.developer and second.district == "yuhang"
    assert second.planning_permits.get() != first.planning_permits.get()
    assert second.construction_permits.get().construction_started_on is None


def test_R_U6_demo_has_a_lead_candidate_that_draws_a_warning():
    """R-U6: of the demo insurers only the weak lead misses a lead condition."""
    parties_demo.load(password="demo-password-1")
    pack, year = get_rulebook().pack(), last_complete_year()
    warned = {
        name: check_lead_qualifications(
            pack, lead_qualifications_for(parties_demo.organisation(name), year=year), year
        )
        for name in (
            parties_demo.INSURER_LEAD,
            parties_demo.INSURER_FOLLOWER_1,
            parties_demo.INSURER_FOLLOWER_2,
            parties_demo.INSURER_WEAK_LEAD,
        )
    }
    assert [name for name, w in warned.items() if w] == [parties_demo.INSURER_WEAK_LEAD]
    assert [w.rule for w in warned[parties_demo.INSURER_WEAK_LEAD]] == ["R-U6"]
