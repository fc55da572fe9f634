"""The fund's stable refusal codes and audit action names."""

from enum import StrEnum


class Code(StrEnum):
    INVALID = "invalid"
    INSUFFICIENT_BALANCE = "insufficient_balance"  # R-F6: a balance would go below zero
    OVER_CAP = "over_cap"  # R-F4
    OVER_OUTSTANDING = "over_outstanding"  # more received than is owed
    INVALID_STATE = "invalid_state"
    NOT_ELIGIBLE = "not_eligible"  # the R-C5 status does not allow this use of the fund
    ALREADY_REVERSED = "already_reversed"
    NOT_YET_OPEN = "not_yet_open"  # R-F3: the fund application opens later
    NOT_INSURED = "not_insured"  # the permit has no issued policy


class AuditAction(StrEnum):
    BOOK_CONTRIBUTION_DUE = "fund.book_contribution_due"
    RECORD_CONTRIBUTION_RECEIVED = "fund.record_contribution_received"
    RECORD_REPLENISHMENT = "fund.record_replenishment"
    TRANSFER = "fund.transfer"
    REVERSE_ENTRY = "fund.reverse_entry"
    RECORD_BANK_STATEMENT = "fund.record_bank_statement"
    OPEN_CASE = "fund.open_case"
    ADD_EVIDENCE = "fund.add_evidence"
    DECIDE_CASE = "fund.decide_case"
    PAY_CASE = "fund.pay_case"
    RECORD_DEPOSIT_DEDUCTION = "fund.record_deposit_deduction"
    NOTIFY_DEVELOPER = "fund.notify_developer"
    RECORD_SITE_VISIT = "fund.record_site_visit"
    RECORD_REPAIR_PLAN = "fund.record_repair_plan"
    RECORD_REPAIR_STARTED = "fund.record_repair_started"
    RECORD_REPAIR_COMPLETED = "fund.record_repair_completed"
    APPLY_FOR_FUND_REPAIR = "fund.apply_for_fund_repair"
    DECIDE_FUND_APPLICATION = "fund.decide_fund_application"
