"""Stable codes of the claims app: refusals (`Code`) and audit actions (`AuditAction`)."""

from enum import StrEnum


class Code(StrEnum):
    INVALID = "invalid"
    INVALID_STATE = "invalid_state"
    REQUIRED = "required"
    TOO_LATE = "too_late"
    IN_FUTURE = "in_future"
    EXCEEDS_SUM_INSURED = "exceeds_sum_insured"
    EXCEEDS_AGREED = "exceeds_agreed"
    EXCEEDS_PAID = "exceeds_paid"
    NOT_APPRAISER = "not_appraiser"
    NOT_PERFORMED = "not_performed"
    NO_POLICY = "no_policy"
    NOT_OWNER = "not_owner"
    UNKNOWN_ACTION = "unknown_action"


class AuditAction(StrEnum):
    FILE_CLAIM = "claims.file_claim"
    MOVE = "claims.move"
    MARK_COMPLEX = "claims.mark_complex"
    DETERMINE = "claims.determine"
    ISSUE_REFUSAL_NOTICE = "claims.issue_refusal_notice"
    AGREE = "claims.agree"
    COMPLETE_REPAIR = "claims.complete_repair"
    OWNER_DECISION = "claims.owner_decision"
    OPEN_DISPUTE = "claims.open_dispute"
    RECORD_APPRAISAL = "claims.record_appraisal"
    CONFIRM_IN_WRITING = "claims.confirm_in_writing"
    RECORD_PAYMENT = "claims.record_payment"
    RECORD_RECOVERY = "claims.record_recovery"
    RESPOND_TO_EMERGENCY = "claims.respond_to_emergency"
    ESCALATE_EMERGENCY = "claims.escalate_emergency"
    ADD_PHOTO = "claims.add_photo"
    GENERATE_NOTICE = "claims.generate_notice"
    HAND_OVER_NOTICE = "claims.hand_over_notice"
    CONFIRM_NOTICE = "claims.confirm_notice"
    SET_EMERGENCY_PLAN = "claims.set_emergency_plan"
