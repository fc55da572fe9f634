"""Stable reasons of the registry of parties' refusals, and its audit actions."""

from enum import StrEnum


class Code(StrEnum):
    REQUIRED = "required"
    INVALID = "invalid"  # malformed: a wrong check character, not a number, a bad username
    INVALID_CHOICE = "invalid_choice"  # not one of the known districts, types, roles, kinds
    ALREADY_EXISTS = "already_exists"
    WRONG_PARTY = "wrong_party"  # the organisation is not of the kind this needs
    OUT_OF_RANGE = "out_of_range"
    WEAK_PASSWORD = "weak_password"  # noqa: S105 (a reason, not a secret)
    UNKNOWN_PARTY = "unknown_party"  # no organisation has this credit code
    AMBIGUOUS = "ambiguous"  # a name that several organisations share a part of
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    MISMATCH = "mismatch"  # identity details that do not match the record
    ALREADY_ACTIVE = "already_active"


class AuditAction(StrEnum):
    REGISTER_ORGANISATION = "parties.register_organisation"
    UPDATE_ORGANISATION = "parties.update_organisation"
    RECORD_QUALIFICATION = "parties.record_qualification"
    DECLARE_RELATIONSHIP = "parties.declare_relationship"
    CREATE_USER = "parties.create_user"
    REGISTER_OWNER = "parties.register_owner"
    ACTIVATE_OWNER = "parties.activate_owner"
