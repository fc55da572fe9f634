"""R-R3 exceptions, R-R4 compliance, R-R7 final report and the completion guard, R-R9
evaluation, R-R8 joint inspection."""

from datetime import date, datetime

import pytest
import time_machine
from rm_helpers import close, engage, finding, inspect, kickoff, plan, rm_nothing_written
from uw_helpers import SHANGHAI, assert_api_refused

from idi.core.errors import RuleViolation
from idi.core.registry import Hook, providers
from idi.projects import services as projects
from idi.riskmgmt import selectors, services
from idi.riskmgmt.models import ComplianceException, Defect, JointInspection
from idi.rules import PlannedStage

pytestmark = pytest.mark.django_db


def _start(w, on=date(2025, 3, 3)):
    return projects.record_construction_start(
        actor=w.developer.actor, permit=w.permit, started_on=on
    )


def _complete(w, on):
    return projects.record_completion_acceptance(
        actor=w.developer.actor, permit=w.permit, accepted_on=on
    )


# --- R-R3 -------------------------------------------------------------------------------------


def test_r_r3_start_without_kickoff_or_plan_is_recorded_as_an_exception(world):
    engagement = engage(world)
    permit = _start(world)
    assert permit.construction_started_on == date(2025, 3, 3)  # recorded, not refused
    codes = set(ComplianceException.objects.values_list("rule", "code"))
    assert codes == {("R-R3", "kickoff_missing"), ("R-R3", "plan_missing")}
    body = world.lead.client().get(f"/api/v1/engagements/{engagement.pk}/compliance").json()
    assert {e["code"] for e in body["exceptions"]} == {"kickoff_missing", "plan_missing"}
    for party in (world.lead, world.reg_binjiang, world.reg_city):
        assert selectors.exceptions_visible_to(party.actor).count() == 2
    assert selectors.exceptions_visible_to(world.reg_xihu.actor).count() == 0


def test_r_r3_start_without_any_rma_is_an_exception(world):
    _start(world)
    assert ComplianceException.objects.count() == 2


def test_r_r3_start_after_kickoff_and_plan_is_clean(world):
    engagement = engage(world)
    kickoff(world, engagement)
    plan(world, engagement)
    _start(world)
    assert ComplianceException.objects.count() == 0


# --- R-R4 -------------------------------------------------------------------------------------


def test_r_r4_compliance_by_stage_and_month(world):
    """Plan: foundation 01-10..02-14 (January 22 days: 2; February 14 days: 1), main structure
    02-15..08-31 (February 14 days: 1; March 31: 2). Today is 03-03: months from April on are
    not listed. Inspections: one foundation in February, one main structure in March."""
    engagement = engage(world, letter_valid_from=date(2025, 1, 1))
    plan(world, engagement)
    inspect(world, engagement, finding(world), inspected_on=date(2025, 2, 10), stage="foundation")
    inspect(world, engagement, finding(world), inspected_on=date(2025, 3, 3))
    body = world.reg_binjiang.client().get(f"/api/v1/engagements/{engagement.pk}/compliance").json()
    assert body["months"] == [
        {"month": "2025-01", "stage": "foundation", "required": 2, "done": 0, "short": 2},
        {"month": "2025-02", "stage": "foundation", "required": 1, "done": 1, "short": 0},
        {"month": "2025-02", "stage": "main_structure", "required": 1, "done": 0, "short": 1},
        {"month": "2025-03", "stage": "main_structure", "required": 2, "done": 1, "short": 1},
    ]


def test_r_r4_compliance_hidden_from_strangers(world):
    engagement = engage(world)
    for party in (world.reg_xihu, world.other_rma, world.outsider, world.owner):
        assert (
            party.client().get(f"/api/v1/engagements/{engagement.pk}/compliance").status_code == 404
        )


# --- R-R7 -------------------------------------------------------------------------------------


