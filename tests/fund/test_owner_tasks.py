"""The owner's homes page lists the fund's pre-period channel when it opens to the owner
(R-F3): apply in writing for a fund repair, for which home, by the day before the insurance
period starts, linking to the request page that takes the application."""

from datetime import date
from decimal import Decimal

import pytest
from fund_helpers import (
    at,
    deliver_and_sell,
    fallback_case,
    file_repair_request,
    post_json,
    receive,
)

from idi.core.workspace import tasks_for
from idi.fund import services

HOMES = "/policies/my-homes/"


@pytest.fixture
def pw(fw):
    deliver_and_sell(fw)
    receive(fw)
    return fw


def _fund_tasks(party):
    return [t for t in tasks_for(party.actor) if t.kind == "fund.apply_for_fund_repair"]


def test_r_f3_fund_application_appears_when_it_opens_and_goes_when_made(pw):
    with at(2025, 7, 1):
        claim_id = file_repair_request(pw)["id"]
    with at(2025, 8, 31):  # the developer still has its two months
        assert _fund_tasks(pw.owner) == []
        assert "fund.apply_for_fund_repair" not in pw.owner.client().get(HOMES).content.decode()
    with at(2025, 9, 1):
        [task] = _fund_tasks(pw.owner)
        assert task.title_zh == "书面申请保障基金先行维修"
        assert task.subject.startswith("江南花园 ") and " 101 · CL20250701-" in task.subject
        assert task.url == f"/fund/requests/{claim_id}/#fund-application"
        # The channel closes when the insurance period starts (completion + 2 years, R-C2).
        assert task.due == date(2027, 2, 19)
        assert task.rule == "R-F3"
        html = pw.owner.client().get(HOMES).content.decode()
        assert 'data-kind="fund.apply_for_fund_repair"' in html
        assert f'href="/fund/requests/{claim_id}/#fund-application"' in html
        assert "2027年2月19日" in html
        assert _fund_tasks(pw.other_owner) == [] and _fund_tasks(pw.developer) == []
        page = pw.owner.client().get(f"/fund/requests/{claim_id}/").content.decode()
        assert 'id="fund-application"' in page
        applied = post_json(
            pw.owner, f"/api/v1/claims/{claim_id}/fund-application", {"reason": "两个月未维修"}
        )
        assert applied.status_code == 200, applied.content
        assert _fund_tasks(pw.owner) == []


def test_the_guarantee_institution_is_told_to_decide_then_to_pay_a_fund_case(pw):
    """R-F4: a case under review is the institution's to decide; once approved, to pay. Nobody
    else gets these tasks."""

    def case_tasks(party):
        return [t for t in tasks_for(party.actor) if t.kind.startswith("fund.case.")]

    with at(2025, 7, 1):
        case = fallback_case(pw, "1000.00", occurred_on=date(2025, 6, 20))
        assert [(t.kind, t.url, t.rule) for t in case_tasks(pw.gi)] == [
            ("fund.case.open", f"/fund/cases/{case.pk}/decide/", "R-F4")
        ]
        for other in (pw.developer, pw.handler, pw.owner, pw.lead):
            assert case_tasks(other) == []
        services.decide_case(
            actor=pw.gi.actor,
            case=case,
            approved=True,
            amount=Decimal("800.00"),
            reasons="建设单位未在期限内维修",
        )
        assert [(t.kind, t.url) for t in case_tasks(pw.gi)] == [
            ("fund.case.approved", f"/fund/cases/{case.pk}/pay/")
        ]
