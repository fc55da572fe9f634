"""The stable reasons the rulebook refuses input for (`RuleViolation.code`) or warns about."""

from enum import StrEnum

__all__ = ["Code"]


class Code(StrEnum):
    REQUIRED = "required"
    INVALID = "invalid"  # malformed: not a date, not a number, not a list
    UNKNOWN = "unknown"  # a name the pack does not know: category, kind, pack, parameter
    INVALID_CHOICE = "invalid_choice"  # a sub-item the pack does not list (R-C1)
    OUT_OF_RANGE = "out_of_range"
    BELOW_FLOOR = "below_floor"  # under a minimum of the law (rate, fee, lead share, period)
    ABOVE_LIMIT = "above_limit"  # over a maximum of the law (a committed time, R-U13)
    NOT_IN_FORCE = "not_in_force"  # no rule pack applies to the date
    OUT_OF_ORDER = "out_of_order"  # a date before the one it must follow
    DUPLICATE = "duplicate"
    WRONG_TOTAL = "wrong_total"  # shares that do not sum to exactly 100%
    WRONG_COUNT = "wrong_count"  # not exactly one lead, too few followers
    MISSING = "missing"  # a fact the rule needs has not been recorded (R-U6)
    NOT_MET = "not_met"  # a condition of the law is not met (R-U6, R-U3 policy not issued)
    TOO_LATE = "too_late"  # R-U3: construction started before the policy was signed
    INVALID_ARGUMENTS = "invalid_arguments"  # the command line itself is wrong
    INVALID_PACK = "invalid_pack"  # a rule pack or calendar file cannot be used
    UNREADABLE_FILE = "unreadable_file"
    OVER_CAP = "over_cap"  # R-F4: beyond 3 × the project's contribution
