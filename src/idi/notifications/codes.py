"""Stable names of what this app records in the audit log."""

from enum import StrEnum


class AuditAction(StrEnum):
    START_DEADLINE = "notifications.start_deadline"
    MEET_DEADLINE = "notifications.meet_deadline"
    CANCEL_DEADLINE = "notifications.cancel_deadline"
    SWEEP_DEADLINES = "notifications.sweep_deadlines"
    RECOMPUTE_DEADLINE = "notifications.recompute_deadline"
