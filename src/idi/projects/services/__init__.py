"""Every write to projects, permits, buildings, units, participants and sales.

Only the project's developer (its administrators and staff) or the platform operator writes
them. Each service runs in one transaction, locks the project row (so that two writers of one
project queue instead of racing), and records one audit event (RULES.md R-O3).

Families: projects (`projects`), permits (`permits`), buildings and units (`buildings`),
participants (`participants`), sales (`sales`), the bulk import (`bulk`) and large imports as
background jobs (`jobs`); `_common` holds who may write and the project lock. Callers import
this package, never its modules:
`from idi.projects import services; services.add_building(...)`.
"""

from idi.projects.services._common import (
    _require_developer,
    may_write_project,
)
from idi.projects.services.buildings import (
    BUILDING_TRANSITIONS,
    add_building,
    add_unit,
    building_stage,
    record_delivery,
)
from idi.projects.services.bulk import (
    Progress,
    import_units,
)
from idi.projects.services.jobs import (
    JOB_ERRORS_KEPT,
    JOB_PROGRESS_SECONDS,
    JobProgress,
    confirm_import_job,
    queue_import,
    run_import_job,
    runs_in_background,
)
from idi.projects.services.participants import (
    add_participant,
)
from idi.projects.services.permits import (
    PERMIT_EVENTS,
    PERMIT_STAGE_LABELS,
    PERMIT_TRANSITIONS,
    PermitEvent,
    PermitStage,
    add_construction_permit,
    add_planning_permit,
    permit_stage,
    record_completion_acceptance,
    record_construction_start,
    record_permit_issue,
)
from idi.projects.services.projects import (
    register_project,
)
from idi.projects.services.sales import (
    Buyer,
    record_sale,
)

__all__ = [
    "BUILDING_TRANSITIONS",
    "JOB_ERRORS_KEPT",
    "JOB_PROGRESS_SECONDS",
    "PERMIT_EVENTS",
    "PERMIT_STAGE_LABELS",
    "PERMIT_TRANSITIONS",
    "Buyer",
    "JobProgress",
    "PermitEvent",
    "PermitStage",
    "Progress",
    "_require_developer",
    "add_building",
    "add_construction_permit",
    "add_participant",
    "add_planning_permit",
    "add_unit",
    "building_stage",
    "confirm_import_job",
    "import_units",
    "may_write_project",
    "permit_stage",
    "queue_import",
    "record_completion_acceptance",
    "record_construction_start",
    "record_delivery",
    "record_permit_issue",
    "record_sale",
    "register_project",
    "run_import_job",
    "runs_in_background",
]
