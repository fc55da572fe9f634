"""Every write of underwriting: one function per business action, grouped by family.

Each runs in one transaction, checks who acts, refuses with the rule that forbids the change,
moves the state only through the tables of `underwriting.transitions` and records one audit
event per change (R-O3). Callers import this package, never its modules:
`from idi.underwriting import services; services.quote(...)`.

Lock order. Every action takes its row locks in this order, and only the ones it needs, so that
two actions on the same policy wait for each other instead of deadlocking:

1. the planning permit (`_lock_planning_permit`), when the action decides or checks the lead
   insurer, which must be the same for every permit under it (R-U2): set_shares, request_quote,
   issue_policy, open_change_request, amend_policy;
2. the policy (`_locked`, `FOR UPDATE OF` the policy row only);
3. the open change request (`_locked_open_change`): amend_policy, cancel_policy; the consent,
   report and withdrawal of a change lock only the change request;
4. rows of the policy: the attachment or the share being confirmed, the fund contribution due
   being adjusted.

The construction permit is locked alone, by create_draft, to allow one policy per permit. The
periodic sweep locks one policy per transaction, so that it never holds many at once.
"""

from idi.underwriting.services.attachments import confirm_attachment, upload_attachment
from idi.underwriting.services.changes import (
    amend_policy,
    cancel_policy,
    carry_out_change,
    open_change_request,
    record_buyer_consent,
    record_regulator_report,
    withdraw_change_request,
)
from idi.underwriting.services.commitments import (
    ClaimsStandardInput,
    acknowledge_notice,
    notify_participants,
    set_claims_standards,
)
from idi.underwriting.services.drafting import (
    JURISDICTION,
    CheckedTerms,
    Terms,
    create_draft,
    set_terms,
)
from idi.underwriting.services.issuance import (
    PolicyEvent,
    guard_construction_start,
    issue_policy,
)
from idi.underwriting.services.payments import record_maintenance_deposit, record_payment
from idi.underwriting.services.period import (
    record_period,
    refresh_policy_state,
    sweep_policy_states,
)
from idi.underwriting.services.quoting import (
    FACTORS,
    QuoteInput,
    accept_quote,
    give_quote,
    request_quote,
)
from idi.underwriting.services.shares import ShareInput, confirm_share, set_shares
from idi.underwriting.transitions import (
    ACTION_LABELS,
    CHANGE_TRANSITIONS,
    EDITABLE_STATES,
    LIVE_STATES,
    TRANSITIONS,
)

__all__ = [
    "ACTION_LABELS",
    "CHANGE_TRANSITIONS",
    "EDITABLE_STATES",
    "FACTORS",
    "JURISDICTION",
    "LIVE_STATES",
    "TRANSITIONS",
    "CheckedTerms",
    "ClaimsStandardInput",
    "PolicyEvent",
    "QuoteInput",
    "ShareInput",
    "Terms",
    "accept_quote",
    "acknowledge_notice",
    "amend_policy",
    "cancel_policy",
    "carry_out_change",
    "confirm_attachment",
    "confirm_share",
    "create_draft",
    "give_quote",
    "guard_construction_start",
    "issue_policy",
    "notify_participants",
    "open_change_request",
    "record_buyer_consent",
    "record_maintenance_deposit",
    "record_payment",
    "record_period",
    "record_regulator_report",
    "refresh_policy_state",
    "request_quote",
    "set_claims_standards",
    "set_shares",
    "set_terms",
    "sweep_policy_states",
    "upload_attachment",
    "withdraw_change_request",
]
