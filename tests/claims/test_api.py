"""The API contract of issue 10: paths, fields and meanings exactly as written."""

import json
from datetime import date

import pytest
from claims_helpers import at, file, nothing_written
from django.db import connection
from django.test.utils import CaptureQueriesContext
from uw_helpers import assert_api_refused

from idi.claims.models import Claim

BODY = {
    "unit": None,
    "category": "waterproofing",
    "place": "bathroom",
    "description": "卫生间地面渗水",
    "noticed_on": "2025-09-20",
    "affects_basic_living": False,
}
CLAIM_FIELDS = {
    "id",
    "number",
    "unit",
    "policy",
    "category",
    "status",
    "filed_on",
    "coverage",
    "routed_to",
    "emergency",
    "linked_repair",
    "deadlines",
    "paid",
    "remaining_sum_insured",
    "shares_paid",
    "warranty_until",
}
DEADLINE_FIELDS = {"kind", "from", "due", "moved_from", "provisional", "basis", "met_on", "overdue"}


def post(client, path, body=None, **headers):
    return client.post(
        path, json.dumps(body or {}), content_type="application/json", headers=headers
    )


def test_post_claims_201_then_same_key_200_same_claim(cw):
    client = cw.owner.client()
    body = {**BODY, "unit": cw.unit.pk}
    with at(2025, 9, 26):
        first = post(client, "/api/v1/claims", body, **{"Idempotency-Key": "k1"})
        again = post(client, "/api/v1/claims", body, **{"Idempotency-Key": "k1"})
    assert first.status_code == 201, first.content
    assert again.status_code == 200
    data = first.json()
    assert again.json()["id"] == data["id"] and Claim.objects.count() == 1
    assert set(data) >= CLAIM_FIELDS
    assert data["coverage"] == {
        "status": "insured",
        "window": {"start": "2025-06-30", "end": "2031-06-29"},
    }
    assert data["filed_on"] == "2025-09-26" and data["status"] == "received"
    assert data["routed_to"]["organisation"] == cw.lead.org.pk
    assert data["paid"] == "0.00" and data["remaining_sum_insured"] == "200000000.00"
    assert data["shares_paid"] == [] and data["warranty_until"] is None
    [d] = data["deadlines"]
    assert set(d) == DEADLINE_FIELDS
    assert d == {
        "kind": "claim_determination",
        "from": "2025-09-26",
        "due": "2025-10-09",
        "moved_from": "2025-10-06",
        "provisional": False,
        "basis": "legal",
        "met_on": None,
        "overdue": False,
    }


def test_post_claims_without_key_or_with_bad_body_is_refused_and_writes_nothing(cw):
    client = cw.owner.client()
    with at(2025, 9, 26), nothing_written():
        r = post(client, "/api/v1/claims", {**BODY, "unit": cw.unit.pk})
        assert_api_refused(r, rule=None, field="Idempotency-Key")
        r = post(
            client,
            "/api/v1/claims",
            {**BODY, "unit": cw.unit.pk, "category": "additional"},
            **{"Idempotency-Key": "k2"},
        )
        assert_api_refused(r, rule="R-C1", field="sub_item")


def test_filing_on_a_unit_not_ones_own_is_404(cw):
    with at(2025, 9, 26), nothing_written():
        r = post(
            cw.other_owner.client(),
            "/api/v1/claims",
            {**BODY, "unit": cw.unit.pk},
            **{"Idempotency-Key": "k3"},
        )
    assert r.status_code == 404


def test_the_process_through_the_api(cw):
    owner, handler = cw.owner.client(), cw.handler.client()
    with at(2025, 9, 26):
        claim = file(cw)
        base = f"/api/v1/claims/{claim.pk}"
        r = post(handler, f"{base}/complex", {"reason": "需检测"})
        assert r.status_code == 200 and r.json()["status"] == "complex"
        r = post(handler, f"{base}/determine", {"outcome": "covered", "reasons": ""})
        assert r.json()["status"] == "covered"
        r = post(handler, f"{base}/agree", {"remedy": "repair"})
        assert r.json()["status"] == "repairing"
        r = post(handler, f"{base}/repair-done")
        assert r.json()["status"] == "done"
        r = post(owner, f"{base}/owner-decision", {"accepted": True, "rating": 5, "comment": "好"})
    data = r.json()
    assert data["status"] == "closed"
    assert data["warranty_until"] == "2026-03-25"  # R-K5: 2025-09-26 + 180 days
    kinds = {d["kind"]: d for d in data["deadlines"]}
    assert kinds["claim_determination"]["met_on"] is None  # replaced when marked complex
    assert kinds["claim_determination_complex"]["met_on"] == "2025-09-26"
    assert kinds["claim_performance"]["met_on"] == "2025-09-26"


