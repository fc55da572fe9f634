"""Stable reasons of the answers every app shares (not found, forbidden, malformed input), and
the audit actions of core's own services."""

from enum import StrEnum


class Code(StrEnum):
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    UNAUTHENTICATED = "unauthenticated"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    # Input the API's schemas refuse before any service runs.
    REQUIRED = "required"
    TOO_LONG = "too_long"
    TOO_SHORT = "too_short"
    WRONG_TYPE = "wrong_type"
    OUT_OF_RANGE = "out_of_range"
    BAD_DATE = "bad_date"
    BAD_DECIMAL = "bad_decimal"
    INVALID_CHOICE = "invalid_choice"
    INVALID = "invalid"
    INVALID_FILE = "invalid_file"  # damaged, or not the kind of file its content claims
    FILE_TOO_LARGE = "file_too_large"  # on disk, unpacked, or in rows


class AuditAction(StrEnum):
    CREATE_TOKEN = "core.create_token"  # noqa: S105 (an action, not a secret)
