"""The terms of a policy and when it must be signed (Art. 7 R-U3, Art. 5 R-C1)."""

from __future__ import annotations

from datetime import date

from .codes import Code
from .errors import RuleViolation

__all__ = ["check_issue_before_start", "check_start_after_issue"]


def _too_late(started_on: date, issued_on: date) -> RuleViolation:
    return RuleViolation(
        rule="R-U3",
        field="construction_started_on",
        code=Code.TOO_LATE,
        message=f"工程已于 {started_on} 开工：保险合同须在开工前签订（签发日期：{issued_on}）",
        message_en=f"construction started on {started_on}: the policy must be signed before "
        f"construction starts (issued on {issued_on})",
    )


def check_issue_before_start(*, issued_on: date, started_on: date) -> None:
    """R-U3, at issue: construction recorded as started on or before the day of issue started
    before the signature (its record came first, so a start that day counts as earlier)."""
    if started_on <= issued_on:
        raise _too_late(started_on, issued_on)


def check_start_after_issue(*, issued_on: date | None, started_on: date) -> None:
    """R-U3, at the start of construction: only once the policy is issued, and not dated before
    the day of issue (the issue's record came first, so a start that day counts as later)."""
    if issued_on is None:
        raise RuleViolation(
            rule="R-U3",
            field="construction_started_on",
            code=Code.NOT_MET,
            message="保单尚未签发：保险合同须在开工前签订，签发后才能登记开工",
            message_en="the policy is not issued yet: it must be signed before construction "
            "starts, so construction is recorded only after issue",
        )
    if started_on < issued_on:
        raise _too_late(started_on, issued_on)