def test_payment_recovery_and_refusal_through_the_api(cw):
    handler = cw.handler.client()
    with at(2025, 9, 26):
        claim = file(cw)
        base = f"/api/v1/claims/{claim.pk}"
        post(handler, f"{base}/determine", {"outcome": "partly_covered", "reasons": "部分"})
        post(handler, f"{base}/agree", {"remedy": "payment", "amount": "1234.56"})
        r = post(handler, f"{base}/payment", {"amount": "1234.56"})
        data = r.json()
        assert (data["status"], data["paid"]) == ("closed", "1234.56")
        assert data["shares_paid"] == [{"insurer": cw.lead.org.pk, "amount": "1234.56"}]
        assert data["remaining_sum_insured"] == "199998765.44"
        r = post(handler, f"{base}/recovery", {"from": cw.contractor.org.pk, "amount": "1000"})
        assert r.status_code == 200
        other = file(cw, place="kitchen")
        r = post(
            handler,
            f"/api/v1/claims/{other.pk}/determine",
            {"outcome": "not_covered", "reasons": "人为"},
        )
        r = post(handler, f"/api/v1/claims/{other.pk}/refusal-notice", {"reasons": "人为损坏"})
        assert r.json()["status"] == "refused"
        with nothing_written():
            r = post(handler, f"/api/v1/claims/{other.pk}/determine", {"outcome": "covered"})
        assert_api_refused(r, rule=None, field="status")
        assert r.json()["error"]["code"] == "invalid_state"


def test_unknown_action_is_refused(cw):
    with at(2025, 9, 26):
        claim = file(cw)
        r = post(cw.handler.client(), f"/api/v1/claims/{claim.pk}/teleport")
    assert_api_refused(r, rule=None, field="action")


def test_list_filters_and_paging_without_query_growth(cw):
    client = cw.lead_admin.client()
    with at(2025, 9, 26):
        file(cw)
        with CaptureQueriesContext(connection) as one:
            r = client.get("/api/v1/claims?limit=50")
        assert r.json()["count"] == 1
        for i in range(19):
            file(cw, place=["kitchen", "bedroom"][i % 2])
        with CaptureQueriesContext(connection) as twenty:
            r = client.get("/api/v1/claims?limit=50")
    body = r.json()
    assert {k: body[k] for k in ("count", "page", "pages", "limit")} == {
        "count": 20,
        "page": 1,
        "pages": 1,
        "limit": 50,
    }
    assert len(twenty.captured_queries) == len(one.captured_queries)
    with at(2025, 10, 10):
        assert client.get("/api/v1/claims?overdue=true").json()["count"] == 20
        assert client.get("/api/v1/claims?status=closed").json()["count"] == 0
        assert client.get(f"/api/v1/claims?unit={cw.unit2.pk}").json()["count"] == 0
        assert client.get(f"/api/v1/claims?policy={cw.policy.pk}").json()["count"] == 20


def test_openapi_lists_the_contract_paths(cw):
    paths = cw.owner.client().get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/claims",
        "/api/v1/claims/{pk}",
        "/api/v1/claims/{pk}/determine",
        "/api/v1/claims/{pk}/refusal-notice",
        "/api/v1/claims/{pk}/owner-decision",
        "/api/v1/claims/{pk}/written-confirmation",
        "/api/v1/claims/{pk}/recovery",
    ):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/claims"]["post"]["parameters"]}
    assert "Idempotency-Key" in params


@pytest.mark.parametrize(
    "who", ["owner", "developer", "lead", "reg_binjiang", "reg_city", "guarantee"]
)
def test_who_may_see_a_claim_through_the_api(cw, who):
    with at(2025, 9, 26):
        claim = file(cw)
    r = getattr(cw, who).client().get(f"/api/v1/claims/{claim.pk}")
    assert r.status_code == 200
    assert r.json()["filed_on"] == str(date(2025, 9, 26))


@pytest.mark.parametrize(
    "who", ["other_owner", "other_developer", "outsider", "reg_xihu", "contractor"]
)
def test_who_may_not_see_a_claim_is_answered_404(cw, who):
    with at(2025, 9, 26):
        claim = file(cw)
    client = getattr(cw, who).client()
    assert client.get(f"/api/v1/claims/{claim.pk}").status_code == 404
    assert client.get("/api/v1/claims").json()["count"] == 0
    with nothing_written():
        r = post(client, f"/api/v1/claims/{claim.pk}/determine", {"outcome": "covered"})
    assert r.status_code == 404
