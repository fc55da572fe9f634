"""The duties of section 5 on the workspace: the agency's inspections of the month (R-R4) and its
plan (R-R3), the lead insurer's appointment, review and rating (R-R1, R-R7, R-R9), and the
regulator's check of past months short of R-R4 (R-O1). Today is 2025-03-03 (conftest)."""

from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rm_helpers import engage, finding, inspect, plan
from uw_helpers import SHANGHAI, Party, add_permit, issued, make_user

from idi.core.workspace import tasks_for
from idi.projects import services as projects
from idi.riskmgmt import services, workspace
from idi.rules import PlannedStage

pytestmark = pytest.mark.django_db

NEW_KINDS = {
    "riskmgmt.record_inspection",
    "riskmgmt.set_plan",
    "riskmgmt.appoint_rma",
    "riskmgmt.review_final_report",
    "riskmgmt.evaluate_rma",
    "riskmgmt.check_inspection_shortfall",
}


def _tasks(party, kind):
    return [t for t in tasks_for(party.actor) if t.kind == kind]


def _inspections_due(world):
    return [(t.title_zh, t.due) for t in _tasks(world.rma, "riskmgmt.record_inspection")]


def _shortfalls(party):
    return [t.subject for t in _tasks(party, "riskmgmt.check_inspection_shortfall")]


def _planned(world, *stages, letter_valid_from=date(2025, 1, 1)):
    engagement = engage(world, letter_valid_from=letter_valid_from)
    plan(world, engagement, *stages)
    return engagement


# --- the agency: R-R4 this month, R-R3 the plan -----------------------------------------------


def test_R_R4_rma_task_counts_down_this_months_inspections_and_goes_when_done(world):
    """Main structure runs the whole of March: 2 inspections are due by 03-31. The foundation
    ended in February and asks nothing of March."""
    engagement = _planned(world)
    (task,) = _tasks(world.rma, "riskmgmt.record_inspection")
    assert task.title_zh == "本月还需过程检查 2 次（主体结构阶段）"
    assert task.title_en == "2 more process inspections needed this month (Main structure stage)"
    assert (task.due, task.rule) == (date(2025, 3, 31), "R-R4")
    assert task.url == f"/riskmgmt/engagements/{engagement.pk}/inspections/new/"
    assert task.subject == f"{world.project.name} · {world.policy.number}"

    inspect(world, engagement, finding(world), inspected_on=date(2025, 3, 1))
    assert _inspections_due(world) == [("本月还需过程检查 1 次（主体结构阶段）", date(2025, 3, 31))]
    inspect(world, engagement, finding(world), inspected_on=date(2025, 3, 3))
    assert _inspections_due(world) == []


def test_R_R4_an_inspection_of_another_stage_or_month_does_not_count(world):
    engagement = _planned(world)
    inspect(world, engagement, finding(world), inspected_on=date(2025, 2, 20))
    inspect(world, engagement, finding(world), inspected_on=date(2025, 3, 2), stage="foundation")
    assert _inspections_due(world) == [("本月还需过程检查 2 次（主体结构阶段）", date(2025, 3, 31))]


def test_R_R4_a_stage_active_fewer_than_15_days_this_month_needs_one(world):
    """Foundation until 03-10 (10 days of March: 1), main structure from 03-11 (21 days: 2)."""
    _planned(
        world,
        PlannedStage("foundation", date(2025, 1, 10), date(2025, 3, 10)),
        PlannedStage("main_structure", date(2025, 3, 11), date(2025, 8, 31)),
    )
    assert _inspections_due(world) == [
        ("本月还需过程检查 1 次（地基基础阶段）", date(2025, 3, 31)),
        ("本月还需过程检查 2 次（主体结构阶段）", date(2025, 3, 31)),
    ]


def test_R_R4_nothing_due_outside_the_plan(world):
    _planned(world, PlannedStage("foundation", date(2025, 4, 1), date(2025, 6, 30)))
    assert _inspections_due(world) == []
    with time_machine.travel(datetime(2025, 7, 1, 9, tzinfo=SHANGHAI), tick=False):
        assert _inspections_due(world) == []
    with time_machine.travel(datetime(2025, 6, 20, 9, tzinfo=SHANGHAI), tick=False):
        assert _inspections_due(world) == [
            ("本月还需过程检查 2 次（地基基础阶段）", date(2025, 6, 30))
        ]


