"""Money: R-U5, R-U7, R-U10, R-F1, R-F4 (Decimal, half-up to the fen at the end)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from idi.rules import (
    PremiumQuote,
    RulePack,
    RuleViolation,
    Share,
    check_risk_management_fee,
    fen,
    fund_contribution,
    fund_repair_cap,
    premium_quote,
    split_by_shares,
)

M = Decimal


def test_R_U5_R_F1_R_U7_premium_quote_at_the_affordable_floor(pack: RulePack) -> None:
    """R-U5: 100,000,000 × 1.43% = 1,430,000.00; R-F1: 0.05% = 50,000.00;
    R-U7: 15% of the premium = 214,500.00."""
    q = premium_quote(pack, M("100000000"), "affordable", M("0.0143"))
    assert q == PremiumQuote(M("1430000.00"), M("50000.00"), M("214500.00"), M("0.0143"))


def test_R_U5_premium_rounding_half_up_at_the_end(pack: RulePack) -> None:
    """R-U5, R-F1, R-U7: 123,456,789.01 × 0.015 = 1,851,851.83515 → 1,851,851.84;
    × 0.0005 = 61,728.394505 → 61,728.39; 1,851,851.84 × 0.15 = 277,777.776 → 277,777.78."""
    q = premium_quote(pack, M("123456789.01"), "commercial", M("0.015"))
    assert (q.premium, q.fund_contribution, q.min_risk_management_fee, q.rate_floor) == (
        M("1851851.84"),
        M("61728.39"),
        M("277777.78"),
        M("0.015"),
    )


def test_R_F1_fund_contribution_rounds_half_up_not_half_even(pack: RulePack) -> None:
    """R-F1: 1,000,010 × 0.05% = 500.005 → 500.01 (half-up; banker's rounding would give 500.00)."""
    assert fund_contribution(pack, M("1000010")) == M("500.01")
    assert fen(M("0.125")) == M("0.13") and fen(M("-0.125")) == M("-0.13")


@pytest.mark.parametrize(
    ("housing", "rate"),
    [("affordable", "0.0142"), ("commercial", "0.0143"), ("commercial", "0.01499")],
)
def test_R_U5_rate_below_the_floor_is_refused(pack: RulePack, housing: str, rate: str) -> None:
    """R-U5: 1.43% floor for affordable housing, 1.5% for commercial housing."""
    with pytest.raises(RuleViolation) as info:
        premium_quote(pack, M("1000000"), housing, M(rate))
    assert (info.value.rule, info.value.field) == ("R-U5", "rate")
    # The rate as people read it: 0.0143 → 1.43%.
    assert f"{(M(rate) * 100).normalize():f}%" in info.value.message


def test_R_U5_bad_housing_price_and_rate(pack: RulePack) -> None:
    """R-U5: unknown housing type, non-positive price, a percentage instead of a fraction."""
    cases = [
        (("villa", "1000000", "0.02"), "housing"),
        (("affordable", "0", "0.02"), "contract_price"),
        (("affordable", "-5", "0.02"), "contract_price"),
        (("affordable", "1000000", "1.5"), "rate"),
    ]
    for (housing, price, rate), field in cases:
        with pytest.raises(RuleViolation) as info:
            premium_quote(pack, M(price), housing, M(rate))
        assert (info.value.rule, info.value.field) == ("R-U5", field)


def test_R_U7_risk_management_fee_at_least_15_percent(pack: RulePack) -> None:
    """R-U7: a fee of 214,500.00 on a 1,430,000.00 premium is fine; a fen less is refused."""
    check_risk_management_fee(pack, M("1430000.00"), M("214500.00"))
    check_risk_management_fee(pack, M("1430000.00"), M("300000"))
    with pytest.raises(RuleViolation) as info:
        check_risk_management_fee(pack, M("1430000.00"), M("214499.99"))
    assert (info.value.rule, info.value.field) == ("R-U7", "fee")


def test_R_F4_fund_repair_cap_is_three_times_the_contribution(pack: RulePack) -> None:
    """R-F4: the fund repairs up to 3 × the project's contribution."""
    assert fund_repair_cap(pack, M("50000.00")) == M("150000.00")
    assert fund_repair_cap(pack, M("500.01")) == M("1500.03")


def _shares(*fractions: str) -> list[Share]:
    roles = ["lead"] + ["follower"] * (len(fractions) - 1)
    return [Share(r, f"I{i}", M(f)) for i, (r, f) in enumerate(zip(roles, fractions, strict=True))]


def test_R_U10_split_remainder_goes_to_the_lead() -> None:
    """R-U10: followers get their share to the fen; the lead gets the remainder."""
    assert split_by_shares(M("100.00"), _shares("0.5", "0.25", "0.25")) == {
        "I0": M("50.00"),
        "I1": M("25.00"),
        "I2": M("25.00"),
    }
    # 100.01 × 0.2 = 20.002 → 20.00 each; the lead takes 60.01
    assert split_by_shares(M("100.01"), _shares("0.6", "0.2", "0.2")) == {
        "I0": M("60.01"),
        "I1": M("20.00"),
        "I2": M("20.00"),
    }
    # 0.10 × 0.25 = 0.025 → 0.03 (half-up) each; the lead takes 0.04
    assert split_by_shares(M("0.10"), _shares("0.5", "0.25", "0.25")) == {
        "I0": M("0.04"),
        "I1": M("0.03"),
        "I2": M("0.03"),
    }
    assert split_by_shares(M("7.77"), _shares("1")) == {"I0": M("7.77")}


def test_R_U10_split_refuses_sub_fen_amounts_and_missing_lead() -> None:
    """R-U10: the whole must be a fen amount, with exactly one lead."""
    with pytest.raises(RuleViolation) as info:
        split_by_shares(M("1.005"), _shares("1"))
    assert (info.value.rule, info.value.field) == ("R-U10", "amount")
    with pytest.raises(RuleViolation) as info:
        split_by_shares(M("1.00"), [Share("follower", "A", M("1"))])
    assert info.value.field == "shares"


@st.composite
def _share_sets(draw: st.DrawFn) -> list[Share]:
    n = draw(st.integers(0, 5))
    # followers' shares in basis points, the lead keeps the rest
    bps = [draw(st.integers(1, 2000)) for _ in range(n)]
    lead = 10000 - sum(bps)
    out = [Share("lead", "L", M(lead) / 10000)]
    out += [Share("follower", f"F{i}", M(b) / 10000) for i, b in enumerate(bps)]
    return out


@given(
    cents=st.integers(min_value=-(10**12), max_value=10**12),
    shares=_share_sets(),
)
def test_R_U10_property_parts_sum_to_the_whole(cents: int, shares: list[Share]) -> None:
    """R-U10 property: the parts sum exactly to the whole and each follower gets its share of
    the whole rounded half-up to the fen."""
    amount = M(cents) / 100
    parts = split_by_shares(amount, shares)
    assert sum(parts.values(), M(0)) == amount
    for s in shares:
        if s.role == "follower":
            assert parts[s.insurer] == (amount * s.fraction).quantize(M("0.01"), "ROUND_HALF_UP")
    assert all(p == p.quantize(M("0.01")) for p in parts.values())
