"""Pre-period repair requests through the claims filing (R-F2, R-F3, R-T6, R-C5): the same-day
notice, the 3-day site visit, the fund application that opens 2 months after the first request
(counting its day), the institution's decision, payment and the developer's debt."""

from datetime import date
from decimal import Decimal

import pytest
from fund_helpers import at, deliver_and_sell, figures, post_json, receive
from fund_helpers import file_repair_request as file
from uw_helpers import assert_api_refused

from idi.claims.models import Claim
from idi.core.models import AuditEvent
from idi.fund.models import FundCase, PrePeriodRequest
from idi.notifications.models import Deadline


@pytest.fixture
def pw(fw):
    deliver_and_sell(fw)
    receive(fw)
    return fw


def act(party, claim, action, body=None):
    return post_json(party, f"/api/v1/claims/{claim['id']}/{action}", body)


def deadlines(claim):
    return {d["kind"]: d for d in claim["deadlines"]}


def test_r_f2_r_f3_r_t6_filing_becomes_a_request_with_its_clocks(pw):
    with at(2025, 7, 1):  # a Tuesday, after delivery + 3 months
        claim = file(pw)
    assert claim["track"] == "pre_period"
    assert claim["status"] == "pre_period_received"
    assert claim["coverage"]["status"] == "developer_warranty"
    assert claim["routed_to"]["organisation"] == pw.lead.org.pk
    d = deadlines(claim)
    assert d["developer_notification"]["due"] == "2025-07-01"  # R-F2: the same day
    # R-F3 with R-T6: [07-01, 08-31] counts the first day; the owner may apply from 09-01.
    assert d["fund_application_opens"]["due"] == "2025-09-01"
    assert "developer_site_visit" not in d
    request = PrePeriodRequest.objects.get(claim_id=claim["id"])
    assert request.application_opens_on == date(2025, 9, 1)


def test_r_f2_notice_starts_the_three_day_site_visit(pw):
    with at(2025, 7, 1):
        claim = file(pw)
    with at(2025, 7, 2):  # the insurer is a day late: the clock shows it, the visit counts on
        claim = act(pw.handler, claim, "notify-developer").json()
    assert claim["status"] == "developer_notified"
    d = deadlines(claim)
    assert d["developer_notification"]["met_on"] == "2025-07-02"
    assert d["developer_notification"]["met_on"] > d["developer_notification"]["due"]
    # 3 days from the notice: Saturday 07-05, moved to Monday 07-07 (R-T1, R-T3).
    assert d["developer_site_visit"]["moved_from"] == "2025-07-05"
    assert d["developer_site_visit"]["due"] == "2025-07-07"


def test_r_f2_only_the_right_party_acts(pw):
    with at(2025, 7, 1):
        claim = file(pw)
        assert act(pw.developer, claim, "notify-developer").status_code == 403
        assert act(pw.owner, claim, "notify-developer").status_code == 403
        refused = act(pw.developer, claim, "site-visit")
        assert_api_refused(refused, rule=None, field="status")
        assert act(pw.other_developer, claim, "notify-developer").status_code == 404


def test_r_f3_application_refused_before_it_opens_naming_the_date(pw):
    with at(2025, 7, 1):
        claim = file(pw)
    with at(2025, 8, 31):
        before = AuditEvent.objects.count()
        refused = act(pw.owner, claim, "fund-application", {"reason": "建设单位一直未处理"})
        error = assert_api_refused(refused, rule="R-F3", field="fund_application_opens")
        assert error["code"] == "not_yet_open"
        assert "2025年9月1日" in error["message"]
        assert AuditEvent.objects.count() == before
        assert Claim.objects.get(pk=claim["id"]).status == "pre_period_received"


def test_r_f3_plan_and_repair_before_the_date_close_the_fund_channel(pw):
    with at(2025, 7, 1):
        claim = file(pw)
        act(pw.handler, claim, "notify-developer")
    with at(2025, 7, 3):
        act(pw.developer, claim, "site-visit")
        bad = act(pw.developer, claim, "repair-plan", {"agreed_on": "2025-07-04", "plan": "x"})
        assert_api_refused(bad, rule="R-F2", field="agreed_on")
        act(pw.developer, claim, "repair-plan", {"agreed_on": "2025-07-03", "plan": "重做防水层"})
        claim = act(pw.developer, claim, "repair-started").json()
    assert claim["status"] == "developer_repairing"
    assert deadlines(claim)["developer_site_visit"]["met_on"] == "2025-07-03"
    assert "fund_application_opens" in deadlines(claim)
    stopped = Deadline.objects.get(owner_id=claim["id"], kind="fund_application_opens")
    assert stopped.cancelled_on == date(2025, 7, 3)
    with at(2025, 9, 2):
        refused = act(pw.owner, claim, "fund-application", {"reason": "想用基金"})
        assert_api_refused(refused, rule=None, field="status")


