"""The fund API: the project figures contract, the entries list, postings and cases over HTTP,
and who sees what (R-F6, R-O1)."""

import json
from datetime import date
from decimal import Decimal

import pytest
from fund_helpers import CAP, nothing_written, other_insured_project, receive, withdraw
from uw_helpers import FUND_CONTRIBUTION, assert_api_refused, sell

from idi.fund import services


def _post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_r_f1_r_f4_project_fund_answers_exactly_the_contract(fw):
    receive(fw, "60000.00")
    withdraw(fw, "10000.00")
    response = fw.gi.client().get(f"/api/v1/fund/projects/{fw.project.pk}")
    assert response.status_code == 200
    assert response.json() == {
        "contributed": "61728.39",
        "received": "60000.00",
        "withdrawn": "10000.00",
        "replenished": "0.00",
        "balance": "50000.00",
        "cap": "185185.17",
        "cap_remaining": "175185.17",
        "replenishment_due": "10000.00",
    }


def test_r_f1_figures_before_any_receipt_are_zero_strings(fw):
    services.book_contributions_due()
    body = fw.developer.client().get(f"/api/v1/fund/projects/{fw.project.pk}").json()
    assert body["contributed"] == "61728.39" and body["balance"] == "0.00"
    assert body["cap"] == f"{CAP:.2f}"


def test_r_o1_who_sees_a_projects_fund(fw):
    sell(fw.unit, fw.owner)
    services.book_contributions_due()
    url = f"/api/v1/fund/projects/{fw.project.pk}"
    for party in (fw.gi, fw.developer, fw.lead, fw.reg_binjiang, fw.reg_city, fw.owner):
        assert party.client().get(url).status_code == 200, party.user
    # A follower insurer is no contributor; others' developers, districts and owners, and
    # participants do not learn the project's fund exists.
    for party in (fw.other_developer, fw.reg_xihu, fw.outsider, fw.other_owner, fw.contractor):
        assert party.client().get(url).status_code == 404, party.user


def test_r_o1_entries_are_listed_page_by_page_for_those_who_may_see_them(fw):
    receive(fw, "1.00")
    receive(fw, "2.00")
    other = other_insured_project(fw)
    receive(fw, "3.00", project=other.permit.project)
    body = fw.gi.client().get("/api/v1/fund/entries?limit=2").json()
    assert set(body) == {"items", "count", "page", "pages", "limit"}
    assert (body["count"], body["pages"], body["limit"]) == (5, 3, 2)  # 2 owed + 3 received
    assert body["items"][0]["amount"] == "3.00"
    own = fw.developer.client().get("/api/v1/fund/entries").json()
    assert [e["amount"] for e in own["items"]] == ["2.00", "1.00", f"{FUND_CONTRIBUTION}"]
    xihu = fw.reg_xihu.client().get("/api/v1/fund/entries").json()
    assert [e["amount"] for e in xihu["items"]] == ["3.00", f"{other.fund_contribution}"]
    assert fw.owner.client().get("/api/v1/fund/entries").json()["count"] == 0
    assert (
        fw.other_developer.client().get(f"/api/v1/fund/entries?project={fw.project.pk}").status_code
        == 404
    )


@pytest.mark.parametrize("rows", [1, 20])
def test_entries_list_query_count_does_not_grow_with_rows(fw, rows, django_assert_num_queries):
    services.book_contributions_due()
    for _ in range(rows):
        receive(fw, "1.00")
    client = fw.gi.client()
    client.get("/api/v1/fund/entries")  # warm the session
    with django_assert_num_queries(5):
        assert client.get("/api/v1/fund/entries?limit=200").status_code == 200


def test_r_f1_contribution_received_over_http_and_refused_over_the_debt(fw):
    client = fw.gi.client()
    body = {
        "project": fw.project.pk,
        "insurer": fw.lead.org.pk,
        "amount": "61728.39",
        "received_on": "2025-03-03",
        "reference": "B-77",
    }
    response = _post(client, "/api/v1/fund/contributions", body)
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "61728.39"
    with nothing_written():
        refused = _post(client, "/api/v1/fund/contributions", {**body, "amount": "0.01"})
    error = assert_api_refused(refused, rule="R-F1", field="amount")
    assert error["code"] == "over_outstanding"


