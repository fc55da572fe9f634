"""The state machines of underwriting: one table of allowed moves per machine, and the groups
of states that services and pages ask about."""

from idi.underwriting.models import ChangeState, PolicyState, QuoteState

# The one table of allowed state changes: (from, to) -> the action that makes it.
# Art. 9: the developer asks the lead insurer for a quote, the insurer answers with the rate and
# the risk factors it weighed, the developer accepts it or asks again; only an accepted quote is
# issued.
TRANSITIONS: dict[tuple[str, str], str] = {
    (PolicyState.DRAFT, PolicyState.QUOTE_REQUESTED): "request_quote",
    (PolicyState.QUOTED, PolicyState.QUOTE_REQUESTED): "request_quote",
    (PolicyState.QUOTE_REQUESTED, PolicyState.QUOTED): "give_quote",
    (PolicyState.QUOTED, PolicyState.ACCEPTED): "accept_quote",
    # Editing the terms or shares of a policy being quoted takes it back to draft: ask again.
    (PolicyState.QUOTE_REQUESTED, PolicyState.DRAFT): "revise",
    (PolicyState.QUOTED, PolicyState.DRAFT): "revise",
    (PolicyState.ACCEPTED, PolicyState.DRAFT): "revise",
    (PolicyState.ACCEPTED, PolicyState.ISSUED): "issue",
    # The insurance period has started (completion + 2 years, R-C2).
    (PolicyState.ISSUED, PolicyState.IN_FORCE): "activate",
    # The last category window has ended.
    (PolicyState.IN_FORCE, PolicyState.EXPIRED): "expire",
    (PolicyState.DRAFT, PolicyState.CANCELLED): "cancel",
    (PolicyState.QUOTE_REQUESTED, PolicyState.CANCELLED): "cancel",
    (PolicyState.QUOTED, PolicyState.CANCELLED): "cancel",
    (PolicyState.ACCEPTED, PolicyState.CANCELLED): "cancel",
    (PolicyState.ISSUED, PolicyState.CANCELLED): "cancel",
    (PolicyState.IN_FORCE, PolicyState.CANCELLED): "cancel",
}
# A change request is carried out or withdrawn, once.
CHANGE_TRANSITIONS: dict[tuple[str, str], str] = {
    (ChangeState.OPEN, ChangeState.APPLIED): "apply_change",
    (ChangeState.OPEN, ChangeState.WITHDRAWN): "withdraw_change",
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
ACTION_LABELS = {
    "request_quote": ("询价", "ask for a quote for"),
    "give_quote": ("报价", "quote"),
    "accept_quote": ("接受报价", "accept the quote of"),
    "revise": ("修改", "revise"),
    "issue": ("签发", "issue"),
    "activate": ("进入保险期间", "start the insurance period of"),
    "expire": ("期满", "expire"),
    "cancel": ("解除", "cancel"),
}
# A quote is answered, then accepted or superseded (asked again); a change of what it was for
# withdraws it.
QUOTE_TRANSITIONS: dict[tuple[str, str], str] = {
    (QuoteState.REQUESTED, QuoteState.ANSWERED): "give_quote",
    (QuoteState.ANSWERED, QuoteState.ACCEPTED): "accept_quote",
    (QuoteState.ANSWERED, QuoteState.SUPERSEDED): "request_quote",
    (QuoteState.REQUESTED, QuoteState.WITHDRAWN): "revise",
    (QuoteState.ANSWERED, QuoteState.WITHDRAWN): "revise",
    (QuoteState.ACCEPTED, QuoteState.WITHDRAWN): "revise",
}
