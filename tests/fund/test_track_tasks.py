"""The pre-period track's duties on the to-do lists (R-F2, R-F3): in each status of a request
the party expected to act has exactly its item, leading to the button or form that takes it,
and loses it once it has acted; nobody else has it (another developer, another insurer, the
owner, the institution's clerk)."""

from datetime import date

import pytest
from fund_helpers import at, deliver_and_sell, file_repair_request, post_json, receive
from uw_helpers import Party, make_user

from idi.core.workspace import tasks_for
from idi.fund.models import FundCase

TRACK_KINDS = (
    "claims.notify_developer",
    "fund.site_visit",
    "fund.repair_plan",
    "fund.repair_started",
    "fund.repair_completed",
    "fund.fund_decision",
    "fund.fund_application",
)


@pytest.fixture
def pw(fw):
    deliver_and_sell(fw)
    receive(fw)
    fw.lead_admin = Party(fw.lead.org, make_user("lead_admin", fw.lead.org, roles=("org_admin",)))
    fw.other_handler = Party(
        fw.f1.org, make_user("f1_handler", fw.f1.org, roles=("claims_handler",))
    )
    return fw


def _act(party, claim_id, action, body=None):
    response = post_json(party, f"/api/v1/claims/{claim_id}/{action}", body)
    assert response.status_code == 200, response.content
    return response.json()


def _track(party):
    return [(t.kind, t.url, t.rule, t.due) for t in tasks_for(party.actor) if t.kind in TRACK_KINDS]


def _others(w, *parties):
    everyone = (
        w.handler,
        w.lead_admin,
        w.developer,
        w.other_developer,
        w.other_handler,
        w.owner,
        w.other_owner,
        w.gi,
        w.gi_clerk,
    )
    return [p for p in everyone if p not in parties]


def _nobody_else(w, *parties):
    for other in _others(w, *parties):
        assert _track(other) == [], other.actor.label


def test_r_f2_the_lead_insurers_handler_notifies_the_developer_from_its_list(pw):
    with at(2025, 7, 1):
        claim = file_repair_request(pw)["id"]
        expected = [
            (
                "claims.notify_developer",
                f"/claims/{claim}/#notify-developer",
                "R-F2",
                date(2025, 7, 1),
            )
        ]
        assert _track(pw.handler) == expected
        # The insurer's admin stands in for its handlers, as on the core statuses.
        assert _track(pw.lead_admin) == expected
        _nobody_else(pw, pw.handler, pw.lead_admin)
        page = pw.handler.client().get(f"/claims/{claim}/").content.decode()
        assert 'id="notify-developer"' in page
        [task] = [t for t in tasks_for(pw.handler.actor) if t.kind == "claims.notify_developer"]
        assert (task.title_zh, task.title_en) == ("告知建设单位", "Notify the developer")
        _act(pw.handler, claim, "notify-developer")
        assert _track(pw.handler) == []


def test_r_f2_the_developer_has_each_of_its_duties_in_turn_until_the_repair_is_done(pw):
    with at(2025, 7, 1):
        claim = file_repair_request(pw)["id"]
        _act(pw.handler, claim, "notify-developer")
        # 3 days from the notice: Friday 07-04 (R-F2).
        assert _track(pw.developer) == [
            ("fund.site_visit", f"/claims/{claim}/#site-visit", "R-F2", date(2025, 7, 4))
        ]
        _nobody_else(pw, pw.developer)
        page = pw.developer.client().get(f"/claims/{claim}/").content.decode()
        assert 'id="site-visit"' in page
    with at(2025, 7, 3):
        _act(pw.developer, claim, "site-visit")
        assert _track(pw.developer) == [
            ("fund.repair_plan", f"/fund/requests/{claim}/#repair-plan", "R-F2", None)
        ]
        _nobody_else(pw, pw.developer)
        page = pw.developer.client().get(f"/fund/requests/{claim}/").content.decode()
        assert 'id="repair-plan"' in page
        _act(pw.developer, claim, "repair-plan", {"agreed_on": "2025-07-03", "plan": "重做防水层"})
        assert _track(pw.developer) == [
            ("fund.repair_started", f"/claims/{claim}/#repair-started", "R-F3", None)
        ]
        _nobody_else(pw, pw.developer)
        _act(pw.developer, claim, "repair-started")
        assert _track(pw.developer) == [
            ("fund.repair_completed", f"/claims/{claim}/#repair-completed", "R-F2", None)
        ]
        _nobody_else(pw, pw.developer)
    with at(2025, 7, 20):
        _act(pw.developer, claim, "repair-completed")
        assert _track(pw.developer) == []
        _nobody_else(pw)


