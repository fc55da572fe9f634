"""Every write of the guarantee fund, one module per family of actions: the ledger's postings
(`ledger`), the fund's own cases (`cases`) and the pre-period repair requests filed through
claims (`preperiod`)."""

from idi.fund.services.cases import (
    CASE_TRANSITIONS,
    add_evidence,
    create_case,
    decide_case,
    issued_policy,
    may_record_deposit_deduction,
    open_case,
    pay_case,
    record_deposit_deduction,
)
from idi.fund.services.ledger import (
    REVERSIBLE,
    Posting,
    StatementLine,
    account,
    book_contributions_due,
    follow_policy_event,
    record_bank_statement,
    record_contribution_received,
    record_replenishment,
    require_institution,
    reverse_entry,
    transfer,
)

__all__ = [
    "CASE_TRANSITIONS",
    "REVERSIBLE",
    "Posting",
    "StatementLine",
    "account",
    "add_evidence",
    "book_contributions_due",
    "create_case",
    "decide_case",
    "follow_policy_event",
    "issued_policy",
    "may_record_deposit_deduction",
    "open_case",
    "pay_case",
    "record_bank_statement",
    "record_contribution_received",
    "record_deposit_deduction",
    "record_replenishment",
    "require_institution",
    "reverse_entry",
    "transfer",
]
