"""The stable codes of the risk-management app: refusal codes and audit action names."""

from enum import StrEnum


class Code(StrEnum):
    INVALID = "invalid"
    REQUIRED = "required"
    INVALID_STATE = "invalid_state"
    ALREADY_RECORDED = "already_recorded"
    NOT_INDEPENDENT = "not_independent"
    LETTER_NOT_VALID = "letter_not_valid"
    POLICY_NOT_IN_FORCE = "policy_not_in_force"
    NOT_A_PARTICIPANT = "not_a_participant"
    EVIDENCE_MISSING = "evidence_missing"
    REPORT_NOT_REVIEWED = "report_not_reviewed"
    MAJOR_DEFECTS_OPEN = "major_defects_open"
    NO_JOINT_INSPECTION = "no_joint_inspection"
    TOO_LATE = "too_late"
    NOT_APPRAISER = "not_appraiser"
    NOT_CHOSEN_APPRAISER = "not_chosen_appraiser"


class AuditAction(StrEnum):
    APPOINT_RMA = "riskmgmt.appoint_rma"
    RECORD_KICKOFF = "riskmgmt.record_kickoff"
    SET_PLAN = "riskmgmt.set_plan"
    RECORD_INSPECTION = "riskmgmt.record_inspection"
    RECORD_DEFECT = "riskmgmt.record_defect"
    CONFIRM_DEFECT = "riskmgmt.confirm_defect"
    DISPUTE_DEFECT = "riskmgmt.dispute_defect"
    CHOOSE_APPRAISER = "riskmgmt.choose_appraiser"
    RECORD_APPRAISAL = "riskmgmt.record_appraisal"
    RECTIFY_DEFECT = "riskmgmt.rectify_defect"
    SUPERVISOR_CONFIRM_DEFECT = "riskmgmt.supervisor_confirm_defect"
    DEVELOPER_CONFIRM_DEFECT = "riskmgmt.developer_confirm_defect"
    UPLOAD_EVIDENCE = "riskmgmt.upload_evidence"
    RECORD_COMPLIANCE_EXCEPTION = "riskmgmt.record_compliance_exception"
    WRITE_FINAL_REPORT = "riskmgmt.write_final_report"
    REVIEW_FINAL_REPORT = "riskmgmt.review_final_report"
    EVALUATE_RMA = "riskmgmt.evaluate_rma"
    SCHEDULE_JOINT_INSPECTION = "riskmgmt.schedule_joint_inspection"
