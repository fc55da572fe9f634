"""Template helpers shared by every app: texts in the reader's language, numbers and dates."""

from django import template
from django.utils import translation

from idi.core import formats

register = template.Library()


def _language() -> str:
    return translation.get_language() or ""


@register.simple_tag
def localised(zh: str, en: str) -> str:
    """A rule-pack text in the reader's language: the pack holds both, the catalogue neither."""
    return en if formats.is_english(_language()) and en else zh


@register.filter
def money(value) -> str:
    """`86,000,000.00 元` (English: `CNY 86,000,000.00`)."""
    return formats.money(value, _language())


@register.filter
def amount(value) -> str:
    """`86,000,000.00`, where the column already says the unit."""
    return "—" if value in (None, "") else formats.amount(value)


@register.filter
def percent(value) -> str:
    """A rate or share as a percentage: `1.43%`, `60%`."""
    return formats.percent(value)


@register.filter
def day(value) -> str:
    """`2026年9月30日` (English: `30 Sep 2026`)."""
    return formats.day(value, _language())


@register.filter
def moment(value) -> str:
    """`2026年9月30日 09:30` (English: `30 Sep 2026 09:30`)."""
    return formats.moment(value, _language())


@register.simple_tag(takes_context=False)
def title_in_language(item) -> str:
    """A task's or figure's text in the reader's language."""
    text = getattr(item, "title", None) or item.label
    return text(_language())


@register.filter
def get_item(mapping: dict, key):
    """`{{ labels|get_item:row.status }}`: a label looked up by a row's key."""
    return mapping.get(key, key)
