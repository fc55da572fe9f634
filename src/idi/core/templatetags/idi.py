"""Template helpers shared by every app."""

from django import template
from django.utils import translation

register = template.Library()


@register.simple_tag
def localised(zh: str, en: str) -> str:
    """A rule-pack text in the reader's language: the pack holds both, the catalogue neither."""
    language = translation.get_language() or ""
    return en if language.startswith("en") and en else zh


@register.filter
def get_item(mapping: dict, key):
    """`{{ labels|get_item:row.status }}`: a label looked up by a row's key."""
    return mapping.get(key, key)
