"""Rule packs as data: schema validation, loading, R-U1 choice of pack, a successor pack."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from idi.rules import (
    BUILTIN_PACK_DIR,
    PackError,
    Rulebook,
    RuleViolation,
    deadline,
    load_packs,
    load_rulebook,
    premium_quote,
    window,
)

D = date.fromisoformat
TEST_PACKS = Path(__file__).resolve().parent / "packs"
BUILTIN = (BUILTIN_PACK_DIR / "hangzhou-2024.toml").read_text(encoding="utf-8")


def test_R_U1_builtin_pack_holds_the_rulebook_numbers(book: Rulebook) -> None:
    """R-U1 and every parameter of RULES.md come from the pack, exactly (Decimal, not float)."""
    p = book.pack()
    assert (p.id, p.jurisdiction) == ("hangzhou-2024", "hangzhou")
    assert (p.permits_from, p.permits_to) == (D("2024-03-01"), D("2026-02-28"))
    assert p.underwriting.rate_floors == {
        "affordable": Decimal("0.0143"),
        "commercial": Decimal("0.015"),
    }
    assert isinstance(p.underwriting.rate_floors["affordable"], Decimal)
    assert p.fund.contribution_rate == Decimal("0.0005")
    assert p.underwriting.lead_qualification.min_registered_capital == Decimal("5000000000")
    years = {k: c.years for k, c in p.coverage.categories.items()}
    assert years == {
        "foundation_structure": 10,
        "insulation": 5,
        "waterproofing": 6,
        "concealed_works": 6,
        "additional": None,
    }
    assert p.coverage.categories["additional"].min_years == 2
    assert p.coverage.categories["additional"].sub_items == (
        "decoration",
        "mep_installation",
        "hvac",
    )
    counts = {k: (d.count, d.unit, d.act) for k, d in p.deadlines.items()}
    assert counts == {
        "claim_determination": (10, "days", True),
        "claim_determination_complex": (30, "days", True),
        "claim_performance": (7, "days", True),
        "denial_notice": (3, "days", True),
        "appraisal_confirmation": (10, "days", True),
        "developer_notification": (0, "days", True),
        "developer_site_visit": (3, "days", True),
        "repair_warranty": (180, "days", False),
        "fund_application_opens": (2, "months", False),
        "joint_inspection": (2, "years", False),
    }
    assert p.deadlines["fund_application_opens"].counts_start_day is True  # R-T6
    assert p.deadlines["joint_inspection"].counts_start_day is True  # R-R8: before the period
    assert p.riskmgmt.min_inspections_per_month == 2  # R-R4


def test_R_U1_pack_for_permit_dates(book: Rulebook) -> None:
    """R-U1: permits first applied for 2024-03-01..2026-02-28 (inclusive) use hangzhou-2024."""
    assert book.pack_for("hangzhou", D("2024-03-01")).id == "hangzhou-2024"
    assert book.pack_for("hangzhou", D("2026-02-28")).id == "hangzhou-2024"


@pytest.mark.parametrize(
    ("jurisdiction", "day"),
    [("hangzhou", "2024-02-29"), ("hangzhou", "2026-03-01"), ("ningbo", "2025-01-01")],
)
def test_R_U1_permit_outside_every_pack_is_refused_listing_known_packs(
    book: Rulebook, jurisdiction: str, day: str
) -> None:
    """R-U1: the refusal names the date and the known packs with their ranges."""
    with pytest.raises(RuleViolation) as info:
        book.pack_for(jurisdiction, D(day))
    v = info.value
    assert (v.rule, v.field) == ("R-U1", "permit_date")
    assert day in v.message and day in v.message_en
    assert "hangzhou-2024 (hangzhou 2024-03-01..2026-02-28)" in v.message


def test_R_U1_unknown_pack_id_is_refused(book: Rulebook) -> None:
    """R-U1: asking for a pack that does not exist names the field `pack`."""
    with pytest.raises(RuleViolation) as info:
        book.pack("shanghai-2030")
    assert (info.value.rule, info.value.field) == ("R-U1", "pack")
    assert "hangzhou-2024" in info.value.message


def test_R_U1_successor_pack_is_a_file_not_code(book2: Rulebook) -> None:
    """R-U1: dropping a pack file in a directory adds the successor measures; pack_for picks by
    permit date and the latest pack becomes the default."""
    assert [p.id for p in book2.packs] == ["hangzhou-2024", "hangzhou-2026"]
    assert book2.pack_for("hangzhou", D("2026-02-28")).id == "hangzhou-2024"
    assert book2.pack_for("hangzhou", D("2026-03-01")).id == "hangzhou-2026"
    assert book2.pack_for("hangzhou", D("2028-02-29")).id == "hangzhou-2026"
    assert book2.pack().id == "hangzhou-2026"
    with pytest.raises(RuleViolation) as info:
        book2.pack_for("hangzhou", D("2028-03-01"))
    assert "hangzhou-2026 (hangzhou 2026-03-01..2028-02-29)" in info.value.message_en
    assert "hangzhou-2024 (hangzhou 2024-03-01..2026-02-28)" in info.value.message_en


def test_R_U1_answers_follow_the_pack_in_force(book2: Rulebook) -> None:
    """R-U1 with R-K2, R-C1, R-U5: the test successor pack has a 7-day determination, 8-year
    insulation and a 1.5% affordable floor, and the answers differ accordingly."""
    old = book2.pack_for("hangzhou", D("2025-06-01"))
    new = book2.pack_for("hangzhou", D("2026-06-01"))
    cal = book2.calendar
    assert deadline(old, cal, "claim_determination", D("2025-09-15")).due == D("2025-09-25")
    assert deadline(new, cal, "claim_determination", D("2025-09-15")).due == D("2025-09-22")
    assert window(old, "insulation", D("2024-06-30")).end == D("2031-06-29")
    assert window(new, "insulation", D("2024-06-30")).end == D("2034-06-29")
    q = premium_quote(old, Decimal("100000000"), "affordable", Decimal("0.0145"))
    assert (q.premium, q.fund_contribution) == (Decimal("1450000.00"), Decimal("50000.00"))
    with pytest.raises(RuleViolation) as info:
        premium_quote(new, Decimal("100000000"), "affordable", Decimal("0.0145"))
    assert info.value.rule == "R-U5"


def _pack_dir(tmp_path: Path, text: str, name: str = "broken.toml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path / name


def _successor(text: str = BUILTIN) -> str:
    return (
        text.replace('id = "hangzhou-2024"', 'id = "hangzhou-next"')
        .replace("permits_from = 2024-03-01", "permits_from = 2026-03-01")
        .replace("permits_to = 2026-02-28", "permits_to = 2027-12-31")
    )


@pytest.mark.parametrize(
    ("old", "new", "key", "fragment"),
    [
        (
            "rate_floors = { affordable = 0.0143,",
            "rate_floors = { affordable = -0.0143,",
            "underwriting.rate_floors.affordable",
            "greater than 0",
        ),
        (
            'label_en = "insulation"\nyears = 5',
            'label_en = "insulation"\nyears = "five"',
            "coverage.categories.insulation.years",
            "valid integer",
        ),
        (
            "min_followers = 2",
            "min_follower = 2",
            "underwriting.coinsurance.min_follower",
            "Extra inputs are not permitted",
        ),
        (
            'label_en = "insulation"\nyears = 5',
            'label_en = "insulation"\nyears = 5\nmin_years = 2',
            "coverage.categories.insulation",
            "exactly one of `years` and `min_years`",
        ),
        (
            "[deadlines.denial_notice]",
            "[deadlines.denial_notice_typo]",
            "(top level)",
            "missing kinds denial_notice",
        ),
        (
            'unit = "months"',
            'unit = "fortnights"',
            "deadlines.fund_application_opens.unit",
            "'days', 'months' or 'years'",
        ),
        (
            "permits_to = 2027-12-31",
            "permits_to = 2025-12-31",
            "(top level)",
            "permits_to is before permits_from",
        ),
        ('events = ["collapse", "casualty"]', 'events = ["collapse", "fire"]', "coverage", "fire"),
        ('jurisdiction = "hangzhou"', "jurisdiction = ", "(toml)", "invalid TOML"),
    ],
)
def test_R_U1_malformed_pack_names_file_key_and_problem(
    tmp_path: Path, old: str, new: str, key: str, fragment: str
) -> None:
    """R-U1: a malformed pack fails at load with PackError naming the file and the key path."""
    text = _successor()
    assert old in text, old
    path = _pack_dir(tmp_path, text.replace(old, new, 1))
    with pytest.raises(PackError) as info:
        load_packs([tmp_path])
    assert info.value.file == str(path)
    assert info.value.key == key
    assert fragment in str(info.value)
    assert str(path) in str(info.value)


def test_R_U1_duplicate_pack_id_is_an_error(tmp_path: Path) -> None:
    """R-U1: two packs with one id cannot both be loaded."""
    _pack_dir(tmp_path, _successor().replace('id = "hangzhou-next"', 'id = "hangzhou-2024"'))
    with pytest.raises(PackError) as info:
        load_packs([tmp_path])
    assert info.value.key == "id"
    assert "duplicate pack id 'hangzhou-2024'" in str(info.value)


def test_R_U1_overlapping_permit_ranges_are_an_error(tmp_path: Path) -> None:
    """R-U1: two packs of one jurisdiction may not both apply to a permit date."""
    _pack_dir(
        tmp_path, _successor().replace("permits_from = 2026-03-01", "permits_from = 2026-02-28")
    )
    with pytest.raises(PackError) as info:
        load_packs([tmp_path])
    assert info.value.key == "permits_from"
    assert "overlaps pack 'hangzhou-2024'" in str(info.value)
    # another jurisdiction may overlap freely
    other = _successor().replace('jurisdiction = "hangzhou"', 'jurisdiction = "ningbo"')
    _pack_dir(tmp_path, other.replace("permits_from = 2026-03-01", "permits_from = 2024-03-01"))
    packs = load_packs([tmp_path])
    assert [p.id for p in packs] == ["hangzhou-2024", "hangzhou-next"]


def test_R_U1_loading_test_pack_dir_twice_is_harmless() -> None:
    """R-U1: naming the same directory twice does not duplicate its packs."""
    book = load_rulebook(pack_dirs=[TEST_PACKS, str(TEST_PACKS)])
    assert [p.id for p in book.packs] == ["hangzhou-2024", "hangzhou-2026"]


def test_R_U1_missing_pack_directory_is_an_error(tmp_path: Path) -> None:
    """R-U1: a configured pack directory that does not exist is refused."""
    with pytest.raises(PackError, match="not a directory"):
        load_packs([tmp_path / "missing"])
