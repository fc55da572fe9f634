"""Planning and construction permits and their events: applied → issued → under
construction → completed."""

from datetime import date
from enum import StrEnum

from django.db import transaction

from idi.core import audit
from idi.core.permissions import Actor
from idi.core.registry import Hook, providers
from idi.projects.codes import AuditAction, Code
from idi.projects.models import (
    ConstructionPermit,
    PlanningPermit,
    Project,
)
from idi.projects.services._common import (
    _lock,
    _require_developer,
)
from idi.projects.validators import (
    not_in_future,
    text,
    violation,
)

# ---------------------------------------------------------------------------------------------
# Permits: a construction permit moves applied → issued → under construction → completed, only
# through the services named in PERMIT_TRANSITIONS.


class PermitStage:
    APPLIED = "applied"
    ISSUED = "issued"
    UNDER_CONSTRUCTION = "under_construction"
    COMPLETED = "completed"


PERMIT_STAGE_LABELS = {
    PermitStage.APPLIED: ("已申领", "applied for"),
    PermitStage.ISSUED: ("已发证", "issued"),
    PermitStage.UNDER_CONSTRUCTION: ("在建", "under construction"),
    PermitStage.COMPLETED: ("已竣工验收", "completed and accepted"),
}

PERMIT_TRANSITIONS = {
    AuditAction.RECORD_PERMIT_ISSUE: (PermitStage.APPLIED, PermitStage.ISSUED),
    AuditAction.RECORD_CONSTRUCTION_START: (PermitStage.ISSUED, PermitStage.UNDER_CONSTRUCTION),
    AuditAction.RECORD_COMPLETION_ACCEPTANCE: (
        PermitStage.UNDER_CONSTRUCTION,
        PermitStage.COMPLETED,
    ),
}


class PermitEvent(StrEnum):
    """What higher apps are asked about (Hook.PERMIT_GUARDS) and told of (Hook.PERMIT_EVENTS)."""

    ISSUED = "issued"
    CONSTRUCTION_STARTED = "construction_started"
    COMPLETED = "completed"


PERMIT_EVENTS = {
    AuditAction.RECORD_PERMIT_ISSUE: PermitEvent.ISSUED,
    AuditAction.RECORD_CONSTRUCTION_START: PermitEvent.CONSTRUCTION_STARTED,
    AuditAction.RECORD_COMPLETION_ACCEPTANCE: PermitEvent.COMPLETED,
}


def permit_stage(permit: ConstructionPermit) -> str:
    if permit.completion_accepted_on:
        return PermitStage.COMPLETED
    if permit.construction_started_on:
        return PermitStage.UNDER_CONSTRUCTION
    if permit.issued_on:
        return PermitStage.ISSUED
    return PermitStage.APPLIED


def _transition(permit: ConstructionPermit, action: AuditAction, *, field: str) -> None:
    required, _ = PERMIT_TRANSITIONS[action]
    stage = permit_stage(permit)
    if stage != required:
        raise violation(
            Code.INVALID_STATE,
            field,
            f"施工许可证 {permit.number} 当前为“{PERMIT_STAGE_LABELS[stage][0]}”，"
            f"须为“{PERMIT_STAGE_LABELS[required][0]}”才能登记此项，请按顺序登记",
            f"permit {permit.number} is {PERMIT_STAGE_LABELS[stage][1]}; this needs it "
            f"{PERMIT_STAGE_LABELS[required][1]}, so record the steps in order",
        )


def _permit_state(permit: ConstructionPermit) -> dict:
    return {
        "number": permit.number,
        "planning_permit": permit.planning_permit_id,
        "applied_on": permit.applied_on,
        "issued_on": permit.issued_on,
        "construction_started_on": permit.construction_started_on,
        "completion_accepted_on": permit.completion_accepted_on,
        "stage": permit_stage(permit),
    }


@transaction.atomic
def add_planning_permit(
    *, actor: Actor, project: Project, number: str, issued_on: date | None = None
) -> PlanningPermit:
    """工程规划许可证 (R-U2: its construction permits share one lead insurer)."""
    _require_developer(actor, project)
    project = _lock(project)
    number = text("number", number, max_length=64, zh="工程规划许可证号", en="the number")
    if issued_on:
        not_in_future("issued_on", issued_on, zh="发证日期", en="the issue date")
    if PlanningPermit.objects.filter(number=number).exists():
        raise violation(
            Code.ALREADY_EXISTS,
            "number",
            f"工程规划许可证号 {number} 已登记",
            f"{number} is registered",
        )
    planning = PlanningPermit.objects.create(project=project, number=number, issued_on=issued_on)
    audit.record(
        actor=actor,
        action=AuditAction.ADD_PLANNING_PERMIT,
        obj=planning,
        after={"project": project.pk, "number": number, "issued_on": issued_on},
    )
    return planning


