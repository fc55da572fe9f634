"""Stable reasons of the project registry's refusals, and its audit actions."""

from enum import StrEnum


class Code(StrEnum):
    REQUIRED = "required"
    TOO_LONG = "too_long"
    INVALID = "invalid"  # malformed: not a number, too many decimals
    INVALID_CHOICE = "invalid_choice"  # not one of the districts, housing types, roles
    OUT_OF_RANGE = "out_of_range"  # floors, areas
    ALREADY_EXISTS = "already_exists"  # a name or number registered before
    ALREADY_RECORDED = "already_recorded"  # an event recorded before: a sale, a delivery
    IN_FUTURE = "in_future"
    OUT_OF_ORDER = "out_of_order"  # a date before the one it must follow
    INVALID_STATE = "invalid_state"  # the permit or building is not at the needed stage
    WRONG_PROJECT = "wrong_project"  # a permit or building of another project
    WRONG_PARTY = "wrong_party"  # the organisation is not of the kind this needs
    UNKNOWN_PARTY = "unknown_party"  # no organisation has this credit code
    MISMATCH = "mismatch"  # an ID number registered under another name


class AuditAction(StrEnum):
    REGISTER_PROJECT = "projects.register_project"
    ADD_PLANNING_PERMIT = "projects.add_planning_permit"
    ADD_CONSTRUCTION_PERMIT = "projects.add_construction_permit"
    RECORD_PERMIT_ISSUE = "projects.record_permit_issue"
    RECORD_CONSTRUCTION_START = "projects.record_construction_start"
    RECORD_COMPLETION_ACCEPTANCE = "projects.record_completion_acceptance"
    ADD_BUILDING = "projects.add_building"
    RECORD_DELIVERY = "projects.record_delivery"
    ADD_UNIT = "projects.add_unit"
    ADD_PARTICIPANT = "projects.add_participant"
    RECORD_SALE = "projects.record_sale"
    IMPORT_UNITS = "projects.import_units"
    QUEUE_IMPORT = "projects.queue_import"
    START_IMPORT = "projects.start_import"
    FINISH_IMPORT = "projects.finish_import"
    CONFIRM_IMPORT = "projects.confirm_import"
