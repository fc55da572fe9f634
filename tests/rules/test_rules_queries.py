"""The shared query layer (`run_query`): exact output contract and field-named errors."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from idi.rules import Rulebook, RuleViolation, eval_line, run_query
from idi.rules.codes import Code


def _err(book: Rulebook, op: str, params: dict[str, Any]) -> RuleViolation:
    with pytest.raises(RuleViolation) as info:
        run_query(book, op, params)
    return info.value


def test_R_U1_packs_query(book: Rulebook, book2: Rulebook) -> None:
    """R-U1: the packs op lists id, jurisdiction and permit range."""
    assert run_query(book, "packs", {}) == {
        "packs": [
            {
                "id": "hangzhou-2024",
                "jurisdiction": "hangzhou",
                "permits_from": "2024-03-01",
                "permits_to": "2026-02-28",
            }
        ]
    }
    assert [p["id"] for p in run_query(book2, "packs", {})["packs"]] == [
        "hangzhou-2024",
        "hangzhou-2026",
    ]
    assert (
        run_query(book2, "pack_for", {"jurisdiction": "hangzhou", "permit_date": "2027-01-01"})[
            "id"
        ]
        == "hangzhou-2026"
    )
    v = _err(book, "pack_for", {"jurisdiction": "hangzhou", "permit_date": "2027-01-01"})
    assert (v.rule, v.field) == ("R-U1", "permit_date")


def test_R_C3_window_query(book: Rulebook) -> None:
    """R-C3: window op output."""
    assert run_query(
        book, "window", {"category": "foundation_structure", "completion": "2024-06-30"}
    ) == {"category": "foundation_structure", "start": "2026-06-30", "end": "2036-06-29"}
    assert (
        run_query(
            book,
            "window",
            {"category": "additional", "completion": "2024-06-30", "additional_years": "3"},
        )["end"]
        == "2029-06-29"
    )


def test_R_C5_assess_query(book: Rulebook) -> None:
    """R-C5: assess op output, defaults fully_decorated=true and event=other."""
    base = {"category": "foundation_structure", "completion": "2024-06-30"}
    assert run_query(book, "assess", {**base, "on": "2025-01-01", "delivery": "2024-09-15"}) == {
        "status": "developer_warranty",
        "window": {"start": "2026-06-30", "end": "2036-06-29"},
        "fund_fallback": True,
        "insurer_channel": True,
    }
    assert (
        run_query(book, "assess", {**base, "on": "2040-01-01", "event": "collapse"})["status"]
        == "fund_structural"
    )
    assert run_query(
        book,
        "assess",
        {
            "category": "concealed_works",
            "completion": "2024-06-30",
            "on": "2027-01-01",
            "fully_decorated": False,
        },
    ) == {"status": "not_covered", "window": None, "fund_fallback": False, "insurer_channel": False}


def test_R_T3_deadline_query(book: Rulebook) -> None:
    """R-T3: the worked example through the query layer."""
    assert run_query(book, "deadline", {"kind": "claim_determination", "from": "2025-09-26"}) == {
        "kind": "claim_determination",
        "from": "2025-09-26",
        "due": "2025-10-09",
        "moved_from": "2025-10-06",
        "provisional": False,
    }
    out = run_query(book, "deadline", {"kind": "denial_notice", "from": "2026-12-30"})
    assert (out["due"], out["provisional"]) == ("2027-01-04", True)  # R-T5


def test_R_U5_premium_query_accepts_numbers_and_strings(book: Rulebook) -> None:
    """R-U5: money as strings with 2 decimals, the floor as a decimal string; floats are read
    through their decimal repr, never with float arithmetic."""
    expected = {
        "premium": "1430000.00",
        "fund_contribution": "50000.00",
        "min_risk_management_fee": "214500.00",
        "rate_floor": "0.0143",
    }
    for price, rate in (("100000000", "0.0143"), (100000000, 0.0143), ("1e8", "0.01430")):
        params = {"contract_price": price, "housing": "affordable", "rate": rate}
        assert run_query(book, "premium", params) == expected
    v = _err(book, "premium", {"contract_price": "1e8", "housing": "affordable", "rate": 0.0142})
    assert (v.rule, v.field) == ("R-U5", "rate")


def test_R_U4_coinsurance_query(book: Rulebook) -> None:
    """R-U4: coinsurance op: valid flag and violations with code, rule, severity and message,
    the message in one language (Chinese unless English is asked for)."""
    good = [
        {"role": "lead", "insurer": "A", "fraction": "0.5"},
        {"role": "follower", "insurer": "B", "fraction": 0.25},
        {"role": "follower", "insurer": "C", "fraction": "0.25"},
    ]
    assert run_query(book, "coinsurance", {"shares": good}) == {"valid": True, "violations": []}
    out = run_query(book, "coinsurance", {"shares": good[:2]})
    assert out == {
        "valid": False,
        "violations": [
            {
                "code": "wrong_total",
                "rule": "R-U4",
                "severity": "error",
                "message": "份额合计为 0.75，应恰好为 1（100%）",
            },
            {
                "code": "wrong_count",
                "rule": "R-U4",
                "severity": "error",
                "message": "共保体应有不少于 2 家从保公司（当前 1 家）",
            },
        ],
    }
    english = run_query(book, "coinsurance", {"shares": good[:2]}, language="en")
    assert [v["message"] for v in english["violations"]] == [
        "shares sum to 0.75, not 1 (100%)",
        "co-insurance needs at least 2 followers (got 1)",
    ]


@pytest.mark.parametrize(
    ("op", "params", "rule", "field"),
    [
        ("window", {"category": "insulation", "completion": "2024/06/30"}, None, "completion"),
        ("window", {"category": "insulation", "completion": "20240630"}, None, "completion"),
        ("window", {"category": "insulation", "completion": "2024-02-30"}, None, "completion"),
        ("window", {"category": "insulation"}, None, "completion"),
        ("window", {"category": "insulation", "completion": "2024-06-30", "x": 1}, None, "x"),
        (
            "window",
            {"category": "additional", "completion": "2024-06-30", "additional_years": "two"},
            None,
            "additional_years",
        ),
        (
            "window",
            {"category": "additional", "completion": "2024-06-30", "additional_years": 1},
            "R-C1",
            "additional_years",
        ),
        ("window", {"category": "roof", "completion": "2024-06-30"}, "R-C1", "category"),
        (
            "window",
            {"category": "insulation", "completion": "2024-06-30", "pack": "nope"},
            "R-U1",
            "pack",
        ),
        (
            "assess",
            {
                "category": "insulation",
                "completion": "2024-06-30",
                "on": "2025-01-01",
                "fully_decorated": "maybe",
            },
            None,
            "fully_decorated",
        ),
        (
            "assess",
            {"category": "insulation", "completion": "2024-06-30", "on": 20250101},
            None,
            "on",
        ),
        ("deadline", {"kind": "claim_determination"}, None, "from"),
        ("deadline", {"kind": "soon", "from": "2025-01-01"}, None, "kind"),
        (
            "premium",
            {"contract_price": "lots", "housing": "affordable", "rate": "0.02"},
            None,
            "contract_price",
        ),
        (
            "premium",
            {"contract_price": True, "housing": "affordable", "rate": "0.02"},
            None,
            "contract_price",
        ),
        (
            "premium",
            {"contract_price": "NaN", "housing": "affordable", "rate": "0.02"},
            None,
            "contract_price",
        ),
        (
            "premium",
            {"contract_price": "100", "housing": "castle", "rate": "0.02"},
            "R-U5",
            "housing",
        ),
        ("coinsurance", {"shares": "lead:A:1"}, None, "shares"),
        ("coinsurance", {"shares": [{"role": "lead", "insurer": "A"}]}, None, "shares[0].fraction"),
        (
            "coinsurance",
            {"shares": [{"role": "lead", "insurer": "", "fraction": 1}]},
            None,
            "shares[0].insurer",
        ),
        (
            "coinsurance",
            {"shares": [{"role": "lead", "insurer": "A", "fraction": "x"}]},
            None,
            "shares[0].fraction",
        ),
        ("launch", {}, None, "op"),
    ],
)
def test_R_U1_bad_input_names_the_field(
    book: Rulebook, op: str, params: dict[str, Any], rule: str | None, field: str
) -> None:
    """Bad input anywhere is a RuleViolation naming the field (and the rule where one applies,
    e.g. R-U1 for an unknown pack, R-C1, R-U5)."""
    v = _err(book, op, params)
    assert (v.rule, v.field) == (rule, field)
    assert v.code in set(Code)
    # One language per message: Chinese by default, English on request, never both joined.
    assert v.message_for("zh-hans") == v.message and " / " not in v.message
    assert v.message_for("en") == v.message_en and v.message_en.isascii()


def test_R_T2_out_of_range_dates_are_refused_not_crashes(book: Rulebook) -> None:
    """R-T2: arithmetic past year 9999 is refused as bad input."""
    v = _err(book, "window", {"category": "insulation", "completion": "9998-06-30"})
    assert v.rule is None and "out of the supported range" in v.message_en


def test_R_T3_query_accepts_date_objects(book: Rulebook) -> None:
    """R-T3: Python callers may pass `date` values instead of ISO strings."""
    out = run_query(book, "deadline", {"kind": "claim_determination", "from": date(2025, 9, 26)})
    assert out["due"] == "2025-10-09"


def test_R_T3_eval_line(book: Rulebook) -> None:
    """R-T3: eval_line answers or returns an error object, never raises."""
    assert (
        eval_line(book, '{"op":"deadline","kind":"denial_notice","from":"2025-03-12"}')["due"]
        == "2025-03-17"
    )
    assert eval_line(book, "{not json")["error"]["field"] is None
    assert eval_line(book, "[1, 2]")["error"]["field"] is None
    assert eval_line(book, '{"kind": "x"}')["error"]["field"] == "op"
