"""The state machine of defects: the one table of allowed moves and the audit action of each."""

from idi.riskmgmt.codes import AuditAction
from idi.riskmgmt.models import DefectStatus

S = DefectStatus

# The one table of the defect state machine: (status, action) -> new status. A disputed defect
# stays disputed while the parties' jointly chosen appraiser is recorded (and, until its
# finding, chosen again); the appraisal either upholds the defect (the responsible party
# rectifies and pays the fee) or finds the RMA responsible, which dismisses the defect (R-R6).
DEFECT_TRANSITIONS: dict[tuple[str, str], str] = {
    (S.RECORDED, "confirm"): S.CONFIRMED,
    (S.RECORDED, "dispute"): S.DISPUTED,
    (S.DISPUTED, "choose_appraiser"): S.DISPUTED,
    (S.DISPUTED, "appraisal"): S.CONFIRMED,
    (S.DISPUTED, "appraisal_dismissed"): S.DISMISSED,
    (S.CONFIRMED, "rectify"): S.RECTIFIED,
    (S.RECTIFIED, "supervisor-confirm"): S.SUPERVISOR_CONFIRMED,
    (S.SUPERVISOR_CONFIRMED, "developer-confirm"): S.CLOSED,
}

TRANSITION_AUDIT = {
    "confirm": AuditAction.CONFIRM_DEFECT,
    "dispute": AuditAction.DISPUTE_DEFECT,
    "choose_appraiser": AuditAction.CHOOSE_APPRAISER,
    "appraisal": AuditAction.RECORD_APPRAISAL,
    "appraisal_dismissed": AuditAction.RECORD_APPRAISAL,
    "rectify": AuditAction.RECTIFY_DEFECT,
    "supervisor-confirm": AuditAction.SUPERVISOR_CONFIRM_DEFECT,
    "developer-confirm": AuditAction.DEVELOPER_CONFIRM_DEFECT,
}