def test_r_r7_completion_refused_until_the_report_is_reviewed(world):
    engagement = engage(world)
    _start(world)
    inspect(world, engagement, finding(world, grade="B"))
    with rm_nothing_written(), pytest.raises(RuleViolation) as exc:
        _complete(world, date(2025, 3, 3))
    assert (exc.value.rule, exc.value.field, exc.value.code) == (
        "R-R7",
        "completion_accepted_on",
        "report_not_reviewed",
    )
    services.write_final_report(actor=world.rma.actor, engagement=engagement)
    with pytest.raises(RuleViolation):
        _complete(world, date(2025, 3, 3))
    services.review_final_report(actor=world.lead.actor, engagement=engagement)
    # A minor defect still open does not hold completion back: only major ones do.
    assert _complete(world, date(2025, 3, 3)).completion_accepted_on == date(2025, 3, 3)


def test_r_r7_open_major_defects_named(world):
    engagement = engage(world)
    _start(world)
    inspection = inspect(
        world,
        engagement,
        finding(world, grade="D", part="屋面"),
        finding(world, grade="E", part="外墙", floor=5),
        finding(world, grade="C"),
    )
    d, e, c = inspection.defects.order_by("id")
    report = services.write_final_report(actor=world.rma.actor, engagement=engagement)
    assert report.risk_rating == "high"
    assert report.rectification_summary["major"] == 2
    assert [item["defect"] for item in report.open_items] == [d.pk, e.pk, c.pk]
    services.review_final_report(actor=world.lead.actor, engagement=engagement)
    close(world, d)
    with rm_nothing_written(), pytest.raises(RuleViolation) as exc:
        _complete(world, date(2025, 3, 3))
    assert exc.value.code == "major_defects_open"
    assert f"#{e.pk}" in exc.value.message and "外墙" in exc.value.message
    assert f"#{d.pk}" not in exc.value.message  # closed
    assert f"#{c.pk}" not in exc.value.message  # not major
    close(world, e)
    assert _complete(world, date(2025, 3, 3)).completion_accepted_on


def test_r_r7_completion_page_shows_the_refusal(world):
    engage(world)
    _start(world)
    response = world.developer.client().post(
        f"/projects/permits/{world.permit.pk}/completion/", {"completion_accepted_on": "2025-03-03"}
    )
    assert "R-R7" in response.content.decode()
    world.permit.refresh_from_db()
    assert world.permit.completion_accepted_on is None


def test_r_r7_report_refusals(world):
    engagement = engage(world)
    with rm_nothing_written():
        response = world.lead.client().post(
            f"/api/v1/engagements/{engagement.pk}/final-report/review"
        )
        assert_api_refused(response, rule="R-R7", field="final_report")
        assert (
            world.lead.client()
            .post(f"/api/v1/engagements/{engagement.pk}/final-report")
            .status_code
            == 403
        )
    response = world.rma.client().post(f"/api/v1/engagements/{engagement.pk}/final-report")
    assert response.status_code == 201
    assert response.json()["risk_rating"] == "low"
    assert (
        world.rma.client()
        .post(f"/api/v1/engagements/{engagement.pk}/final-report/review")
        .status_code
        == 403
    )
    assert (
        world.lead.client()
        .post(f"/api/v1/engagements/{engagement.pk}/final-report/review")
        .status_code
        == 200
    )
    with rm_nothing_written():
        response = world.rma.client().post(f"/api/v1/engagements/{engagement.pk}/final-report")
        assert_api_refused(response, rule="R-R7", field="final_report")


def test_r_r7_uninsured_permit_is_not_guarded(world):
    """The guard applies to a permit whose policy has an RMA engaged."""
    guard = providers(Hook.PERMIT_GUARDS)
    assert services.guard_completion in guard
    services.guard_completion(world.permit, "completed", date(2025, 3, 3))


# --- R-R9 -------------------------------------------------------------------------------------


