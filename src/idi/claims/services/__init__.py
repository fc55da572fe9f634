"""Every write of the claims app: one function per business action, grouped by family.

Each runs in one transaction, locks the claim, checks who acts (a claim the actor may not see
never reaches here: the selector answered 404), refuses with the rule that forbids the change,
moves the status only through TRANSITIONS (plus the rows registered tracks add), keeps the
claim's clocks in the notifications app and records one audit event per change (R-O3). Callers
import this package, never its modules: `from idi.claims import services; services.determine(...)`.

Families: filing (`filing`), determination and the refusal notice (`determination`), the
agreement, repair and the owner's decision (`performance`), payments and recoveries (`money`),
disputes and appraisal (`disputes`), emergency repairs and plans (`emergency`), photos
(`photos`), the insurance notice (`notices`); `_common` holds the transition table, the clocks
and `move`, which registered tracks use too.

Lock order. Every action takes its row locks in this order, and only the ones it needs, so that
two actions on the same claim or policy wait for each other instead of deadlocking:

1. the claim (`_locked`, `FOR UPDATE OF` the claim row only);
2. the policy (`money._check_remaining`), when money leaves it: agree (payment), record_payment;
3. rows of the claim: its open dispute (choose_appraiser, record_appraisal), its emergency repair
   (respond_to_emergency), its running deadlines (`meet_clock`, `stop_clock`);
4. the audit chain's head, last: each action runs under `audit.deferred()`, so its events
   (the clocks' and the claim's) are written together as the last statements before the
   commit, and the one row every audited write in the platform waits for is held only for
   those (docs/benchmarks.md, parallel filing).

Filing locks no existing row: two filings with the same key meet at the unique constraint on
(filer, key). The emergency sweep locks one batch of emergency repairs at a time, skipping
those another sweep holds, and never a claim.
"""

from idi.claims.services._common import (
    TRANSITIONS,
    meet_clock,
    move,
    refresh_next_due,
    start_clock,
    stop_clock,
    transitions,
)
from idi.claims.services.determination import (
    DETERMINATION_KINDS,
    OUTCOMES,
    determine,
    issue_refusal_notice,
    mark_complex,
)
from idi.claims.services.disputes import (
    DISPUTE_FROM,
    choose_appraiser,
    confirm_in_writing,
    open_dispute,
    record_appraisal,
)
from idi.claims.services.emergency import (
    respond_to_emergency,
    set_emergency_plan,
    sweep_emergencies,
)
from idi.claims.services.filing import ANSWERS, FILING_STATUSES, Filing, file_claim
from idi.claims.services.money import record_payment, record_recovery
from idi.claims.services.notices import confirm_notice, hand_over_notice
from idi.claims.services.performance import agree, complete_repair, owner_decision
from idi.claims.services.photos import MAX_PHOTO_BYTES, PHOTO_TYPES, add_photo

__all__ = [
    "ANSWERS",
    "DETERMINATION_KINDS",
    "DISPUTE_FROM",
    "FILING_STATUSES",
    "MAX_PHOTO_BYTES",
    "OUTCOMES",
    "PHOTO_TYPES",
    "TRANSITIONS",
    "Filing",
    "add_photo",
    "agree",
    "choose_appraiser",
    "complete_repair",
    "confirm_in_writing",
    "confirm_notice",
    "determine",
    "file_claim",
    "hand_over_notice",
    "issue_refusal_notice",
    "mark_complex",
    "meet_clock",
    "move",
    "open_dispute",
    "owner_decision",
    "record_appraisal",
    "record_payment",
    "record_recovery",
    "refresh_next_due",
    "respond_to_emergency",
    "set_emergency_plan",
    "start_clock",
    "stop_clock",
    "sweep_emergencies",
    "transitions",
]
