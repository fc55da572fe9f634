"""The terms of a policy (R-U3, R-C1), when it must be signed (R-U3) and the claims times its
lead insurer commits to (R-U13), checked by the pure rulebook."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from idi.rules import (
    CLAIMS_STANDARD_FIELDS,
    Rulebook,
    RulePack,
    RuleViolation,
    basic_categories,
    check_additional,
    check_claims_standard,
    check_deductible,
    check_issue_before_start,
    check_start_after_issue,
    check_sum_insured,
    legal_claim_days,
)


def _refusal(call, *args, **kwargs) -> tuple[str | None, str | None, str]:
    with pytest.raises(RuleViolation) as refused:
        call(*args, **kwargs)
    return refused.value.rule, refused.value.field, refused.value.code


def test_R_U3_no_deductible() -> None:
    check_deductible(Decimal(0))
    assert _refusal(check_deductible, Decimal("0.01")) == ("R-U3", "deductible", "out_of_range")


@pytest.mark.parametrize("value", [Decimal(0), Decimal(-1), Decimal("NaN"), Decimal("Infinity")])
def test_R_U3_sum_insured_is_a_positive_amount(value: Decimal) -> None:
    assert _refusal(check_sum_insured, value) == ("R-U3", "sum_insured", "out_of_range")
    check_sum_insured(Decimal("0.01"))


def test_R_U3_additional_cover_is_mandatory(pack: RulePack) -> None:
    assert _refusal(check_additional, pack, {}) == ("R-U3", "additional", "required")


def test_R_C1_sub_items_and_minimum_years_come_from_the_pack(pack: RulePack) -> None:
    spec = pack.coverage.categories["additional"]
    assert spec.min_years == 2
    check_additional(pack, dict.fromkeys(spec.sub_items, 2))
    assert _refusal(check_additional, pack, {"roofing": 5}) == (
        "R-C1",
        "additional",
        "invalid_choice",
    )
    assert _refusal(check_additional, pack, {"decoration": 1}) == (
        "R-C1",
        "additional.decoration",
        "below_floor",
    )


def test_R_U3_issue_after_a_recorded_start_of_the_same_day_is_too_late() -> None:
    check_issue_before_start(issued_on=date(2025, 3, 3), started_on=date(2025, 3, 4))
    for started in (date(2025, 3, 3), date(2025, 3, 2)):
        refusal = _refusal(check_issue_before_start, issued_on=date(2025, 3, 3), started_on=started)
        assert refusal == ("R-U3", "construction_started_on", "too_late")


def test_R_U3_start_only_after_issue_and_not_dated_before_it() -> None:
    assert _refusal(check_start_after_issue, issued_on=None, started_on=date(2025, 3, 3)) == (
        "R-U3",
        "construction_started_on",
        "not_met",
    )
    assert _refusal(
        check_start_after_issue, issued_on=date(2025, 3, 3), started_on=date(2025, 3, 2)
    ) == ("R-U3", "construction_started_on", "too_late")
    check_start_after_issue(issued_on=date(2025, 3, 3), started_on=date(2025, 3, 3))


def test_R_U13_legal_times_come_from_the_pack_deadlines(pack: RulePack) -> None:
    assert legal_claim_days(pack) == {
        "days_to_determine": pack.deadlines["claim_determination"].count,
        "days_to_repair": pack.deadlines["claim_performance"].count,
    }


def test_R_U13_stricter_never_looser(pack: RulePack) -> None:
    legal = legal_claim_days(pack)
    days: dict[str, int | None] = {name: 1 for name in CLAIMS_STANDARD_FIELDS}
    check_claims_standard(pack, {**days, **legal})
    for name, limit in legal.items():
        assert _refusal(check_claims_standard, pack, {**days, name: limit + 1}) == (
            "R-U13",
            name,
            "above_limit",
        )


@pytest.mark.parametrize("value", [0, -3, None])
def test_R_U13_every_committed_time_is_a_positive_number_of_days(
    pack: RulePack, value: int | None
) -> None:
    days: dict[str, int | None] = {name: 1 for name in CLAIMS_STANDARD_FIELDS}
    for name in CLAIMS_STANDARD_FIELDS:
        assert _refusal(check_claims_standard, pack, {**days, name: value}) == (
            "R-U13",
            name,
            "out_of_range",
        )


def test_the_rulebook_lists_the_packs_categories_and_deadline_kinds(book: Rulebook) -> None:
    pack = book.pack()
    assert book.categories() == tuple(pack.coverage.categories)
    assert book.deadline_kinds() == tuple(pack.deadlines)


def test_R_C1_basic_categories_are_the_packs_fixed_periods(pack: RulePack) -> None:
    assert basic_categories(pack) == (
        "foundation_structure",
        "insulation",
        "waterproofing",
        "concealed_works",
    )
