"""R-R1, R-R5, R-R6: inspections, their defects and the defect state machine, over the API."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rm_helpers import engage, inspect, photo, rm_nothing_written
from uw_helpers import add_permit, assert_api_refused

from idi.core.models import AuditEvent
from idi.riskmgmt import services
from idi.riskmgmt.models import Defect, DefectStatus, Evidence
from idi.riskmgmt.services import DEFECT_TRANSITIONS

pytestmark = pytest.mark.django_db


def _inspection_body(w, **changes):
    body = {
        "inspected_on": "2025-03-03",
        "stage": "main_structure",
        "inspectors": ["褚工"],
        "scope": "三层梁板钢筋",
        "risk_analysis": "钢筋保护层不足，耐久性风险",
        "defects": [
            {
                "building": w.building.pk,
                "floor": 3,
                "part": "3-5 轴梁",
                "category": "foundation_structure",
                "grade": "D",
                "description": "保护层厚度不足",
                "proposal": "加垫块后复检",
            },
            {
                "building": w.building.pk,
                "floor": -1 if w.building.floors_below else 1,
                "part": "卫生间",
                "category": "waterproofing",
                "grade": "B",
                "description": "闭水试验未做",
                "proposal": "补做闭水试验",
            },
        ],
    }
    body.update(changes)
    return body


def _post_inspection(party, engagement, body):
    return party.client().post(
        f"/api/v1/engagements/{engagement.pk}/inspections", body, content_type="application/json"
    )


def _act(party, defect_id, action, body=None):
    return party.client().post(
        f"/api/v1/defects/{defect_id}/{action}", body or {}, content_type="application/json"
    )


def test_r_r5_inspection_report_with_defects(world):
    engagement = engage(world)
    response = _post_inspection(world.rma, engagement, _inspection_body(world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["defects"]) == 2
    first = Defect.objects.get(pk=body["defects"][0])
    assert (first.grade, first.major, first.status) == ("D", True, "recorded")
    assert Defect.objects.get(pk=body["defects"][1]).major is False
    assert AuditEvent.objects.filter(action="riskmgmt.record_defect").count() == 2


def test_r_r1_inspection_outside_the_letter_refused_nothing_written(world):
    engagement = engage(world, letter_valid_from=date(2025, 3, 4))
    with rm_nothing_written():
        response = _post_inspection(world.rma, engagement, _inspection_body(world))
    error = assert_api_refused(response, rule="R-R1", field="inspected_on")
    assert error["code"] == "letter_not_valid"


def test_r_r1_letter_expired(world):
    engagement = engage(world, letter_valid_from=date(2025, 1, 1), letter_valid_to=date(2025, 3, 2))
    response = _post_inspection(world.rma, engagement, _inspection_body(world))
    assert_api_refused(response, rule="R-R1", field="inspected_on")


@pytest.mark.parametrize(
    ("change", "rule", "field"),
    [
        ({"category": "roof"}, "R-C1", "defects.0.category"),
        ({"grade": "F"}, "R-R5", "defects.0.grade"),
        ({"floor": 0}, "R-R5", "defects.0.floor"),
        ({"floor": 19}, "R-R5", "defects.0.floor"),
        ({"proposal": ""}, "R-R5", "defects.0.proposal"),
        ({"part": " "}, "R-R5", "defects.0.part"),
    ],
)
def test_r_r5_bad_findings_refused(world, change, rule, field):
    engagement = engage(world)
    body = _inspection_body(world)
    body["defects"][0].update(change)
    with rm_nothing_written():
        response = _post_inspection(world.rma, engagement, body)
    assert_api_refused(response, rule=rule, field=field)


def test_r_r5_building_of_another_permit_refused(world):
    _, other_building = add_permit(world.project, world.planning, "CP-2025-002")
    engagement = engage(world)
    body = _inspection_body(world)
    body["defects"][0]["building"] = other_building.pk
    response = _post_inspection(world.rma, engagement, body)
    assert_api_refused(response, rule="R-R5", field="defects.0.building")


def test_r_r5_report_needs_scope_and_risk_analysis(world):
    engagement = engage(world)
    response = _post_inspection(world.rma, engagement, _inspection_body(world, risk_analysis=""))
    assert_api_refused(response, rule="R-R5", field="risk_analysis")


def test_r_r5_only_the_engaged_rma_inspects(world):
    engagement = engage(world)
    with rm_nothing_written():
        assert (
            _post_inspection(world.developer, engagement, _inspection_body(world)).status_code
            == 403
        )
        assert (
            _post_inspection(world.other_rma, engagement, _inspection_body(world)).status_code
            == 404
        )


def test_r_r5_full_rectification_loop(world):
    """recorded → confirmed → (after photo) rectified → supervisor_confirmed → closed, each step
    with its actor and time in the history."""
    engagement = engage(world)
    defect = inspect(world, engagement).defects.get()
    response = _act(world.developer, defect.pk, "confirm", {"responsible": world.contractor.org.pk})
    assert response.json()["status"] == "confirmed"
    assert response.json()["responsible"] == world.contractor.org.pk

    refused = _act(world.contractor, defect.pk, "rectify", {"explanation": "已返工"})
    assert_api_refused(refused, rule="R-R5", field="evidence")

    upload = world.contractor.client().post(
        f"/api/v1/defects/{defect.pk}/evidence", {"stage": "after", "file": photo()}
    )
    assert upload.status_code == 201, upload.content
    assert upload.json()["content_type"] == "image/png"

    assert (
        _act(world.contractor, defect.pk, "rectify", {"explanation": "已返工"}).status_code == 200
    )
    assert _act(world.supervisor, defect.pk, "supervisor-confirm").json()["status"] == (
        "supervisor_confirmed"
    )
    body = _act(world.developer, defect.pk, "developer-confirm", {"reply": "已书面回复"}).json()
    assert body["status"] == "closed"
    assert [(h["action"], h["by"]) for h in body["history"]] == [
        ("record", "rma"),
        ("confirm", "dev"),
        ("rectify", "contractor"),
        ("supervisor-confirm", "supervisor"),
        ("developer-confirm", "dev"),
    ]
    assert all(h["at"].startswith("2025-03-03T02:00:00") for h in body["history"])
    assert set(body) == {
        "id",
        "grade",
        "major",
        "category",
        "building",
        "floor",
        "part",
        "status",
        "responsible",
        "appraiser",
        "history",
    }
    assert Defect.objects.get(pk=defect.pk).developer_reply == "已书面回复"
    # The written reply reaches the insurer and the RMA (R-R5).
    from idi.notifications.models import Notification

    assert set(Notification.objects.values_list("recipient_id", "body")) == {
        (world.lead.user.pk, "已书面回复"),
        (world.rma.user.pk, "已书面回复"),
    }


@pytest.mark.parametrize(
    ("who", "action", "body"),
    [
        ("contractor", "confirm", {"responsible": None}),
        ("rma", "confirm", {"responsible": None}),
        ("supervisor", "rectify", {"explanation": "x"}),
        ("developer", "supervisor-confirm", {}),
        ("contractor", "developer-confirm", {}),
    ],
)
def test_r_r5_each_step_is_its_party_s(world, who, action, body):
    engagement = engage(world)
    defect = inspect(world, engagement).defects.get()
    if "responsible" in body:
        body = {"responsible": world.contractor.org.pk}
    with rm_nothing_written():
        assert _act(getattr(world, who), defect.pk, action, body).status_code == 403


def test_r_r5_out_of_order_steps_refused(world):
    engagement = engage(world)
    defect = inspect(world, engagement).defects.get()
    with rm_nothing_written():
        response = _act(world.supervisor, defect.pk, "supervisor-confirm")
        error = assert_api_refused(response, rule="R-R5", field="status")
        assert error["code"] == "invalid_state"
        response = _act(world.developer, defect.pk, "developer-confirm")
        assert_api_refused(response, rule="R-R5", field="status")


def test_r_r5_responsible_must_be_a_party_of_the_project(world):
    engagement = engage(world)
    defect = inspect(world, engagement).defects.get()
    with rm_nothing_written():
        response = _act(world.developer, defect.pk, "confirm", {"responsible": world.rma.org.pk})
    assert_api_refused(response, rule="R-R5", field="responsible")


def test_r_r6_dispute_then_appraisal_upholds_with_fee(world):
    engagement = engage(world)
    defect = inspect(world, engagement).defects.get()
    response = _act(world.contractor, defect.pk, "dispute", {"reason": "保护层实测合格"})
    assert response.json()["status"] == "disputed"
    response = _act(
        world.developer,
        defect.pk,
        "appraisal",
        {"appraiser": world.appraiser.pk, "responsible": world.contractor.org.pk, "fee": "3500.00"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    stored = Defect.objects.get(pk=defect.pk)
    assert (stored.responsible_id, str(stored.appraisal_fee)) == (
        world.contractor.org.pk,
        "3500.00",
    )


def test_r_r6_appraisal_finding_the_rma_responsible_dismisses(world):
    engagement = engage(world)
    defect = inspect(world, engagement).defects.get()
    _act(world.developer, defect.pk, "dispute", {"reason": "不构成缺陷"})
    response = _act(
        world.developer,
        defect.pk,
        "appraisal",
        {"appraiser": world.appraiser.pk, "responsible": world.rma.org.pk, "fee": "2000.00"},
    )
    assert response.json()["status"] == "dismissed"


def test_r_r6_refusals(world):
    engagement = engage(world)
    defect = inspect(world, engagement).defects.get()
    with rm_nothing_written():
        assert_api_refused(
            _act(world.contractor, defect.pk, "dispute", {"reason": ""}),
            rule="R-R6",
            field="reason",
        )
    _act(world.contractor, defect.pk, "dispute", {"reason": "有异议"})
    with rm_nothing_written():
        response = _act(
            world.developer,
            defect.pk,
            "appraisal",
            {
                "appraiser": world.contractor.org.pk,
                "responsible": world.contractor.org.pk,
                "fee": "1",
            },
        )
        assert_api_refused(response, rule="R-R6", field="appraiser")
        response = _act(
            world.developer,
            defect.pk,
            "appraisal",
            {"appraiser": world.appraiser.pk, "responsible": world.contractor.org.pk, "fee": "-1"},
        )
        assert_api_refused(response, rule="R-R6", field="fee")
        # Only a disputed defect goes to appraisal; the confirmation path is closed meanwhile.
        response = _act(
            world.developer, defect.pk, "confirm", {"responsible": world.contractor.org.pk}
        )
        assert_api_refused(response, rule="R-R5", field="status")


def test_evidence_is_checked_by_content_and_size(world, settings):
    engagement = engage(world)
    defect = inspect(world, engagement).defects.get()
    services.confirm_defect(
        actor=world.developer.actor, defect=defect, responsible=world.contractor.org.pk
    )
    fake = SimpleUploadedFile("photo.png", b"<script>alert(1)</script>", content_type="image/png")
    with rm_nothing_written():
        response = world.contractor.client().post(
            f"/api/v1/defects/{defect.pk}/evidence", {"stage": "after", "file": fake}
        )
        assert_api_refused(response, rule=None, field="file")
        response = world.contractor.client().post(
            f"/api/v1/defects/{defect.pk}/evidence", {"stage": "during", "file": photo()}
        )
        assert_api_refused(response, rule="R-R5", field="stage")
        # Another party of the project may see the defect but not add its evidence.
        response = world.supervisor.client().post(
            f"/api/v1/defects/{defect.pk}/evidence", {"stage": "after", "file": photo()}
        )
        assert response.status_code == 403


def test_evidence_served_only_to_who_sees_the_project(world):
    engagement = engage(world)
    defect = inspect(world, engagement).defects.get()
    evidence = services.upload_evidence(
        actor=world.rma.actor, defect=defect, stage="before", upload=photo("before.png")
    )
    url = f"/riskmgmt/evidence/{evidence.pk}/"
    for party in (world.rma, world.developer, world.contractor, world.lead, world.reg_binjiang):
        response = party.client().get(url)
        assert response.status_code == 200, party.user.username
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    for party in (
        world.other_rma,
        world.other_developer,
        world.outsider,
        world.reg_xihu,
        world.owner,
    ):
        assert party.client().get(url).status_code == 404, party.user.username
    assert Evidence.objects.count() == 1


def test_one_transition_table():
    """Every status but the settled ones has a way out; closed and dismissed have none."""
    sources = {status for status, _ in DEFECT_TRANSITIONS}
    targets = set(DEFECT_TRANSITIONS.values())
    assert sources | targets == set(DefectStatus.values)
    assert not sources & {"closed", "dismissed"}
