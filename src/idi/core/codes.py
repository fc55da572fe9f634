"""The stable reasons core refuses input for (`RuleViolation.code`)."""

from enum import StrEnum


class Code(StrEnum):
    INVALID_FILE = "invalid_file"  # damaged, or not the kind of file its content claims
    FILE_TOO_LARGE = "file_too_large"  # on disk, unpacked, or in rows
