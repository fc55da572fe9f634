"""Working-day calendar: R-T3 data, operator files, R-T5 unknown years."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from idi.rules import PackError, WorkCalendar, load_calendar

D = date.fromisoformat


def test_R_T3_seed_calendar_knows_2004_to_2026(cal: WorkCalendar) -> None:
    """R-T3/R-T5: the seed from chinese-calendar 1.11.0 knows 2004-2026 and not 2027."""
    assert cal.knows(2004) and cal.knows(2025) and cal.knows(2026)
    assert not cal.knows(2003) and not cal.knows(2027)
    assert cal.sources[2025].startswith("chinese-calendar 1.11.0")


def test_R_T3_holidays_and_tiaoxiu_working_weekend_days(cal: WorkCalendar) -> None:
    """R-T3: National Day 2025 is rest, 2025-09-28 (Sunday) is a 调休 working day."""
    for day in ("2025-10-01", "2025-10-06", "2025-10-08", "2026-02-17", "2026-02-23"):
        assert cal.is_rest_day(D(day)), day
    assert not cal.is_rest_day(D("2025-09-28"))  # Sunday, worked (2025 notice)
    assert not cal.is_rest_day(D("2025-10-11"))  # Saturday, worked
    assert not cal.is_rest_day(D("2026-02-14"))  # Saturday, worked (Spring Festival 2026)
    assert cal.is_rest_day(D("2025-03-15"))  # an ordinary Saturday
    assert not cal.is_rest_day(D("2025-10-09"))  # Thursday after the holiday
    assert cal.next_working_day(D("2025-09-30")) == D("2025-10-09")
    assert cal.next_working_day(D("2025-09-27")) == D("2025-09-28")


def test_R_T5_unknown_year_uses_weekends_only_and_is_provisional(cal: WorkCalendar) -> None:
    """R-T5: 2027 is unknown: only weekends rest, and the roll-forward says provisional."""
    assert cal.is_rest_day(D("2027-01-02"))  # Saturday
    assert not cal.is_rest_day(D("2027-01-01"))  # Friday; New Year unknown without a notice
    assert cal.roll_forward(D("2027-01-02")) == (D("2027-01-04"), True)
    assert cal.roll_forward(D("2026-12-30")) == (D("2026-12-30"), False)
    assert cal.roll_forward(D("2026-12-26")) == (D("2026-12-28"), False)  # Saturday, known


def test_R_T5_rolling_from_a_known_year_into_an_unknown_one_is_provisional() -> None:
    """R-T5: any day examined in an unknown year makes the answer provisional."""
    cal = WorkCalendar(
        holidays=frozenset({D("2026-12-31")}), workdays=frozenset(), sources={2026: "test"}
    )
    assert cal.roll_forward(D("2026-12-31")) == (D("2027-01-01"), True)


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


NOTICE_2027 = """
year = 2027
source = "国务院办公厅关于2027年部分节假日安排的通知（测试数据）"
holidays = [2027-01-01, 2027-01-02, 2027-01-03, 2027-01-04]
workdays = [2027-01-09]
"""


def test_R_T5_operator_file_defines_a_new_year(tmp_path: Path) -> None:
    """R-T5: an operator file for 2027 makes 2027 known, with its holidays and workdays."""
    _write(tmp_path, "2027.toml", NOTICE_2027)
    cal = load_calendar(tmp_path)
    assert cal.knows(2027)
    assert "2027年部分节假日安排" in cal.sources[2027]
    assert "2027.toml" in cal.sources[2027]
    assert cal.is_rest_day(D("2027-01-04"))  # Monday, holiday per the file
    assert not cal.is_rest_day(D("2027-01-09"))  # Saturday, worked per the file
    assert cal.roll_forward(D("2027-01-02")) == (D("2027-01-05"), False)
    assert cal.knows(2025)  # seed years kept


def test_R_T5_operator_file_replaces_a_seeded_year(tmp_path: Path) -> None:
    """R-T5: a file for a year the seed knows replaces that year entirely."""
    _write(
        tmp_path,
        "2025.toml",
        'year = 2025\nsource = "更正"\nholidays = [2025-01-01]\nworkdays = []\n',
    )
    cal = load_calendar(tmp_path)
    assert cal.sources[2025].startswith("更正")
    assert not cal.is_rest_day(D("2025-10-08"))  # Wednesday, no longer a holiday
    assert cal.is_rest_day(D("2025-09-28"))  # Sunday, no longer a working day
    assert cal.is_rest_day(D("2026-02-17"))  # 2026 untouched


@pytest.mark.parametrize(
    ("text", "key", "fragment"),
    [
        (
            'year = 2027\nsource = "x"\nholidays = [2026-12-31]\n',
            "holidays[0]",
            "not in year 2027",
        ),
        (
            'year = 2027\nsource = "x"\nholidays = [2027-01-01]\nworkdays = [2027-01-01]\n',
            "workdays[0]",
            "both a holiday and a working day",
        ),
        (
            'year = 2027\nsource = "x"\nholidays = [2027-01-01]\nworkdays = [2027-01-05]\n',
            "workdays[0]",
            "not a weekend day",
        ),
        (
            'year = 2027\nsource = "x"\nholidays = [2027-01-01, 2027-01-01]\n',
            "holidays[1]",
            "listed twice",
        ),
        ("year = 2027\nholidays = [2027-01-01]\n", "source", "Field required"),
        ('year = 2027\nsource = "x"\nholidays = ["soon"]\n', "holidays[0]", "date"),
        ('year = 2027\nsource = "x"\nholiday = [2027-01-01]\n', "holiday", "Extra inputs"),
        ('year = 2028\nsource = "x"\nholidays = [2028-01-01]\n', "year", "file name"),
        ("year = 2027\nsource = \n", "(toml)", "TOML"),
    ],
)
def test_R_T5_malformed_operator_file_names_file_and_key(
    tmp_path: Path, text: str, key: str, fragment: str
) -> None:
    """R-T5: a malformed holiday file fails loudly, naming the file, the key and the problem."""
    path = _write(tmp_path, "2027.toml", text)
    with pytest.raises(PackError) as info:
        load_calendar(tmp_path)
    assert info.value.file == str(path)
    assert info.value.key == key
    assert fragment in str(info.value)


def test_R_T5_two_files_for_one_year_is_an_error(tmp_path: Path) -> None:
    """R-T5: one year, one notice."""
    _write(tmp_path, "a.toml", NOTICE_2027)
    _write(tmp_path, "b.toml", NOTICE_2027)
    with pytest.raises(PackError, match="already defined"):
        load_calendar(tmp_path)


def test_R_T5_missing_calendar_directory_is_an_error(tmp_path: Path) -> None:
    """R-T5: a configured directory that does not exist is refused, not silently ignored."""
    with pytest.raises(PackError, match="not a directory"):
        load_calendar(tmp_path / "nope")