@transaction.atomic
def add_construction_permit(
    *,
    actor: Actor,
    project: Project,
    planning_permit: PlanningPermit,
    number: str,
    applied_on: date,
    issued_on: date | None = None,
) -> ConstructionPermit:
    """施工许可证: one insured subject (R-U2); its application date picks the rule pack (R-U1)."""
    _require_developer(actor, project)
    project = _lock(project)
    if planning_permit.project_id != project.pk:
        raise violation(
            Code.WRONG_PROJECT,
            "planning_permit",
            "工程规划许可证不属于本项目",
            "the planning permit is another project's",
        )
    number = text("number", number, max_length=64, zh="施工许可证号", en="the number")
    not_in_future("applied_on", applied_on, zh="申领日期", en="the application date")
    if issued_on:
        not_in_future("issued_on", issued_on, zh="发证日期", en="the issue date")
        if issued_on < applied_on:
            raise violation(
                Code.OUT_OF_ORDER,
                "issued_on",
                "发证日期不能早于申领日期",
                "issued before applied for",
            )
    if ConstructionPermit.objects.filter(number=number).exists():
        raise violation(
            Code.ALREADY_EXISTS,
            "number",
            f"施工许可证号 {number} 已登记",
            f"{number} is registered",
        )
    permit = ConstructionPermit.objects.create(
        project=project,
        planning_permit=planning_permit,
        number=number,
        applied_on=applied_on,
        issued_on=issued_on,
    )
    audit.record(
        actor=actor,
        action=AuditAction.ADD_CONSTRUCTION_PERMIT,
        obj=permit,
        after={"project": project.pk, **_permit_state(permit)},
    )
    return permit


def _change_permit(
    *, actor: Actor, permit: ConstructionPermit, action: AuditAction, field: str, value: date
) -> ConstructionPermit:
    """One step of PERMIT_TRANSITIONS: lock, check the stage and the higher apps' guards, set
    the date, audit, and tell the higher apps in the same transaction."""
    _require_developer(actor, permit.project)
    _lock(permit.project)
    permit = ConstructionPermit.objects.get(pk=permit.pk)
    _transition(permit, action, field=field)
    event = PERMIT_EVENTS[action]
    for guard in providers(Hook.PERMIT_GUARDS):
        guard(permit, event, value)
    before = _permit_state(permit)
    setattr(permit, field, value)
    permit.save(update_fields=[field])
    audit.record(
        actor=actor,
        action=action,
        obj=permit,
        before=before,
        after=_permit_state(permit),
    )
    for listener in providers(Hook.PERMIT_EVENTS):
        listener(actor, permit, event, value)
    return permit


@transaction.atomic
def record_permit_issue(
    *, actor: Actor, permit: ConstructionPermit, issued_on: date
) -> ConstructionPermit:
    not_in_future("issued_on", issued_on, zh="发证日期", en="the issue date")
    if issued_on < permit.applied_on:
        raise violation(
            Code.OUT_OF_ORDER, "issued_on", "发证日期不能早于申领日期", "issued before applied for"
        )
    return _change_permit(
        actor=actor,
        permit=permit,
        action=AuditAction.RECORD_PERMIT_ISSUE,
        field="issued_on",
        value=issued_on,
    )


@transaction.atomic
def record_construction_start(
    *, actor: Actor, permit: ConstructionPermit, started_on: date
) -> ConstructionPermit:
    """开工: the policy must be issued before this day (R-U3, guarded by underwriting)."""
    not_in_future("construction_started_on", started_on, zh="开工日期", en="the start date")
    if permit.issued_on and started_on < permit.issued_on:
        raise violation(
            Code.OUT_OF_ORDER,
            "construction_started_on",
            "开工日期不能早于发证日期",
            "construction starts after issue",
        )
    return _change_permit(
        actor=actor,
        permit=permit,
        action=AuditAction.RECORD_CONSTRUCTION_START,
        field="construction_started_on",
        value=started_on,
    )


@transaction.atomic
def record_completion_acceptance(
    *, actor: Actor, permit: ConstructionPermit, accepted_on: date
) -> ConstructionPermit:
    """竣工验收合格: the insurance period starts two years later (R-C2)."""
    not_in_future(
        "completion_accepted_on", accepted_on, zh="竣工验收日期", en="the acceptance date"
    )
    if permit.construction_started_on and accepted_on < permit.construction_started_on:
        raise violation(
            Code.OUT_OF_ORDER,
            "completion_accepted_on",
            "竣工验收日期不能早于开工日期",
            "accepted before it started",
        )
    if not permit.buildings.exists():
        raise violation(
            Code.INVALID_STATE,
            "completion_accepted_on",
            "该施工许可证下尚无楼栋",
            "the permit covers no building yet",
        )
    return _change_permit(
        actor=actor,
        permit=permit,
        action=AuditAction.RECORD_COMPLETION_ACCEPTANCE,
        field="completion_accepted_on",
        value=accepted_on,
    )
