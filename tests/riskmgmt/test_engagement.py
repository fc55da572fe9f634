"""R-U7, R-R1, R-R2: the lead insurer appoints an RMA; R-R3: kickoff and plan."""

from datetime import date
from decimal import Decimal

import pytest
from rm_helpers import LETTER_FROM, LETTER_TO, engage, kickoff, plan, rm_nothing_written
from uw_helpers import MIN_RM_FEE, TODAY, assert_api_refused, nothing_written

from idi.core.errors import Forbidden, RuleViolation
from idi.core.models import AuditEvent
from idi.parties.models import OrganisationRelationship
from idi.projects.models import Participant
from idi.riskmgmt import services
from idi.riskmgmt.models import Engagement

pytestmark = pytest.mark.django_db


def _body(w, **changes):
    body = {
        "rma": w.rma.org.pk,
        "fee": str(MIN_RM_FEE),
        "contract_signed_on": TODAY.isoformat(),
        "letter_valid_from": LETTER_FROM.isoformat(),
        "letter_valid_to": LETTER_TO.isoformat(),
    }
    body.update(changes)
    return body


def _post(party, w, **changes):
    return party.client().post(
        f"/api/v1/policies/{w.policy.pk}/engagements",
        _body(w, **changes),
        content_type="application/json",
    )


def test_r_r1_lead_insurer_appoints_the_rma_at_the_minimum_fee(world):
    """R-U7: exactly 15% of the premium (277,777.78) is accepted."""
    response = _post(world.lead, world)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rma"] == world.rma.org.pk
    assert Decimal(body["fee"]) == MIN_RM_FEE
    assert body["letter_valid_to"] == "2027-12-31"
    assert body["permit"] == world.permit.pk
    assert body["plan"] == [] and body["final_report"] is None
    event = AuditEvent.objects.get(action="riskmgmt.appoint_rma")
    assert event.actor_label == "lead"


def test_r_u7_fee_below_15_percent_refused_nothing_written(world):
    with nothing_written(), rm_nothing_written():
        response = _post(world.lead, world, fee=str(MIN_RM_FEE - Decimal("0.01")))
    assert_api_refused(response, rule="R-U7", field="fee")


def test_r_r2_declared_relationship_refused_naming_it(world):
    from idi.core import clock

    OrganisationRelationship.objects.create(
        from_org=world.contractor.org,
        to_org=world.rma.org,
        kind="affiliate",
        declared_at=clock.now(),
    )
    with rm_nothing_written():
        response = _post(world.lead, world)
    error = assert_api_refused(response, rule="R-R2", field="rma")
    assert error["code"] == "not_independent"
    assert world.contractor.org.name in error["message"]
    assert "关联关系" in error["message"]


def test_r_r2_rma_working_on_the_project_refused(world):
    Participant.objects.create(project=world.project, organisation=world.rma.org, role="designer")
    with rm_nothing_written():
        response = _post(world.lead, world)
    error = assert_api_refused(response, rule="R-R2", field="rma")
    assert "设计单位" in error["message"]


def test_r_r2_relationship_with_the_developer_refused(world):
    from idi.core import clock

    OrganisationRelationship.objects.create(
        from_org=world.rma.org,
        to_org=world.developer.org,
        kind="subsidiary",
        declared_at=clock.now(),
    )
    response = _post(world.lead, world)
    assert_api_refused(response, rule="R-R2", field="rma")


def test_r_r1_only_an_rma_may_be_appointed(world):
    with rm_nothing_written():
        response = _post(world.lead, world, rma=world.contractor.org.pk)
    assert_api_refused(response, rule="R-R1", field="rma")


def test_r_r1_letter_ending_before_it_starts_refused(world):
    response = _post(world.lead, world, letter_valid_to="2025-02-01")
    assert_api_refused(response, rule="R-R1", field="letter_valid_to")


def test_r_r1_second_engagement_refused(world):
    engage(world)
    response = _post(world.lead, world, rma=world.other_rma.org.pk)
    assert_api_refused(response, rule="R-R1", field="policy")


@pytest.mark.parametrize("who", ["developer", "f1", "rma", "contractor"])
def test_r_r1_only_the_lead_insurer_appoints(world, who):
    party = getattr(world, who)
    with rm_nothing_written():
        response = _post(party, world)
    assert response.status_code in (403, 404)


def test_r_r3_kickoff_and_plan(world):
    engagement = engage(world)
    client = world.developer.client()
    response = client.post(
        f"/api/v1/engagements/{engagement.pk}/kickoff",
        {"held_on": "2025-03-03", "attendees": ["张三", "褚工"], "minutes": "交底"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["kickoff_attendees"] == ["张三", "褚工"]
    response = world.rma.client().put(
        f"/api/v1/engagements/{engagement.pk}/plan",
        {
            "stages": [
                {"stage": "main_structure", "starts_on": "2025-04-01", "ends_on": "2025-09-30"},
                {"stage": "foundation", "starts_on": "2025-03-05", "ends_on": "2025-03-31"},
            ]
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert [s["stage"] for s in response.json()["plan"]] == ["foundation", "main_structure"]
    assert Engagement.objects.get().plan_set_on == TODAY


def test_r_r3_refusals_change_nothing(world):
    engagement = engage(world)
    with rm_nothing_written():
        response = world.developer.client().post(
            f"/api/v1/engagements/{engagement.pk}/kickoff",
            {"held_on": "2025-03-03", "attendees": [], "minutes": "交底"},
            content_type="application/json",
        )
        assert_api_refused(response, rule="R-R3", field="attendees")
        response = world.developer.client().post(
            f"/api/v1/engagements/{engagement.pk}/kickoff",
            {"held_on": "2025-03-03", "attendees": ["张三"], "minutes": " "},
            content_type="application/json",
        )
        assert_api_refused(response, rule="R-R3", field="minutes")
        response = world.rma.client().put(
            f"/api/v1/engagements/{engagement.pk}/plan",
            {"stages": [{"stage": "roof", "starts_on": "2025-04-01", "ends_on": "2025-09-30"}]},
            content_type="application/json",
        )
        assert_api_refused(response, rule="R-R4", field="stages.0.stage")
        # The plan is the RMA's: the developer may not set it.
        response = world.developer.client().put(
            f"/api/v1/engagements/{engagement.pk}/plan",
            {"stages": [{"stage": "other", "starts_on": "2025-04-01", "ends_on": "2025-09-30"}]},
            content_type="application/json",
        )
        assert response.status_code == 403


def test_r_r3_second_kickoff_refused(world):
    engagement = engage(world)
    kickoff(world, engagement)
    with pytest.raises(RuleViolation) as exc:
        kickoff(world, engagement)
    assert exc.value.code == "already_recorded"


def test_r_r3_plan_can_be_revised(world):
    engagement = engage(world)
    plan(world, engagement)
    from idi.rules import PlannedStage

    plan(world, engagement, PlannedStage("decoration", date(2025, 9, 1), date(2025, 12, 31)))
    assert [s.stage for s in engagement.stages.all()] == ["decoration"]


def test_r_r1_outsider_insurer_cannot_see_the_engagement(world):
    engagement = engage(world)
    assert world.outsider.client().get(f"/api/v1/engagements/{engagement.pk}").status_code == 404
    with pytest.raises(Forbidden):
        services.record_kickoff(
            actor=world.contractor.actor,
            engagement=engagement,
            held_on=TODAY,
            attendees=["x"],
            minutes="y",
        )
