"""The state machines of underwriting: one table of allowed moves per machine, and the groups
of states that services and pages ask about."""

from idi.underwriting.codes import AuditAction
from idi.underwriting.models import ChangeState, PolicyState

# The one table of allowed state changes: (from, to) -> the action that makes it.
TRANSITIONS: dict[tuple[str, str], AuditAction] = {
    (PolicyState.DRAFT, PolicyState.QUOTED): AuditAction.QUOTE,
    # Editing the terms or shares of a quoted policy takes it back to draft: re-quote.
    (PolicyState.QUOTED, PolicyState.DRAFT): AuditAction.REVISE,
    (PolicyState.QUOTED, PolicyState.ISSUED): AuditAction.ISSUE,
    # The insurance period has started (completion + 2 years, R-C2).
    (PolicyState.ISSUED, PolicyState.IN_FORCE): AuditAction.ACTIVATE,
    # The last category window has ended.
    (PolicyState.IN_FORCE, PolicyState.EXPIRED): AuditAction.EXPIRE,
    (PolicyState.DRAFT, PolicyState.CANCELLED): AuditAction.CANCEL,
    (PolicyState.QUOTED, PolicyState.CANCELLED): AuditAction.CANCEL,
    (PolicyState.ISSUED, PolicyState.CANCELLED): AuditAction.CANCEL,
    (PolicyState.IN_FORCE, PolicyState.CANCELLED): AuditAction.CANCEL,
}
# A change request is carried out or withdrawn, once.
CHANGE_TRANSITIONS: dict[tuple[str, str], AuditAction] = {
    (ChangeState.OPEN, ChangeState.APPLIED): AuditAction.APPLY_CHANGE,
    (ChangeState.OPEN, ChangeState.WITHDRAWN): AuditAction.WITHDRAW_CHANGE,
}
EDITABLE_STATES = (PolicyState.DRAFT, PolicyState.QUOTED)
LIVE_STATES = (PolicyState.ISSUED, PolicyState.IN_FORCE)
ACTION_LABELS = {
    AuditAction.QUOTE: ("报价", "quote"),
    AuditAction.REVISE: ("修改", "revise"),
    AuditAction.ISSUE: ("签发", "issue"),
    AuditAction.ACTIVATE: ("进入保险期间", "start the insurance period of"),
    AuditAction.EXPIRE: ("期满", "expire"),
    AuditAction.CANCEL: ("解除", "cancel"),
}
