"""Insurer shares (R-U4) and lead-insurer qualifications (R-U6)."""

from __future__ import annotations

from decimal import Decimal

from idi.rules import (
    LeadQualifications,
    RulePack,
    Share,
    check_lead_qualifications,
    check_shares,
)

M = Decimal


def _s(*specs: str) -> list[Share]:
    out = []
    for spec in specs:
        role, insurer, fraction = spec.split(":")
        out.append(Share(role, insurer, M(fraction)))
    return out


def _messages(pack: RulePack, *specs: str) -> list[str]:
    check = check_shares(pack, _s(*specs))
    assert all(v.rule == "R-U4" and v.severity == "error" for v in check.violations)
    assert check.valid == (not check.violations)
    return [v.message_en for v in check.violations]


def test_R_U4_single_insurer_at_100_percent(pack: RulePack) -> None:
    """R-U4: one insurer, role lead, 100%."""
    assert _messages(pack, "lead:A:1") == []
    assert _messages(pack, "lead:A:1.00") == []
    assert _messages(pack, "follower:A:1") == [
        "with a single insurer, that insurer must be the lead"
    ]
    assert _messages(pack, "lead:A:0.9") == ["shares sum to 0.9, not 1 (100%)"]


def test_R_U4_valid_coinsurance(pack: RulePack) -> None:
    """R-U4: 1 lead at exactly 50% and 2 followers summing to 100% is valid."""
    assert _messages(pack, "lead:A:0.5", "follower:B:0.25", "follower:C:0.25") == []
    assert _messages(pack, "lead:A:0.6", "follower:B:0.2", "follower:C:0.1", "follower:D:0.1") == []


def test_R_U4_every_problem_is_reported(pack: RulePack) -> None:
    """R-U4: too few followers, lead under 50%, two leads, zero share, bad sum, duplicates."""
    assert _messages(pack, "lead:A:0.6", "follower:B:0.4") == [
        "co-insurance needs at least 2 followers (got 1)"
    ]
    assert _messages(pack, "lead:A:0.49", "follower:B:0.26", "follower:C:0.25") == [
        "lead A holds 0.49, below 0.5"
    ]
    assert _messages(pack, "lead:A:0.5", "lead:B:0.25", "follower:C:0.25") == [
        "co-insurance needs exactly 1 lead insurer (got 2)",
        "co-insurance needs at least 2 followers (got 1)",
        "lead B holds 0.25, below 0.5",
    ]
    assert _messages(pack, "lead:A:0.5", "follower:B:0.5", "follower:C:0") == [
        "C: share 0 must be greater than 0"
    ]
    assert _messages(pack, "lead:A:0.5", "follower:B:0.25", "follower:C:0.26") == [
        "shares sum to 1.01, not 1 (100%)"
    ]
    assert _messages(pack, "lead:A:0.5", "follower:B:0.25", "follower:B:0.25") == [
        "insurer B appears twice"
    ]
    assert _messages(pack, "boss:A:0.5", "follower:B:0.25", "follower:C:0.25") == [
        "A: the role must be lead insurer or co-insurer",
        "co-insurance needs exactly 1 lead insurer (got 0)",
    ]
    assert _messages(pack) == ["at least one insurer is required"]


def test_R_U4_chinese_messages(pack: RulePack) -> None:
    """R-U4: every violation also has a Chinese message."""
    check = check_shares(pack, _s("lead:A:0.6", "follower:B:0.4"))
    assert check.violations[0].message_zh == "共保体应有不少于 2 家从保公司（当前 1 家）"


GOOD = LeadQualifications(
    registered_capital=M("5000000000"),
    solvency_ratios={2022: M("1.5"), 2023: M("2.1"), 2024: M("1.8")},
    has_quality_department=True,
    has_idi_lead_experience=True,
)


def test_R_U6_qualified_lead_has_no_warnings(pack: RulePack) -> None:
    """R-U6: CNY 5 bn capital, ≥ 150% in each of the last 3 years, department, experience."""
    assert check_lead_qualifications(pack, GOOD, 2024) == ()


def test_R_U6_unmet_conditions_are_warnings_never_errors(pack: RulePack) -> None:
    """R-U6: G 2.1 says "宜": each unmet condition is one warning."""
    q = LeadQualifications(
        registered_capital=M("4999999999.99"),
        solvency_ratios={2023: M("1.49"), 2024: M("1.6")},
        has_quality_department=False,
        has_idi_lead_experience=False,
    )
    out = check_lead_qualifications(pack, q, 2024)
    assert {(v.rule, v.severity) for v in out} == {("R-U6", "warning")}
    assert [v.message_en for v in out] == [
        "registered capital CNY 4999999999.99 is below CNY 5000000000",
        "no solvency ratio recorded for 2022",
        "solvency ratio 149% in 2023 is below 150%",
        "no engineering quality management department",
        "no prior IDI lead-insurer experience",
    ]
    # the year chooses which three years count
    assert [v.message_en for v in check_lead_qualifications(pack, GOOD, 2025)] == [
        "no solvency ratio recorded for 2025"
    ]
