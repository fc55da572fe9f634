"""Immutable answers of the rulebook. Plain values: the Django side stores what it needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Literal

from .errors import is_english

__all__ = [
    "SHANGHAI",
    "Assessment",
    "Deadline",
    "PremiumQuote",
    "Share",
    "ShareCheck",
    "Violation",
    "Window",
]

# Asia/Shanghai has had no DST since 1991; a fixed offset avoids depending on tzdata.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

Status = Literal[
    "not_completed",
    "developer_warranty",
    "insured",
    "fund_structural",
    "expired",
    "not_covered",
]


@dataclass(frozen=True, slots=True)
class Window:
    """A coverage window, both days inclusive (R-C3)."""

    category: str
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class Assessment:
    """Exactly one status per R-C5; `window` is None only for `not_covered`."""

    status: Status
    window: Window | None
    fund_fallback: bool
    insurer_channel: bool


@dataclass(frozen=True, slots=True)
class Deadline:
    """A due date. `moved_from` is the last day before R-T3 moved it; `provisional` per R-T5.

    `basis` is "policy" when the insurer's committed time (R-U13) is stricter than the law.
    """

    kind: str
    from_date: date
    due: date
    moved_from: date | None
    provisional: bool
    basis: Literal["legal", "policy"] = "legal"

    @property
    def due_at(self) -> datetime:
        """R-T4: due at the end of the last day, i.e. 00:00 of the next day in Asia/Shanghai."""
        nxt = self.due + timedelta(days=1)
        return datetime(nxt.year, nxt.month, nxt.day, tzinfo=SHANGHAI)


@dataclass(frozen=True, slots=True)
class PremiumQuote:
    """Money rounded to the fen; `rate_floor` is the exact floor of the housing type."""

    premium: Decimal
    fund_contribution: Decimal
    min_risk_management_fee: Decimal
    rate_floor: Decimal


@dataclass(frozen=True, slots=True)
class Violation:
    """One problem a check found; `code` is stable (`rules.codes.Code`), the messages are not."""

    rule: str
    severity: Literal["error", "warning"]
    code: str
    message_zh: str
    message_en: str

    def message_for(self, language: str | None) -> str:
        return self.message_en if is_english(language) else self.message_zh


@dataclass(frozen=True, slots=True)
class ShareCheck:
    valid: bool
    violations: tuple[Violation, ...]


@dataclass(frozen=True, slots=True)
class Share:
    """One insurer's part of a policy; `role` is "lead" or "follower", `fraction` in (0, 1]."""

    role: str
    insurer: str
    fraction: Decimal
