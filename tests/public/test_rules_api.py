"""The rulebook over HTTP answers exactly what `idi rules` answers (same JSON)."""

import json

import pytest

from idi.rules.cli import main as rules_cli

pytestmark = pytest.mark.django_db


def cli_json(capsys, *args):
    code = rules_cli([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("cli_args", "url"),
    [
        (
            ["window", "--category", "foundation_structure", "--completion", "2024-06-30"],
            "/api/v1/rules/window?category=foundation_structure&completion=2024-06-30",
        ),
        (
            [
                "assess",
                "--category",
                "waterproofing",
                "--completion",
                "2024-06-30",
                "--on",
                "2025-12-01",
                "--delivery",
                "2024-08-15",
            ],
            "/api/v1/rules/assess?category=waterproofing&completion=2024-06-30"
            "&on=2025-12-01&delivery=2024-08-15",
        ),
        (
            ["deadline", "--kind", "claim_determination", "--from", "2025-09-26"],
            "/api/v1/rules/deadline?kind=claim_determination&from=2025-09-26",
        ),
        (
            [
                "premium",
                "--contract-price",
                "123456789",
                "--housing",
                "commercial",
                "--rate",
                "0.015",
            ],
            "/api/v1/rules/premium?contract_price=123456789&housing=commercial&rate=0.015",
        ),
        (["packs"], "/api/v1/rules/packs"),
    ],
)
def test_api_answers_like_the_cli(client, capsys, cli_args, url):
    code, expected = cli_json(capsys, *cli_args)
    assert code == 0
    response = client.get(url)
    assert response.status_code == 200
    assert response.json() == expected


def test_R_T3_worked_example_over_http(client):
    """R-T1/R-T3: a claim received 2025-09-26 is determined by 2025-10-09 (holidays)."""
    body = client.get("/api/v1/rules/deadline?kind=claim_determination&from=2025-09-26").json()
    assert body == {
        "kind": "claim_determination",
        "from": "2025-09-26",
        "due": "2025-10-09",
        "moved_from": "2025-10-06",
        "provisional": False,
    }


def test_R_C5_developer_warranty_with_insurer_channel_over_http(client):
    """R-C5: between completion and start, after delivery + 3 months, both channels are open."""
    body = client.get(
        "/api/v1/rules/assess?category=waterproofing&completion=2024-06-30"
        "&on=2025-12-01&delivery=2024-08-15"
    ).json()
    assert body == {
        "status": "developer_warranty",
        "window": {"start": "2026-06-30", "end": "2032-06-29"},
        "fund_fallback": True,
        "insurer_channel": True,
    }


def test_R_U5_rate_below_floor_is_a_400_naming_rule_and_field(client):
    """R-U5: 1.4% is below the 1.43% floor of affordable housing."""
    response = client.get(
        "/api/v1/rules/premium?contract_price=100000000&housing=affordable&rate=0.014"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["rule"], error["field"]) == ("R-U5", "rate")
    assert "1.43%" in error["message"]


def test_R_U5_premium_amounts_over_http(client):
    """R-U5/R-F1/R-U7: 123,456,789 × 1.5% = 1,851,851.835 → 1,851,851.84 (half-up)."""
    body = client.get(
        "/api/v1/rules/premium?contract_price=123456789&housing=commercial&rate=0.015"
    ).json()
    assert body == {
        "premium": "1851851.84",
        "fund_contribution": "61728.39",
        "min_risk_management_fee": "277777.78",
        "rate_floor": "0.015",
    }


def test_bad_date_names_the_field(client):
    response = client.get("/api/v1/rules/window?category=insulation&completion=2024-13-01")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "completion"


def test_R_C1_additional_years_below_two_refused(client):
    """R-C1: additional cover needs at least 2 years."""
    response = client.get(
        "/api/v1/rules/window?category=additional&completion=2024-06-30&additional_years=1"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["rule"], error["field"]) == ("R-C1", "additional_years")


def test_R_U4_coinsurance_check_over_http(client):
    """R-U4: a lead below 50% with one follower is invalid, for both reasons."""
    shares = [
        {"role": "lead", "insurer": "A", "fraction": "0.4"},
        {"role": "follower", "insurer": "B", "fraction": "0.6"},
    ]
    response = client.post(
        "/api/v1/rules/coinsurance", {"shares": shares}, content_type="application/json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is False
    assert {v["rule"] for v in body["violations"]} == {"R-U4"}
    assert len(body["violations"]) == 2


def test_R_U4_valid_coinsurance_over_http(client):
    """R-U4: 1 lead at 50% and 2 followers summing to 100% is valid."""
    shares = [
        {"role": "lead", "insurer": "A", "fraction": "0.5"},
        {"role": "follower", "insurer": "B", "fraction": "0.3"},
        {"role": "follower", "insurer": "C", "fraction": "0.2"},
    ]
    response = client.post(
        "/api/v1/rules/coinsurance", {"shares": shares}, content_type="application/json"
    )
    assert response.json() == {"valid": True, "violations": []}


def test_openapi_lists_the_rules_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for name in ("packs", "window", "assess", "deadline", "premium", "coinsurance"):
        assert f"/api/v1/rules/{name}" in paths