def test_R_R3_rma_task_to_submit_the_plan_goes_once_submitted(world):
    engagement = engage(world)
    (task,) = _tasks(world.rma, "riskmgmt.set_plan")
    assert (task.url, task.rule, task.due) == (
        f"/riskmgmt/engagements/{engagement.pk}/plan/",
        "R-R3",
        None,
    )
    projects.record_construction_start(
        actor=world.developer.actor, permit=world.permit, started_on=date(2025, 3, 3)
    )
    # Construction started without the plan: the duty is now overdue from the start.
    (task,) = _tasks(world.rma, "riskmgmt.set_plan")
    assert task.due == date(2025, 3, 3)
    plan(world, engagement)
    assert _tasks(world.rma, "riskmgmt.set_plan") == []
    assert _tasks(world.other_rma, "riskmgmt.set_plan") == []


def test_R_R3_a_plan_submitted_before_it_was_entered_keeps_its_date(world):
    engagement = engage(world)
    services.set_plan(
        actor=world.rma.actor,
        engagement=engagement,
        stages=[PlannedStage("foundation", date(2025, 3, 3), date(2025, 5, 31))],
        submitted_on=date(2025, 3, 1),
    )
    engagement.refresh_from_db()
    assert engagement.plan_set_on == date(2025, 3, 1)


# --- the lead insurer: R-R1, R-R7, R-R9 --------------------------------------------------------


def test_R_R1_lead_insurer_appoints_an_rma_on_an_issued_policy(world):
    (task,) = _tasks(world.lead, "riskmgmt.appoint_rma")
    assert (task.url, task.rule) == (f"/riskmgmt/policies/{world.policy.pk}/engage/", "R-R1")
    assert _tasks(world.f1, "riskmgmt.appoint_rma") == []
    # A member who only handles claims has its claims queue on its list, not this.
    handler = Party(
        world.lead.org, make_user("lead_handler", world.lead.org, roles=("claims_handler",))
    )
    assert _tasks(handler, "riskmgmt.appoint_rma") == []
    engage(world)
    assert _tasks(world.lead, "riskmgmt.appoint_rma") == []


def test_R_R7_R_R9_lead_insurer_reviews_the_final_report_then_rates_the_rma(world):
    engagement = engage(world)
    services.evaluate_rma(actor=world.lead.actor, engagement=engagement, rating=3, reasons="中期")
    assert _tasks(world.lead, "riskmgmt.evaluate_rma") == []  # nothing to rate at yet
    services.write_final_report(actor=world.rma.actor, engagement=engagement)
    (review,) = _tasks(world.lead, "riskmgmt.review_final_report")
    assert (review.url, review.rule) == (
        f"/riskmgmt/engagements/{engagement.pk}/#final-report",
        "R-R7",
    )
    # The rating before the report does not count as the one at the report (R-R9).
    (rating,) = _tasks(world.lead, "riskmgmt.evaluate_rma")
    assert (rating.url, rating.rule) == (
        f"/riskmgmt/engagements/{engagement.pk}/evaluation/",
        "R-R9",
    )
    for party in (world.f1, world.rma, world.developer, world.reg_binjiang):
        kinds = {t.kind for t in tasks_for(party.actor)}
        assert not kinds & {"riskmgmt.review_final_report", "riskmgmt.evaluate_rma"}

    services.review_final_report(actor=world.lead.actor, engagement=engagement)
    assert _tasks(world.lead, "riskmgmt.review_final_report") == []
    assert len(_tasks(world.lead, "riskmgmt.evaluate_rma")) == 1
    services.evaluate_rma(actor=world.lead.actor, engagement=engagement, rating=4, reasons="及时")
    assert _tasks(world.lead, "riskmgmt.evaluate_rma") == []