def test_r_r9_lead_insurer_evaluates_and_regulator_sees_it(world):
    engagement = engage(world)
    services.write_final_report(actor=world.rma.actor, engagement=engagement)
    response = world.lead.client().post(
        f"/api/v1/engagements/{engagement.pk}/evaluation",
        {"rating": 4, "reasons": "检查及时，报告完整"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["at_final_report"] is True
    assert selectors.evaluations_visible_to(world.reg_city.actor).count() == 1
    assert selectors.evaluations_visible_to(world.reg_binjiang.actor).count() == 1
    assert selectors.evaluations_visible_to(world.reg_xihu.actor).count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": 0, "reasons": "x"}, "rating"),
        ({"rating": 6, "reasons": "x"}, "rating"),
        ({"rating": 3, "reasons": " "}, "reasons"),
    ],
)
def test_r_r9_refusals(world, body, field):
    engagement = engage(world)
    with rm_nothing_written():
        response = world.lead.client().post(
            f"/api/v1/engagements/{engagement.pk}/evaluation", body, content_type="application/json"
        )
    assert_api_refused(response, rule="R-R9", field=field)


def test_r_r9_only_the_lead_insurer_evaluates(world):
    engagement = engage(world)
    for party in (world.developer, world.rma):
        response = party.client().post(
            f"/api/v1/engagements/{engagement.pk}/evaluation",
            {"rating": 5, "reasons": "好"},
            content_type="application/json",
        )
        assert response.status_code == 403


# --- R-R8 -------------------------------------------------------------------------------------


def _schedule(party, w, on):
    return party.client().post(
        f"/api/v1/permits/{w.permit.pk}/joint-inspection",
        {"scheduled_on": on},
        content_type="application/json",
    )


def test_r_r8_joint_inspection_scheduled_and_its_findings_are_defects(world):
    engagement = engage(world)
    with rm_nothing_written():
        response = world.rma.client().post(
            f"/api/v1/engagements/{engagement.pk}/inspections",
            {
                "inspected_on": "2025-03-03",
                "stage": "joint_inspection",
                "inspectors": ["褚工"],
                "scope": "共同查验",
                "risk_analysis": "无",
                "defects": [],
            },
            content_type="application/json",
        )
        assert_api_refused(response, rule="R-R8", field="stage")
    response = _schedule(world.developer, world, "2025-03-03")
    assert response.status_code == 201, response.content
    inspection = inspect(world, engagement, finding(world), stage="joint_inspection")
    assert inspection.defects.get().stage == "joint_inspection"
    board = (
        world.developer.client()
        .get(f"/api/v1/projects/{world.project.pk}/defects?stage=joint_inspection")
        .json()
    )
    assert board["count"] == 1


def test_r_r8_refusals(world):
    with rm_nothing_written():
        assert_api_refused(
            _schedule(world.developer, world, "2025-06-01"), rule="R-R8", field="permit"
        )
    engagement = engage(world)
    _start(world)
    kickoff(world, engagement)
    services.write_final_report(actor=world.rma.actor, engagement=engagement)
    services.review_final_report(actor=world.lead.actor, engagement=engagement)
    _complete(world, date(2025, 3, 3))
    # The period starts 2027-03-03 (R-C2): the joint inspection must come before it.
    with rm_nothing_written():
        error = assert_api_refused(
            _schedule(world.developer, world, "2027-03-03"), rule="R-R8", field="scheduled_on"
        )
        assert "2027-03-03" in error["message"]
        assert _schedule(world.lead, world, "2027-01-01").status_code == 403
        assert _schedule(world.other_developer, world, "2027-01-01").status_code == 404
    assert _schedule(world.developer, world, "2027-03-02").status_code == 201


