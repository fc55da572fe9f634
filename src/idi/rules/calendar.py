"""The platform's working-day calendar (R-T3, R-T5).

Seeded once from the `chinese-calendar` package's data, then extended or corrected by the
operator with one TOML file per year transcribed from the State Council's notice. Deadline code
only ever asks this value; it never calls a holiday library, which would either fail on an
unannounced year or be silently wrong about it.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

from pydantic import ValidationError

from .dates import ONE_DAY
from .errors import PackError
from .schema import HolidayFile, describe_validation_error

__all__ = ["WorkCalendar", "load_calendar", "read_holiday_file", "seed_calendar"]


@dataclass(frozen=True, slots=True, eq=False)
class WorkCalendar:
    """Statutory holidays, 调休 working weekend days, and the years whose notice is known.

    `sources` maps each known year to where its data came from. For a year not in `sources`, only
    weekends are rest days and every answer that relied on it is provisional (R-T5).
    """

    holidays: frozenset[date]
    workdays: frozenset[date]
    sources: Mapping[int, str]

    def knows(self, year: int) -> bool:
        return year in self.sources

    def is_rest_day(self, day: date) -> bool:
        if day in self.holidays:
            return True
        if day in self.workdays:
            return False
        return day.weekday() >= 5

    def roll_forward(self, day: date) -> tuple[date, bool]:
        """First working day on or after `day`, and whether any examined day's year is unknown."""
        sources = self.sources
        provisional = day.year not in sources
        while self.is_rest_day(day):
            day += ONE_DAY
            if day.year not in sources:
                provisional = True
        return day, provisional

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        return self.roll_forward(day + ONE_DAY)[0]

    def working_days_before(self, day: date, n: int) -> date:
        """The n-th working day before `day` (not counting `day` itself): when a reminder is
        due so that n working days remain for the act."""
        found = 0
        while found < n:
            day -= ONE_DAY
            if not self.is_rest_day(day):
                found += 1
        return day

    def years(self) -> list[tuple[int, str]]:
        return sorted(self.sources.items())

    def replace_years(self, files: Iterable[HolidayFile]) -> WorkCalendar:
        """A new calendar in which each file defines its year, replacing whatever was known."""
        holidays = set(self.holidays)
        workdays = set(self.workdays)
        sources = dict(self.sources)
        for f in files:
            holidays = {d for d in holidays if d.year != f.year}
            workdays = {d for d in workdays if d.year != f.year}
            holidays.update(f.holidays)
            workdays.update(f.workdays)
            sources[f.year] = f.source
        return WorkCalendar(
            holidays=frozenset(holidays),
            workdays=frozenset(workdays),
            sources=MappingProxyType(sources),
        )


def seed_calendar() -> WorkCalendar:
    """The calendar as the `chinese-calendar` package knows it (1.11.0: 2004-2026)."""
    import chinese_calendar  # imported here: only loading needs it, never a computation

    holidays = frozenset(chinese_calendar.holidays)
    workdays = frozenset(chinese_calendar.workdays)
    source = f"chinese-calendar {chinese_calendar.__version__}"
    years = {d.year for d in holidays} | {d.year for d in workdays}
    return WorkCalendar(
        holidays=holidays,
        workdays=workdays,
        sources=MappingProxyType(dict.fromkeys(sorted(years), source)),
    )


def read_holiday_file(path: Path) -> HolidayFile:
    """Parse and check one operator holiday file; every problem names the file and the key."""
    name = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(name, "(file)", f"cannot read / 无法读取: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PackError(name, "(toml)", f"invalid TOML / TOML 格式错误: {exc}") from exc
    try:
        f = HolidayFile.model_validate(data)
    except ValidationError as exc:
        key, detail = describe_validation_error(exc)
        raise PackError(name, key, detail) from exc

    if path.stem.isdigit() and int(path.stem) != f.year:
        raise PackError(name, "year", f"year {f.year} does not match the file name {path.name}")
    for key, days in (("holidays", f.holidays), ("workdays", f.workdays)):
        seen: set[date] = set()
        for i, d in enumerate(days):
            where = f"{key}[{i}]"
            if d.year != f.year:
                raise PackError(name, where, f"{d} 不在 {f.year} 年内 / is not in year {f.year}")
            if d in seen:
                raise PackError(name, where, f"{d} 重复 / is listed twice")
            seen.add(d)
    holiday_set = set(f.holidays)
    for i, d in enumerate(f.workdays):
        where = f"workdays[{i}]"
        if d in holiday_set:
            raise PackError(
                name, where, f"{d} 既是节假日又是工作日 / is both a holiday and a working day"
            )
        if d.weekday() < 5:
            raise PackError(
                name,
                where,
                f"{d} 不是周末，无需调休上班 / is not a weekend day, so it is not an extra workday",
            )
    return f


def load_calendar(calendar_dir: str | os.PathLike[str] | None = None) -> WorkCalendar:
    """The seed calendar with the operator's yearly files (`*.toml` in `calendar_dir`) applied."""
    cal = seed_calendar()
    if calendar_dir is None:
        return cal
    directory = Path(calendar_dir)
    if not directory.is_dir():
        raise PackError(str(directory), "(directory)", "not a directory / 不是目录")
    files: list[HolidayFile] = []
    by_year: dict[int, Path] = {}
    for path in sorted(directory.glob("*.toml")):
        f = read_holiday_file(path)
        if f.year in by_year:
            raise PackError(
                str(path), "year", f"year {f.year} is already defined by {by_year[f.year]}"
            )
        by_year[f.year] = path
        # Keep the file name with the notice so `idi rules calendar` shows where a year came from.
        files.append(f.model_copy(update={"source": f"{f.source} [{path.name}]"}))
    return cal.replace_years(files)
