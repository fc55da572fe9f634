"""A refusal as people read it: one sentence in the page's language, the rule as a small link
to its page (/rules/<ID>/)."""

from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from idi.core.errors import RuleViolation
from idi.core.formats import is_english


def message_in(exc: RuleViolation, language: str | None = None) -> str:
    """The refusal's sentence in `language` (default: the active one)."""
    language = language if language is not None else translation.get_language()
    message_for = getattr(exc, "message_for", None)
    if message_for is not None:
        return message_for(language)
    return exc.message_en if is_english(language) else exc.message


def rule_link(rule: str) -> SafeString:
    return format_html('<a class="rule-link" href="{}">{}</a>', reverse("rule", args=[rule]), rule)


def refusal_html(exc: RuleViolation, language: str | None = None) -> SafeString:
    """`<sentence> <small link to the rule>`, escaped."""
    sentence = message_in(exc, language)
    if not exc.rule:
        return format_html("{}", sentence)
    return format_html("{} {}", sentence, rule_link(exc.rule))