def test_r_r8_warning_90_days_before_the_period(world):
    """Completion 2025-03-03 starts a stored clock: the period starts 2027-03-03, so the joint
    inspection is due by 2027-03-02; the developer is warned (task and inbox) from 2026-12-03,
    90 days before the period starts; scheduling it meets the clock."""
    from idi.notifications.models import Deadline, Notification
    from idi.notifications.services import sweep_deadlines

    engagement = engage(world)
    _start(world)
    services.write_final_report(actor=world.rma.actor, engagement=engagement)
    services.review_final_report(actor=world.lead.actor, engagement=engagement)
    _complete(world, date(2025, 3, 3))
    clock_ = Deadline.objects.get(kind="joint_inspection")
    assert (clock_.owner_type, clock_.owner_id) == ("riskmgmt.engagement", engagement.pk)
    assert (clock_.due, clock_.remind_on) == (date(2027, 3, 2), date(2026, 12, 3))

    def warnings(on):
        with time_machine.travel(datetime(*on, 9, tzinfo=SHANGHAI), tick=False):
            return [t for t in selectors.tasks_for(world.developer.actor) if t.rule == "R-R8"]

    assert warnings((2026, 12, 2)) == []
    (task,) = warnings((2026, 12, 3))
    assert task.due == date(2027, 3, 2)
    assert world.permit.number in task.title
    with time_machine.travel(datetime(2026, 12, 3, 9, tzinfo=SHANGHAI), tick=False):
        sweep_deadlines()
    assert set(Notification.objects.values_list("recipient_id", "kind")) == {
        (world.developer.user.pk, "reminder")
    }
    services.schedule_joint_inspection(
        actor=world.developer.actor, permit=world.permit, scheduled_on=date(2025, 3, 3)
    )
    assert JointInspection.objects.count() == 1
    assert Deadline.objects.get(kind="joint_inspection").met_on == date(2025, 3, 3)
    assert warnings((2026, 12, 3)) == []


def test_defects_at_finds_construction_defects_for_claims(world):
    """The selector the claims app calls: same building and floor, optionally one category."""
    engagement = engage(world)
    inspect(
        world,
        engagement,
        finding(world, floor=1, category="waterproofing"),
        finding(world, floor=1, category="insulation"),
        finding(world, floor=2, category="waterproofing"),
    )
    found = selectors.defects_at(actor=world.lead.actor, unit=world.unit, category="waterproofing")
    assert [(d.floor, d.category) for d in found] == [(1, "waterproofing")]
    assert selectors.defects_at(actor=world.lead.actor, building=world.building.pk).count() == 3
    assert selectors.defects_at(actor=world.outsider.actor, unit=world.unit).count() == 0
    assert Defect.objects.count() == 3
    # What a claim's page shows through Hook.CLAIM_RELATED_DEFECTS.
    assert selectors.related_defects_for_claim in providers(Hook.CLAIM_RELATED_DEFECTS)
    (related,) = selectors.related_defects_for_claim(
        world.lead.actor, unit=world.unit, category="waterproofing", place="卫生间"
    )
    assert related.url.startswith("/riskmgmt/defects/")
    assert related.recorded_on == date(2025, 3, 3)


def test_plan_is_used_by_compliance_until_today(world):
    engagement = engage(world)
    plan(world, engagement, PlannedStage("decoration", date(2025, 3, 20), date(2025, 5, 10)))
    assert [m["month"] for m in selectors.compliance(engagement)["months"]] == ["2025-03"]


def test_r_r3_r_r4_r_r9_oversight_list_for_insurer_and_regulator(world):
    """The lists the insurer and the regulator rely on: shortfalls to date (R-R4), exceptions
    (R-R3) and the latest rating (R-R9), only for engagements they may see."""
    engagement = engage(world)
    plan(world, engagement)  # January 2: 2, February: 1 + 1, March: 2 → 6 short before any
    _start(world)  # no kickoff: one R-R3 exception
    services.evaluate_rma(actor=world.lead.actor, engagement=engagement, rating=3, reasons="一般")
    for party in (world.lead, world.reg_binjiang, world.reg_city):
        page = party.client().get("/riskmgmt/").content.decode()
        assert f'data-engagement="{engagement.pk}"' in page
        assert "<td data-short>6</td>" in page
        assert "<td data-exceptions>1</td>" in page
        assert "3/5" in page
        assert "开工前未召开风险管理交底会" in page
    for party in (world.reg_xihu, world.outsider, world.other_rma):
        page = party.client().get("/riskmgmt/").content.decode()
        assert "data-engagement=" not in page
        assert "交底会" not in page
