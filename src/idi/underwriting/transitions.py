"""The state machines of underwriting: one table of allowed moves per machine, and the groups
of states that services and pages ask about."""

from idi.underwriting.models import ChangeState, PolicyState

# The one table of allowed state changes: (from, to) -> the action that makes it.
TRANSITIONS: dict[tuple[str, str], str] = {
    (PolicyState.DRAFT, PolicyState.QUOTED): "quote",
    # Editing the terms or shares of a quoted policy takes it back to draft: re-quote.
    (PolicyState.QUOTED, PolicyState.DRAFT): "revise",
    (PolicyState.QUOTED, PolicyState.ISSUED): "issue",
    # The insurance period has started (completion + 2 years, R-C2).
    (PolicyState.ISSUED, PolicyState.IN_FORCE): "activate",
    # The last category window has ended.
    (PolicyState.IN_FORCE, PolicyState.EXPIRED): "expire",
    (PolicyState.DRAFT, PolicyState.CANCELLED): "cancel",
    (PolicyState.QUOTED, PolicyState.CANCELLED): "cancel",
    (PolicyState.ISSUED, PolicyState.CANCELLED): "cancel",
    (PolicyState.IN_FORCE, PolicyState.CANCELLED): "cancel",
}
# A change request is carried out or withdrawn, once.
CHANGE_TRANSITIONS: dict[tuple[str, str], str] = {
    (ChangeState.OPEN, ChangeState.APPLIED): "apply_change",
    (ChangeState.OPEN, ChangeState.WITHDRAWN): "withdraw_change",
}
EDITABLE_STATES = (PolicyState.DRAFT, PolicyState.QUOTED)
LIVE_STATES = (PolicyState.ISSUED, PolicyState.IN_FORCE)
ACTION_LABELS = {
    "quote": ("报价", "quote"),
    "revise": ("修改", "revise"),
    "issue": ("签发", "issue"),
    "activate": ("进入保险期间", "start the insurance period of"),
    "expire": ("期满", "expire"),
    "cancel": ("解除", "cancel"),
}