# --- the regulator: past months short of R-R4 (R-O1) -------------------------------------------


def test_R_R4_regulator_checks_past_months_short_in_its_district_only(world):
    """Plan: foundation 01-10..02-14, main structure from 02-15. January's foundation needs 2
    and has none; February's foundation has its 1; February's main structure has none. March
    is still running and is not judged."""
    engagement = _planned(world)
    inspect(world, engagement, finding(world), inspected_on=date(2025, 2, 10), stage="foundation")
    expected = [
        f"{world.project.name} · 2025-01 · 地基基础",
        f"{world.project.name} · 2025-02 · 主体结构",
    ]
    assert _shortfalls(world.reg_binjiang) == expected
    assert _shortfalls(world.reg_city) == expected
    assert _shortfalls(world.reg_xihu) == []
    task = _tasks(world.reg_city, "riskmgmt.check_inspection_shortfall")[0]
    assert (task.title_zh, task.rule, task.url) == (
        "核查：过程检查次数不足",
        "R-R4",
        f"/riskmgmt/engagements/{engagement.pk}/#compliance",
    )
    inspect(world, engagement, finding(world), inspected_on=date(2025, 2, 20))
    assert _shortfalls(world.reg_binjiang) == expected[:1]


def test_R_R4_regulator_looks_back_three_months(world):
    engagement = _planned(world)
    inspect(world, engagement, finding(world), inspected_on=date(2025, 3, 3))
    with time_machine.travel(datetime(2025, 6, 1, 9, tzinfo=SHANGHAI), tick=False):
        assert _shortfalls(world.reg_city) == [
            f"{world.project.name} · {month} · 主体结构"
            for month in ("2025-03", "2025-04", "2025-05")
        ]


def test_no_other_party_gets_the_duties_of_section_5(world):
    engagement = _planned(world)
    services.write_final_report(actor=world.rma.actor, engagement=engagement)
    own = {
        "rma": {"riskmgmt.record_inspection"},
        "lead": {"riskmgmt.review_final_report", "riskmgmt.evaluate_rma"},
        "reg_binjiang": {"riskmgmt.check_inspection_shortfall"},
        "reg_city": {"riskmgmt.check_inspection_shortfall"},
    }
    for name in (
        "rma",
        "other_rma",
        "lead",
        "f1",
        "f2",
        "developer",
        "contractor",
        "supervisor",
        "outsider",
        "reg_binjiang",
        "reg_xihu",
        "reg_city",
        "operator",
        "owner",
    ):
        kinds = {t.kind for t in tasks_for(getattr(world, name).actor)} & NEW_KINDS
        assert kinds == own.get(name, set()), name


def test_R_R4_rma_reads_its_task_through_the_api(world):
    engagement = _planned(world)
    body = world.rma.client().get("/api/v1/me/tasks").json()
    (item,) = [i for i in body["items"] if i["kind"] == "riskmgmt.record_inspection"]
    assert item["title"] == "本月还需过程检查 2 次（主体结构阶段）"
    assert (item["due"], item["rule"], item["urgency"]) == ("2025-03-31", "R-R4", "normal")
    assert item["url"] == f"/riskmgmt/engagements/{engagement.pk}/inspections/new/"
    assert world.rma.client().get(item["url"]).status_code == 200
    html = world.rma.client().get("/workspace/").content.decode()
    assert 'data-kind="riskmgmt.record_inspection"' in html


def test_R_R4_R_R9_lists_cost_the_same_queries_whatever_the_number_of_engagements(world):
    """The lists are read on every visit of the workspace."""
    services.write_final_report(actor=world.rma.actor, engagement=_planned(world))

    def queries(party) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert workspace.tasks(party.actor)
        return len(captured.captured_queries)

    names = ("rma", "lead", "reg_city")
    before = {name: queries(getattr(world, name)) for name in names}
    permit, _ = add_permit(world.project, world.planning, "CP-2025-002")
    world.policy = issued(world, permit)
    services.write_final_report(actor=world.rma.actor, engagement=_planned(world))
    assert {name: queries(getattr(world, name)) for name in names} == before
