"""Errors raised by the rulebook.

`RuleViolation` is a refusal of bad input or of something a rule forbids; it carries a stable
code, the rule ID and the field so that the API, the UI and the CLI can all point at what is
wrong, and its message in each language the platform speaks. `RuleViolations` is several
refusals at once (every wrong share of a co-insurance, R-U4). `PackError` is a malformed rule
pack or calendar file: an operator mistake, reported with the file and key path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["PackError", "RuleViolation", "RuleViolations", "is_english"]


def is_english(language: str | None) -> bool:
    """Chinese (zh-Hans) is the platform's first language: English only when asked for."""
    return bool(language) and str(language).lower().startswith("en")


class RuleViolation(Exception):
    """A refusal naming its code, the rule (or None for plain bad input) and the field."""

    def __init__(
        self,
        *,
        rule: str | None,
        field: str | None,
        code: str,
        message: str,
        message_en: str,
    ) -> None:
        super().__init__(message_en)
        # A stable machine-readable reason (`invalid_state`, `already_recorded`, ...): each app
        # lists its codes in one enum; clients branch on the code, people read the message.
        self.code = str(code)
        self.rule = rule
        self.field = field
        self.message = message
        self.message_en = message_en

    def message_for(self, language: str | None) -> str:
        """The message in `language` (a Django language code; Chinese unless English)."""
        return self.message_en if is_english(language) else self.message

    @property
    def problems(self) -> tuple[RuleViolation, ...]:
        """Every refusal this one stands for: itself, or each of a `RuleViolations`."""
        return (self,)

    def to_dict(self, language: str | None = None) -> dict[str, Any]:
        """The one error shape of the API and the CLI: the first problem at the top level, for
        clients that show one message, and every problem in `problems`."""
        return {
            **self._fields(language),
            "problems": [p._fields(language) for p in self.problems],
        }

    def _fields(self, language: str | None) -> dict[str, Any]:
        return {
            "code": self.code,
            "rule": self.rule,
            "field": self.field,
            "message": self.message_for(language),
        }

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, rule={self.rule!r}, "
            f"field={self.field!r}, message_en={self.message_en!r})"
        )


class RuleViolations(RuleViolation):
    """Several refusals raised together; it reads as its first one for a single message."""

    def __init__(self, problems: Sequence[RuleViolation]) -> None:
        if not problems:
            raise ValueError("RuleViolations needs at least one problem")
        first = problems[0]
        super().__init__(
            rule=first.rule,
            field=first.field,
            code=first.code,
            message=first.message,
            message_en=first.message_en,
        )
        self._problems = tuple(problems)

    @property
    def problems(self) -> tuple[RuleViolation, ...]:
        return self._problems


class PackError(Exception):
    """A rule pack or calendar file that cannot be used; the message names file, key and problem."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}")
        self.file = file
        self.key = key
        self.problem = problem
