"""The state machines of underwriting: one table of allowed moves per machine, and the groups
of states that services and pages ask about."""

from idi.underwriting.codes import AuditAction
from idi.underwriting.models import ChangeState, PolicyState, QuoteState

# The one table of allowed state changes: (from, to) -> the action that makes it.
# Art. 9: the developer asks the lead insurer for a quote, the insurer answers with the rate and
# the risk factors it weighed, the developer accepts it or asks again; only an accepted quote is
# issued.
TRANSITIONS: dict[tuple[str, str], AuditAction] = {
    (PolicyState.DRAFT, PolicyState.QUOTE_REQUESTED): AuditAction.REQUEST_QUOTE,
    (PolicyState.QUOTED, PolicyState.QUOTE_REQUESTED): AuditAction.REQUEST_QUOTE,
    (PolicyState.QUOTE_REQUESTED, PolicyState.QUOTED): AuditAction.GIVE_QUOTE,
    (PolicyState.QUOTED, PolicyState.ACCEPTED): AuditAction.ACCEPT_QUOTE,
    # Editing the terms or shares of a policy being quoted takes it back to draft: ask again.
    (PolicyState.QUOTE_REQUESTED, PolicyState.DRAFT): AuditAction.REVISE,
    (PolicyState.QUOTED, PolicyState.DRAFT): AuditAction.REVISE,
    (PolicyState.ACCEPTED, PolicyState.DRAFT): AuditAction.REVISE,
    (PolicyState.ACCEPTED, PolicyState.ISSUED): AuditAction.ISSUE,
    # The insurance period has started (completion + 2 years, R-C2).
    (PolicyState.ISSUED, PolicyState.IN_FORCE): AuditAction.ACTIVATE,
    # The last category window has ended.
    (PolicyState.IN_FORCE, PolicyState.EXPIRED): AuditAction.EXPIRE,
    (PolicyState.DRAFT, PolicyState.CANCELLED): AuditAction.CANCEL,
    (PolicyState.QUOTE_REQUESTED, PolicyState.CANCELLED): AuditAction.CANCEL,
    (PolicyState.QUOTED, PolicyState.CANCELLED): AuditAction.CANCEL,
    (PolicyState.ACCEPTED, PolicyState.CANCELLED): AuditAction.CANCEL,
    (PolicyState.ISSUED, PolicyState.CANCELLED): AuditAction.CANCEL,
    (PolicyState.IN_FORCE, PolicyState.CANCELLED): AuditAction.CANCEL,
}
# A change request is carried out or withdrawn, once.
CHANGE_TRANSITIONS: dict[tuple[str, str], AuditAction] = {
    (ChangeState.OPEN, ChangeState.APPLIED): AuditAction.APPLY_CHANGE,
    (ChangeState.OPEN, ChangeState.WITHDRAWN): AuditAction.WITHDRAW_CHANGE,
}
# A quote is answered, then accepted or superseded (asked again); a change of what it was for
# withdraws it.
QUOTE_TRANSITIONS: dict[tuple[str, str], AuditAction] = {
    (QuoteState.REQUESTED, QuoteState.ANSWERED): AuditAction.QUOTE_ANSWERED,
    (QuoteState.ANSWERED, QuoteState.ACCEPTED): AuditAction.QUOTE_ACCEPTED,
    (QuoteState.ANSWERED, QuoteState.SUPERSEDED): AuditAction.QUOTE_SUPERSEDED,
    (QuoteState.REQUESTED, QuoteState.WITHDRAWN): AuditAction.QUOTE_WITHDRAWN,
    (QuoteState.ANSWERED, QuoteState.WITHDRAWN): AuditAction.QUOTE_WITHDRAWN,
    (QuoteState.ACCEPTED, QuoteState.WITHDRAWN): AuditAction.QUOTE_WITHDRAWN,
}
# Before issue: the terms, shares, attachments and commitments may still change.
EDITABLE_STATES = (
    PolicyState.DRAFT,
    PolicyState.QUOTE_REQUESTED,
    PolicyState.QUOTED,
    PolicyState.ACCEPTED,
)
# A quote that is asked for, given or accepted: changing what it was for withdraws it.
QUOTING_STATES = (PolicyState.QUOTE_REQUESTED, PolicyState.QUOTED, PolicyState.ACCEPTED)
LIVE_STATES = (PolicyState.ISSUED, PolicyState.IN_FORCE)
# Art. 8: a follower confirms its share once the developer has put the shares to the lead
# insurer for a quote (a draft's shares are still being chosen), and as long as the policy
# lives; a later change of a share drops that share's confirmation.
SHARE_CONFIRMING_STATES = (*QUOTING_STATES, *LIVE_STATES)
ACTION_LABELS = {
    AuditAction.REQUEST_QUOTE: ("询价", "ask for a quote for"),
    AuditAction.GIVE_QUOTE: ("报价", "quote"),
    AuditAction.ACCEPT_QUOTE: ("接受报价", "accept the quote of"),
    AuditAction.REVISE: ("修改", "revise"),
    AuditAction.ISSUE: ("签发", "issue"),
    AuditAction.ACTIVATE: ("进入保险期间", "start the insurance period of"),
    AuditAction.EXPIRE: ("期满", "expire"),
    AuditAction.CANCEL: ("解除", "cancel"),
}
