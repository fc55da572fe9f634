"""Stable reasons of underwriting's refusals, and its audit actions (named as the services and
the state moves are)."""

from enum import StrEnum


class Code(StrEnum):
    INVALID_STATE = "invalid_state"  # the policy or change request is not at the needed state
    ALREADY_RECORDED = "already_recorded"  # a payment, consent, report or confirmation
    ALREADY_EXISTS = "already_exists"  # a permit that has a policy already (R-U2)
    REQUIRED = "required"
    INVALID = "invalid"
    INVALID_CHOICE = "invalid_choice"  # an unknown kind or sub-item
    OUT_OF_RANGE = "out_of_range"
    BELOW_FLOOR = "below_floor"  # under a minimum of the law
    ABOVE_LIMIT = "above_limit"  # over a maximum of the law (R-U13)
    IN_FUTURE = "in_future"
    OUT_OF_ORDER = "out_of_order"  # a date before the one it must follow
    WRONG_PARTY = "wrong_party"  # not an insurer, not a buyer of the unit
    DUPLICATE = "duplicate"
    DIFFERENT_LEAD = "different_lead"  # R-U2: one lead per planning permit
    CONSENT_MISSING = "consent_missing"  # R-U8
    REPORT_MISSING = "report_missing"  # R-U8
    TOO_LATE = "too_late"  # R-U3: construction has started
    PREREQUISITE_MISSING = "prerequisite_missing"  # attachments, notices, payment, deposit
    WRONG_AMOUNT = "wrong_amount"  # R-U3: the premium is paid in full, once
    CHANGE_OPEN = "change_open"  # another change request is open
    SUPERSEDED = "superseded"  # a newer version of the attachment exists
    NOTHING_TO_DO = "nothing_to_do"
    NOT_ACCEPTED = "not_accepted"  # Art. 9: only an accepted quote is paid for and issued
    NOT_THE_INSURERS = "not_the_insurers"  # Art. 9: the rate is the lead insurer's to quote


class AuditAction(StrEnum):
    CREATE_DRAFT = "underwriting.create_draft"
    SET_TERMS = "underwriting.set_terms"
    SET_SHARES = "underwriting.set_shares"
    CONFIRM_SHARE = "underwriting.confirm_share"
    REQUEST_QUOTE = "underwriting.request_quote"
    GIVE_QUOTE = "underwriting.give_quote"
    ACCEPT_QUOTE = "underwriting.accept_quote"
    QUOTE_ANSWERED = "underwriting.quote_answered"
    QUOTE_ACCEPTED = "underwriting.quote_accepted"
    QUOTE_SUPERSEDED = "underwriting.quote_superseded"
    QUOTE_WITHDRAWN = "underwriting.quote_withdrawn"
    REVISE = "underwriting.revise"
    UPLOAD_ATTACHMENT = "underwriting.upload_attachment"
    CONFIRM_ATTACHMENT = "underwriting.confirm_attachment"
    RECORD_PAYMENT = "underwriting.record_payment"
    RECORD_MAINTENANCE_DEPOSIT = "underwriting.record_maintenance_deposit"
    SET_CLAIMS_STANDARDS = "underwriting.set_claims_standards"
    NOTIFY_PARTICIPANT = "underwriting.notify_participant"
    ACKNOWLEDGE_NOTICE = "underwriting.acknowledge_notice"
    ISSUE = "underwriting.issue"
    FUND_CONTRIBUTION_DUE = "underwriting.fund_contribution_due"
    RECORD_PERIOD = "underwriting.record_period"
    ACTIVATE = "underwriting.activate"
    EXPIRE = "underwriting.expire"
    OPEN_CHANGE = "underwriting.open_change"
    RECORD_CONSENT = "underwriting.record_consent"
    RECORD_REGULATOR_REPORT = "underwriting.record_regulator_report"
    CHANGE_TERMS = "underwriting.change_terms"
    CHANGE_INSURER = "underwriting.change_insurer"
    APPLY_CHANGE = "underwriting.apply_change"
    WITHDRAW_CHANGE = "underwriting.withdraw_change"
    CANCEL = "underwriting.cancel"
