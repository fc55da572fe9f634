"""Errors raised by the rulebook.

`RuleViolation` is a refusal of bad input or of something a rule forbids; it carries the rule ID
and the field so that the API, the UI and the CLI can all point at what is wrong. `PackError` is a
malformed rule pack or calendar file: an operator mistake, reported with the file and key path.
"""

from __future__ import annotations

__all__ = ["PackError", "RuleViolation"]


class RuleViolation(Exception):
    """A refusal naming the rule (or None for plain bad input) and the offending field."""

    def __init__(
        self,
        *,
        rule: str | None,
        field: str | None,
        message: str,
        message_en: str,
        code: str = "invalid",
    ) -> None:
        super().__init__(f"{message} / {message_en}")
        # A stable machine-readable reason (`invalid_state`, `already_recorded`, ...): each app
        # lists its codes in one enum; clients branch on the code, people read the message.
        self.code = code
        self.rule = rule
        self.field = field
        self.message = message
        self.message_en = message_en

    @property
    def text(self) -> str:
        """Chinese first, then English, the one format every answer uses."""
        return f"{self.message} / {self.message_en}"

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "rule": self.rule, "field": self.field, "message": self.text}

    def __repr__(self) -> str:
        return f"RuleViolation(rule={self.rule!r}, field={self.field!r}, message={self.text!r})"


class PackError(Exception):
    """A rule pack or calendar file that cannot be used; the message names file, key and problem."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}")
        self.file = file
        self.key = key
        self.problem = problem