def test_r_f6_only_the_institution_posts(fw):
    services.book_contributions_due()
    body = {
        "project": fw.project.pk,
        "insurer": fw.lead.org.pk,
        "amount": "1.00",
        "received_on": "2025-03-03",
    }
    with nothing_written():
        assert _post(fw.lead.client(), "/api/v1/fund/contributions", body).status_code == 403
        # The other developer may not know the project exists.
        assert (
            _post(fw.other_developer.client(), "/api/v1/fund/contributions", body).status_code
            == 404
        )


def test_r_f4_case_over_http_from_opening_to_payment_and_replenishment(fw):
    receive(fw)
    client = fw.gi.client()
    opened = _post(
        client,
        "/api/v1/fund/cases",
        {
            "kind": "fallback_repair",
            "building": fw.building.pk,
            "unit": fw.unit.pk,
            "category": "waterproofing",
            "occurred_on": "2025-03-01",
            "description": "屋面渗漏，建设单位与施工单位均无法维修",
            "requested_amount": "30000.00",
        },
    )
    assert opened.status_code == 201, opened.content
    case = opened.json()
    assert (case["state"], case["status"]) == ("open", "developer_warranty")
    refused = _post(
        client, f"/api/v1/fund/cases/{case['id']}/decision", {"approved": True, "reasons": "x"}
    )
    assert_api_refused(refused, rule="R-F4", field="amount")
    decided = _post(
        client,
        f"/api/v1/fund/cases/{case['id']}/decision",
        {"approved": True, "amount": "28000.00", "reasons": "按评估价核定"},
    )
    assert decided.json()["approved_amount"] == "28000.00"
    paid = _post(client, f"/api/v1/fund/cases/{case['id']}/payment", {}).json()
    assert paid["state"] == "paid"
    # R-F3: due before the insurance period starts (2027-02-20).
    assert paid["replenishment_due_on"] == "2027-02-19"
    figures = client.get(f"/api/v1/fund/projects/{fw.project.pk}").json()
    assert figures["withdrawn"] == "28000.00" and figures["replenishment_due"] == "28000.00"
    deduction = _post(
        fw.developer.client(),
        f"/api/v1/fund/cases/{case['id']}/deduction",
        {"contractor": fw.contractor.org.pk, "amount": "28000.00"},
    )
    assert deduction.json()["quality_deposit_deduction"] == "28000.00"
    back = _post(
        client,
        "/api/v1/fund/replenishments",
        {"project": fw.project.pk, "amount": "28000.00", "received_on": "2025-03-03"},
    )
    assert back.status_code == 201
    figures = client.get(f"/api/v1/fund/projects/{fw.project.pk}").json()
    assert figures["replenished"] == "28000.00" and figures["replenishment_due"] == "0.00"
    assert figures["balance"] == "61728.39"
    assert figures["cap_remaining"] == f"{CAP - Decimal('28000.00'):.2f}"


def test_r_f6_monthly_report_from_the_ledger(fw):
    receive(fw, "61728.39", on=date(2025, 3, 1))
    withdraw(fw, "1000.00")
    report = fw.reg_city.client().get("/api/v1/fund/reports/monthly?month=2025-03").json()
    assert report["opening_balance"] == "0.00"
    assert (report["inflows"], report["outflows"]) == ("61728.39", "1000.00")
    assert report["closing_balance"] == "60728.39"
    (row,) = report["projects"]
    assert (row["project"], row["withdrawn_in_month"]) == (fw.project.pk, "1000.00")
    february = fw.reg_city.client().get("/api/v1/fund/reports/monthly?month=2025-02").json()
    assert february["projects"] == [] and february["closing_balance"] == "0.00"
    assert (
        fw.reg_xihu.client().get("/api/v1/fund/reports/monthly?month=2025-03").json()["projects"]
        == []
    )
    bad = fw.reg_city.client().get("/api/v1/fund/reports/monthly?month=March")
    assert_api_refused(bad, rule="R-F6", field="month")


def test_fund_paths_are_in_the_openapi_schema(fw):
    paths = fw.gi.client().get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/fund/projects/{project}",
        "/api/v1/fund/entries",
        "/api/v1/fund/contributions",
        "/api/v1/fund/cases",
        "/api/v1/fund/reports/monthly",
    ):
        assert path in paths
