"""Every write of risk management (RULES.md section 5), one function per business action, grouped
by family: the engagement, kickoff and plan (`engagement`), inspections (`inspections`), the
defect state machine and evidence (`defects`), what permit events ask of risk management
(`permits`), and the final report, evaluation and joint inspection (`reports`); `_common` holds
the refusals, input checks and who-may-act checks they share; `guards` who may submit each
form, which the pages run too.

Each is keyword-only with the actor first, runs in one transaction, checks permission, applies
the rule checks of `idi.rules`, moves defects only through `riskmgmt.transitions` and records an
audit event. Callers import this package, never its modules:
`from idi.riskmgmt import services; services.confirm_defect(...)`.

Lock order: the engagement (`_lock_engagement`) before any of its defects (`_locked_defect`),
then the audit chain's head, taken by the first audit event and held until commit.
"""

from idi.riskmgmt.services._common import EVIDENCE_STATUSES, JOINT_INSPECTION
from idi.riskmgmt.services.defects import (
    choose_appraiser,
    confirm_defect,
    developer_confirm_defect,
    dispute_defect,
    record_appraisal,
    rectify_defect,
    supervisor_confirm_defect,
    upload_evidence,
)
from idi.riskmgmt.services.engagement import appoint_rma, record_kickoff, set_plan
from idi.riskmgmt.services.guards import (
    may_appoint_rma,
    may_evaluate_rma,
    may_record_inspection,
    may_record_kickoff,
    may_schedule_joint_inspection,
    may_set_plan,
)
from idi.riskmgmt.services.inspections import DefectInput, add_defects, record_inspection
from idi.riskmgmt.services.permits import follow_permit_event, guard_completion
from idi.riskmgmt.services.reports import (
    evaluate_rma,
    review_final_report,
    schedule_joint_inspection,
    write_final_report,
)
from idi.riskmgmt.transitions import DEFECT_TRANSITIONS

__all__ = [
    "DEFECT_TRANSITIONS",
    "EVIDENCE_STATUSES",
    "JOINT_INSPECTION",
    "DefectInput",
    "add_defects",
    "appoint_rma",
    "choose_appraiser",
    "confirm_defect",
    "developer_confirm_defect",
    "dispute_defect",
    "evaluate_rma",
    "follow_permit_event",
    "guard_completion",
    "may_appoint_rma",
    "may_evaluate_rma",
    "may_record_inspection",
    "may_record_kickoff",
    "may_schedule_joint_inspection",
    "may_set_plan",
    "record_appraisal",
    "record_inspection",
    "record_kickoff",
    "rectify_defect",
    "review_final_report",
    "schedule_joint_inspection",
    "set_plan",
    "supervisor_confirm_defect",
    "upload_evidence",
    "write_final_report",
]
