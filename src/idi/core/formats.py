"""How numbers and dates read, in both languages, everywhere: pages, refusals, documents.

Amounts: `86,000,000.00 元` / `CNY 86,000,000.00`; rates and shares as percentages without
trailing zeros (`1.43%`, `60%`); dates `2026年9月30日` / `30 Sep 2026`.
"""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone, translation

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def is_english(language: str | None) -> bool:
    return (language or "").startswith("en")


def amount(value: Decimal | int | str) -> str:
    """`86,000,000.00`: thousands separated, two decimals (the fen)."""
    return f"{Decimal(value).quantize(Decimal('0.01')):,}"


def money(value: Decimal | int | str | None, language: str | None) -> str:
    if value is None or value == "":
        return "—"
    return f"CNY {amount(value)}" if is_english(language) else f"{amount(value)} 元"


def percent(value: Decimal | str | None) -> str:
    """A fraction as a percentage: 0.014300 → `1.43%`, 0.6 → `60%`."""
    if value is None or value == "":
        return "—"
    scaled = (Decimal(value) * 100).normalize()
    text = f"{scaled:f}"
    return f"{text}%"


def day(value: date | datetime | str | None, language: str | None) -> str:
    """A date as people read it; also an ISO date kept as text (a notice stored as handed over)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if is_english(language):
        return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"
    return f"{value.year}年{value.month}月{value.day}日"


def in_language(text, language: str) -> str:
    """A lazily translated text (a choice's label) in `language`, whatever language is active:
    a refusal is written in both its languages at once."""
    with translation.override(language):
        return str(text)


def moment(value: datetime | None, language: str | None) -> str:
    """A point in time: the date as `day` gives it, then the local time of day."""
    if value is None:
        return "—"
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{day(local.date(), language)} {local:%H:%M}"