def test_r_f2_the_developer_records_the_repair_done_and_the_request_closes(pw):
    with at(2025, 7, 1):
        claim = file(pw)
        act(pw.handler, claim, "notify-developer")
    with at(2025, 7, 3):
        act(pw.developer, claim, "site-visit")
        act(pw.developer, claim, "repair-plan", {"agreed_on": "2025-07-03", "plan": "重做防水层"})
        act(pw.developer, claim, "repair-started")
    with at(2025, 7, 20):
        assert act(pw.owner, claim, "repair-completed").status_code == 403
        assert act(pw.handler, claim, "repair-completed").status_code == 403
        done = act(pw.developer, claim, "repair-completed")
        assert done.status_code == 200, done.content
        claim = done.json()
        assert claim["status"] == "closed"
        again = act(pw.developer, claim, "repair-completed")
        assert_api_refused(again, rule=None, field="status")
    request = PrePeriodRequest.objects.get(claim_id=claim["id"])
    assert request.repair_completed_on == date(2025, 7, 20)
    assert AuditEvent.objects.filter(action="fund.record_repair_completed").count() == 1
    # Nothing of the request is left to do: no clock runs and the developer has no task.
    assert Claim.objects.get(pk=claim["id"]).next_due is None
    assert not any(d["met_on"] is None and d["overdue"] for d in claim["deadlines"])


def test_r_f3_the_application_date_is_an_opening_never_overdue(pw):
    with at(2025, 7, 1):
        claim = file(pw)
        act(pw.handler, claim, "notify-developer")
    with at(2025, 7, 3):
        act(pw.developer, claim, "site-visit")
    with at(2025, 9, 15):  # two weeks after the owner could first apply
        shown = pw.owner.client().get(f"/api/v1/claims/{claim['id']}").json()
        opens = deadlines(shown)["fund_application_opens"]
        assert (opens["due"], opens["met_on"], opens["overdue"]) == ("2025-09-01", None, False)
        # It is no duty of anyone: not what the claim is due by (queue, regulator's list).
        assert Claim.objects.get(pk=claim["id"]).next_due is None
        page = pw.owner.client().get(f"/claims/{claim['id']}/").content.decode()
        item = page.split('data-testid="countdown-fund_application_opens"')[1].split("</li>")[0]
        assert "2025年9月1日 起已可办理" in item
        assert "逾期" not in item
        client = pw.owner.client()
        client.cookies["django_language"] = "en"  # the page is Chinese unless switched
        assert "open since 1 Sep 2025" in client.get(f"/claims/{claim['id']}/").content.decode()
    with at(2025, 8, 25):
        page = pw.owner.client().get(f"/claims/{claim['id']}/").content.decode()
        assert "2025年9月1日 起可办理（还有 7 天）" in page


def test_r_f3_the_owner_hears_that_the_application_is_open_not_an_escalation(pw):
    from idi.notifications import services as notifications
    from idi.notifications.models import Notification

    with at(2025, 7, 1):
        claim = file(pw)
        act(pw.handler, claim, "notify-developer")
    with at(2025, 7, 3):
        act(pw.developer, claim, "site-visit")
    with at(2025, 9, 2):
        notifications.sweep_deadlines()
    opened = Notification.objects.get(
        recipient=pw.owner.user, deadline__kind="fund_application_opens"
    )
    assert opened.subject.startswith("现在可以办理：")
    assert opened.subject_en.startswith("Now open: ")
    assert "可办理日 2025年9月1日" in opened.body
    assert "opens on 1 Sep 2025" in opened.body_en
    assert "督办" not in opened.subject and "escalation" not in opened.subject_en


def test_r_f3_r_f4_developer_silence_to_approved_fund_repair_and_replenishment(pw):
    with at(2025, 7, 1):
        claim = file(pw)
        act(pw.handler, claim, "notify-developer")
    with at(2025, 9, 1):  # the developer never came: the application opens today
        claim = act(pw.owner, claim, "fund-application", {"reason": "两个月未维修"}).json()
        assert claim["status"] == "fund_applied"
        assert deadlines(claim)["fund_application_opens"]["met_on"] == "2025-09-01"
        refused = act(pw.gi, claim, "fund-decision", {"approved": True, "reasons": "ok"})
        assert_api_refused(refused, rule="R-F3", field="amount")
        over = act(
            pw.gi, claim, "fund-decision", {"approved": True, "amount": "185185.18", "reasons": "x"}
        )
        assert_api_refused(over, rule="R-F4", field="amount")
        claim = act(
            pw.gi,
            claim,
            "fund-decision",
            {"approved": True, "amount": "12000.00", "reasons": "查勘属实，先行维修"},
        ).json()
    assert claim["status"] == "closed"
    case = FundCase.objects.get(request__claim_id=claim["id"])
    assert (case.kind, case.state, case.approved_amount) == (
        "advance_repair",
        "paid",
        Decimal("12000.00"),
    )
    assert case.replenishment_due_on == date(2027, 2, 19)  # before the period (2027-02-20)
    f = figures(pw)
    assert (f.withdrawn, f.replenishment_due) == (Decimal("12000.00"), Decimal("12000.00"))


def test_r_f3_refusal_keeps_the_developer_responsible(pw):
    with at(2025, 7, 1):
        claim = file(pw)
    with at(2025, 9, 2):
        act(pw.owner, claim, "fund-application", {"reason": "未处理"})
        claim = act(
            pw.gi, claim, "fund-decision", {"approved": False, "reasons": "已与建设单位协调"}
        ).json()
    assert claim["status"] == "fund_refused"
    assert FundCase.objects.count() == 0
    with at(2025, 9, 3):
        assert (
            act(
                pw.developer, claim, "repair-plan", {"agreed_on": "2025-09-03", "plan": "p"}
            ).status_code
            == 200
        )


def test_r_f2_before_delivery_plus_three_months_the_developer_alone_answers(pw):
    with at(2025, 5, 30):
        claim = file(pw, noticed_on="2025-05-29")
    assert claim["status"] == "referred"
    assert claim["routed_to"]["role"] == "developer"
    assert "2025-06-01" in claim["answer"]
    assert claim["deadlines"] == []