def test_r_f3_the_institution_decides_an_application_from_its_list_once(pw):
    """Before the decision no fund case exists, so the institution's case items do not carry
    it: the track's item does, and only for those who may decide."""
    with at(2025, 7, 1):
        claim = file_repair_request(pw)["id"]
    with at(2025, 9, 2):
        _act(pw.owner, claim, "fund-application", {"reason": "两个月未维修"})
        assert _track(pw.gi) == [
            ("fund.fund_decision", f"/fund/requests/{claim}/#fund-decision", "R-F3", None)
        ]
        assert not [t for t in tasks_for(pw.gi.actor) if t.kind.startswith("fund.case.")]
        page = pw.gi.client().get(f"/fund/requests/{claim}/").content.decode()
        assert 'id="fund-decision"' in page
        _nobody_else(pw, pw.gi)
        _act(pw.gi, claim, "fund-decision", {"approved": False, "reasons": "已与建设单位协调"})
        assert _track(pw.gi) == []
        assert FundCase.objects.count() == 0
        # The refusal leaves the repair to the developer (R-F3): its visit and plan are due.
        assert sorted(kind for kind, *_ in _track(pw.developer)) == [
            "fund.repair_plan",
            "fund.site_visit",
        ]
        _nobody_else(pw, pw.developer)


def test_r_f2_the_handlers_item_over_the_api(pw):
    with at(2025, 7, 1):
        claim = file_repair_request(pw)["id"]
        body = pw.handler.client().get("/api/v1/me/tasks").json()
        [item] = [i for i in body["items"] if i["kind"] in TRACK_KINDS]
        assert item["kind"] == "claims.notify_developer"
        assert item["title"] == "告知建设单位"
        assert item["url"] == f"/claims/{claim}/#notify-developer"
        assert item["rule"] == "R-F2"
        assert item["due"] == "2025-07-01"
        others = pw.other_handler.client().get("/api/v1/me/tasks").json()
        assert not [i for i in others["items"] if i["kind"] in TRACK_KINDS]


def test_r_f2_the_tracks_buttons_and_forms_read_in_the_pages_language(pw):
    with at(2025, 7, 1):
        claim = file_repair_request(pw)["id"]
        for language, label in (("zh-hans", "告知建设单位"), ("en", "Notify the developer")):
            client = pw.handler.client()
            client.cookies["django_language"] = language
            page = client.get(f"/claims/{claim}/").content.decode()
            button = page.split('id="notify-developer"', 1)[1].split("</form>", 1)[0]
            assert f'<button type="submit">{label}</button>' in button
        _act(pw.handler, claim, "notify-developer")
        _act(pw.developer, claim, "site-visit")
        client = pw.developer.client()
        client.cookies["django_language"] = "en"
        page = client.get(f"/fund/requests/{claim}/").content.decode()
        form = page.split('id="repair-plan"', 1)[1].split("</form>", 1)[0]
        assert "<h2>Record the repair plan</h2>" in form
        status = page.split('data-testid="request-status">', 1)[1].split("</p>", 1)[0]
        assert status == "Awaiting an agreed repair plan"
