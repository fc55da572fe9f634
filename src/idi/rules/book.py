"""The rulebook value: every pack plus the working-day calendar, loaded once per process."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from .calendar import WorkCalendar, load_calendar
from .codes import Code
from .errors import RuleViolation
from .packs import load_packs, pack_for
from .schema import RulePack

__all__ = ["Rulebook", "load_rulebook"]


@dataclass(frozen=True, slots=True, eq=False)
class Rulebook:
    packs: tuple[RulePack, ...]
    calendar: WorkCalendar
    _by_id: dict[str, RulePack] = field(init=False, repr=False)
    _default: RulePack = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.packs:
            raise ValueError("a rulebook needs at least one pack")
        # Frozen dataclass: the lookup tables are set once, here.
        object.__setattr__(self, "_by_id", {p.id: p for p in self.packs})
        object.__setattr__(self, "_default", max(self.packs, key=lambda p: p.permits_from))

    def pack(self, id: str | None = None) -> RulePack:
        """The pack with this id; without an id, the latest one (greatest permits_from)."""
        if id is None:
            return self._default
        found = self._by_id.get(id)
        if found is None:
            known = self._listing()
            raise RuleViolation(
                rule="R-U1",
                field="pack",
                code=Code.UNKNOWN,
                message=f"未知的规则包“{id}”；已知规则包：{known}",
                message_en=f"unknown rule pack '{id}'; known packs: {known}",
            )
        return found

    def categories(self) -> tuple[str, ...]:
        """Every coverage category a pack names, in pack order: the keys callers may send."""
        return tuple(dict.fromkeys(c for p in self.packs for c in p.coverage.categories))

    def deadline_kinds(self) -> tuple[str, ...]:
        """Every deadline kind a pack names, in pack order."""
        return tuple(dict.fromkeys(k for p in self.packs for k in p.deadlines))

    def pack_for(self, jurisdiction: str, permit_date: date) -> RulePack:
        """R-U1: the pack in force for a permit first applied for on `permit_date`."""
        return pack_for(self.packs, jurisdiction, permit_date)

    def _listing(self) -> str:
        return "; ".join(
            f"{p.id} ({p.jurisdiction} {p.permits_from}..{p.permits_to})" for p in self.packs
        )


def load_rulebook(
    pack_dirs: Iterable[str | os.PathLike[str]] = (),
    calendar_dir: str | os.PathLike[str] | None = None,
) -> Rulebook:
    """Built-in packs plus `pack_dirs`; the seed calendar plus the operator files in
    `calendar_dir`. Raises PackError for any malformed file."""
    return Rulebook(packs=load_packs(pack_dirs), calendar=load_calendar(calendar_dir))
