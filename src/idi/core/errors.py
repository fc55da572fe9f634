"""Domain errors shared by every app.

`RuleViolation` comes from the pure rulebook so that a refusal raised by `idi.rules` and one
raised by a service look the same to the API and the UI.
"""

from idi.rules.errors import RuleViolation


class NotFound(Exception):
    """The object does not exist, or the actor may not know that it exists (answered as 404)."""

    def __init__(self, what: str = "object") -> None:
        super().__init__(f"{what} not found")
        self.what = what


class Forbidden(Exception):
    """The actor may see the object but may not do this to it (answered as 403)."""

    def __init__(self, message: str, *, rule: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule


__all__ = ["Forbidden", "NotFound", "RuleViolation"]
