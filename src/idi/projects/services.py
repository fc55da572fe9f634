"""Every write to projects, permits, buildings, units, participants and sales.

Only the project's developer (its administrators and staff) or the platform operator writes
them. Each service runs in one transaction, locks the project row (so that two writers of one
project queue instead of racing), and records one audit event (RULES.md R-O3).
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from idi.core import audit, clock, formats
from idi.core.errors import Forbidden, RuleViolation
from idi.core.formats import in_language
from idi.core.permissions import Actor
from idi.core.registry import Hook, providers
from idi.parties.models import District, Organisation, OrgType, Profile, Role
from idi.parties.selectors import actor_for_user
from idi.parties.services import clean_owner_identity, register_owner
from idi.projects.codes import AuditAction, Code
from idi.projects.models import (
    Building,
    ConstructionPermit,
    ImportJob,
    ImportJobState,
    Participant,
    ParticipantRole,
    PlanningPermit,
    Project,
    ProjectHousingType,
    Sale,
    Unit,
)
from idi.projects.validators import (
    check_building_housing_type,
    check_floor,
    clean_area,
    not_in_future,
    text,
    violation,
)

logger = logging.getLogger(__name__)


def may_write_project(actor: Actor, project: Project) -> bool:
    if actor.is_operator:
        return True
    return (
        actor.organisation_type == OrgType.DEVELOPER
        and actor.organisation_id == project.developer_id
        and actor.has_role(Role.ORG_ADMIN, Role.STAFF)
    )


def _require_developer(actor: Actor, project: Project) -> None:
    if not may_write_project(actor, project):
        raise Forbidden(
            "仅本项目的建设单位或平台运营方可修改项目资料",
            "only the project's developer or the platform operator may change it",
        )


def _lock(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


# ---------------------------------------------------------------------------------------------
# Projects


def _project_state(project: Project) -> dict:
    return {
        "name": project.name,
        "developer": project.developer_id,
        "district": project.district,
        "housing_type": project.housing_type,
        "address": project.address,
    }


@transaction.atomic
def register_project(
    *,
    actor: Actor,
    name: str,
    district: str,
    housing_type: str,
    address: str = "",
    developer: Organisation | None = None,
) -> Project:
    """登记项目: a developer registers its own project; the operator one for any developer."""
    if actor.is_operator:
        if developer is None:
            raise violation(Code.REQUIRED, "developer", "请选择建设单位", "choose the developer")
    elif actor.organisation_type == OrgType.DEVELOPER and actor.has_role(
        Role.ORG_ADMIN, Role.STAFF
    ):
        if developer is not None and developer.pk != actor.organisation_id:
            raise Forbidden("只能登记本单位的项目", "a developer registers only its own projects")
        developer = Organisation.objects.get(pk=actor.organisation_id)
    else:
        raise Forbidden("仅建设单位可登记项目", "only a developer may register a project")
    if developer.org_type != OrgType.DEVELOPER:
        raise violation(
            Code.WRONG_PARTY,
            "developer",
            "所选单位不是建设单位",
            "the organisation is not a developer",
        )
    name = text("name", name, max_length=200, zh="项目名称", en="the name")
    if district not in District.values or district == District.CITY:
        raise violation(
            Code.REQUIRED, "district", "请选择项目所在的区县", "choose the project's district"
        )
    if housing_type not in ProjectHousingType.values:
        raise violation(Code.INVALID_CHOICE, "housing_type", "住房类型无效", "unknown housing type")
    if Project.objects.filter(developer=developer, name=name).exists():
        raise violation(
            Code.ALREADY_EXISTS,
            "name",
            f"本单位已有名为“{name}”的项目",
            f"project {name} already exists",
        )
    project = Project.objects.create(
        name=name,
        developer=developer,
        district=district,
        housing_type=housing_type,
        address=address.strip(),
        created_at=clock.now(),
    )
    audit.record(
        actor=actor, action=AuditAction.REGISTER_PROJECT, obj=project, after=_project_state(project)
    )
    return project


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


# ---------------------------------------------------------------------------------------------
# Buildings and units


def _building_state(building: Building) -> dict:
    return {
        "project": building.project_id,
        "permit": building.permit_id,
        "name": building.name,
        "housing_type": building.housing_type,
        "fully_decorated": building.fully_decorated,
        "floors_above": building.floors_above,
        "floors_below": building.floors_below,
        "delivered_on": building.delivered_on,
    }


@transaction.atomic
def add_building(
    *,
    actor: Actor,
    project: Project,
    permit: ConstructionPermit,
    name: str,
    floors_above: int,
    housing_type: str | None = None,
    floors_below: int = 0,
    fully_decorated: bool = False,
) -> Building:
    """楼栋: covered by one construction permit of the same project. Its housing type is the
    project's; only a mixed project's building names its own."""
    _require_developer(actor, project)
    project = _lock(project)
    if housing_type is None:
        if project.housing_type == ProjectHousingType.MIXED:
            raise violation(
                Code.REQUIRED,
                "housing_type",
                "混合项目须逐栋选择住房类型（保障房或商品房）",
                "a mixed project's building needs its housing type (affordable or commercial)",
            )
        housing_type = project.housing_type
    if permit.project_id != project.pk:
        raise violation(
            Code.WRONG_PROJECT,
            "permit",
            "施工许可证不属于本项目",
            "the permit is another project's",
        )
    name = text("name", name, max_length=64, zh="楼栋名称", en="the building name")
    check_building_housing_type(project=project, housing_type=housing_type)
    if floors_above < 1:
        raise violation(
            Code.OUT_OF_RANGE, "floors_above", "地上层数至少为 1", "at least one floor above ground"
        )
    if floors_below < 0:
        raise violation(
            Code.OUT_OF_RANGE,
            "floors_below",
            "地下层数不能为负数",
            "floors below cannot be negative",
        )
    if Building.objects.filter(project=project, name=name).exists():
        raise violation(
            Code.ALREADY_EXISTS, "name", f"楼栋 {name} 已存在", f"building {name} already exists"
        )
    building = Building.objects.create(
        project=project,
        permit=permit,
        name=name,
        housing_type=housing_type,
        fully_decorated=fully_decorated,
        floors_above=floors_above,
        floors_below=floors_below,
    )
    audit.record(
        actor=actor, action=AuditAction.ADD_BUILDING, obj=building, after=_building_state(building)
    )
    return building


# A building moves from not delivered to delivered once, through record_delivery.
BUILDING_TRANSITIONS = {"record_delivery": ("not_delivered", "delivered")}


def building_stage(building: Building) -> str:
    return "delivered" if building.delivered_on else "not_delivered"


@transaction.atomic
def record_delivery(*, actor: Actor, building: Building, delivered_on: date) -> Building:
    """交付: after the permit's completion acceptance; starts the R-F2 channel (+3 months)."""
    _require_developer(actor, building.project)
    _lock(building.project)
    building = Building.objects.select_related("permit").get(pk=building.pk)
    required, _ = BUILDING_TRANSITIONS["record_delivery"]
    if building_stage(building) != required:
        raise violation(
            Code.ALREADY_RECORDED,
            "delivered_on",
            f"楼栋 {building.name} 已于 {formats.day(building.delivered_on, 'zh-hans')} 交付",
            f"building {building.name} was delivered on {formats.day(building.delivered_on, 'en')}",
        )
    not_in_future("delivered_on", delivered_on, zh="交付日期", en="the delivery date")
    accepted = building.permit.completion_accepted_on
    if accepted is None:
        raise violation(
            Code.INVALID_STATE,
            "delivered_on",
            "施工许可证尚未竣工验收，不能交付",
            "the permit has no completion acceptance yet",
        )
    if delivered_on < accepted:
        raise violation(
            Code.OUT_OF_ORDER,
            "delivered_on",
            "交付日期不能早于竣工验收日期",
            "delivery precedes completion acceptance",
        )
    before = _building_state(building)
    building.delivered_on = delivered_on
    building.save(update_fields=["delivered_on"])
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_DELIVERY,
        obj=building,
        before=before,
        after=_building_state(building),
    )
    return building


@transaction.atomic
def add_unit(
    *, actor: Actor, building: Building, room_number: str, floor: int, area: Decimal
) -> Unit:
    """房屋单元 (户): a room of a building."""
    _require_developer(actor, building.project)
    _lock(building.project)
    room_number = text("room_number", room_number, max_length=32, zh="房号", en="the room")
    check_floor(floor=floor, floors_above=building.floors_above, floors_below=building.floors_below)
    area = clean_area(area)
    if Unit.objects.filter(building=building, room_number=room_number).exists():
        raise violation(
            Code.ALREADY_EXISTS,
            "room_number",
            f"{building.name} {room_number} 已存在",
            f"{building.name} {room_number} already exists",
        )
    unit = Unit.objects.create(
        project_id=building.project_id,
        building=building,
        room_number=room_number,
        floor=floor,
        area=area,
    )
    audit.record(
        actor=actor,
        action=AuditAction.ADD_UNIT,
        obj=unit,
        after={"building": building.pk, "room_number": room_number, "floor": floor, "area": area},
    )
    return unit


# ---------------------------------------------------------------------------------------------
# Participants


@transaction.atomic
def add_participant(
    *, actor: Actor, project: Project, organisation_uscc: str, role: str
) -> Participant:
    """参建单位: named by its credit code; its registered type must be the role it plays."""
    _require_developer(actor, project)
    project = _lock(project)
    if role not in ParticipantRole.values:
        raise violation(Code.INVALID_CHOICE, "role", "参建角色无效", "unknown participant role")
    organisation = Organisation.objects.filter(uscc=organisation_uscc.strip().upper()).first()
    if organisation is None:
        raise violation(
            Code.UNKNOWN_PARTY,
            "organisation_uscc",
            "未找到该统一社会信用代码的单位，请先由平台运营方登记",
            "no organisation has this credit code; the operator registers it first",
        )
    if organisation.org_type != role:
        raise violation(
            Code.WRONG_PARTY,
            "role",
            f"{organisation.name} 登记为"
            f"{in_language(OrgType(organisation.org_type).label, 'zh-hans')}，"
            f"不能担任{in_language(ParticipantRole(role).label, 'zh-hans')}，请核对单位或角色",
            f"{organisation.name} is registered as "
            f"{in_language(OrgType(organisation.org_type).label, 'en').lower()}, not as "
            f"{in_language(ParticipantRole(role).label, 'en').lower()}; check the organisation "
            "or the role",
        )
    if Participant.objects.filter(project=project, organisation=organisation, role=role).exists():
        raise violation(
            Code.ALREADY_EXISTS,
            "organisation_uscc",
            "该单位已是本项目参建单位",
            "already a participant",
        )
    participant = Participant.objects.create(project=project, organisation=organisation, role=role)
    audit.record(
        actor=actor,
        action=AuditAction.ADD_PARTICIPANT,
        obj=participant,
        after={"project": project.pk, "organisation": organisation.pk, "role": role},
    )
    return participant


# ---------------------------------------------------------------------------------------------
# Sales


@dataclass(frozen=True)
class Buyer:
    """A buyer as the developer knows it: found by ID number, registered when new."""

    real_name: str
    id_number: str
    phone: str


def _owner_for(*, actor: Actor, buyer: Buyer) -> int:
    real_name, id_number, phone = clean_owner_identity(
        real_name=buyer.real_name, id_number=buyer.id_number, phone=buyer.phone
    )
    profile = Profile.objects.filter(id_number=id_number).first()
    if profile is None:
        return register_owner(actor=actor, real_name=real_name, id_number=id_number, phone=phone).pk
    if profile.real_name != real_name:
        raise violation(
            Code.MISMATCH,
            "buyers",
            f"身份证号已登记，但姓名不是“{real_name}”",
            f"this ID number is registered under another name than {real_name}",
        )
    return profile.user_id


@transaction.atomic
def record_sale(
    *,
    actor: Actor,
    unit: Unit,
    sold_on: date,
    buyers: Sequence[Buyer],
    contract_number: str = "",
) -> Sale:
    """销售: a unit to its buyer(s), who become its owners (R-U8 counts on them)."""
    _require_developer(actor, unit.project)
    _lock(unit.project)
    if Sale.objects.filter(unit_id=unit.pk).exists():
        raise violation(Code.ALREADY_RECORDED, "unit", f"{unit} 已售出", f"{unit} is already sold")
    not_in_future("sold_on", sold_on, zh="销售日期", en="the sale date")
    if not buyers:
        raise violation(Code.REQUIRED, "buyers", "至少需要一位买受人", "at least one buyer")
    ids = [b.id_number.strip().upper() for b in buyers]
    if len(set(ids)) != len(ids):
        raise violation(Code.INVALID, "buyers", "买受人身份证号重复", "a buyer is listed twice")
    contract_number = contract_number.strip()
    if len(contract_number) > 64:
        raise violation(
            Code.TOO_LONG, "contract_number", "合同编号过长", "the contract number is too long"
        )
    owner_ids = [_owner_for(actor=actor, buyer=buyer) for buyer in buyers]
    sale = Sale.objects.create(unit=unit, sold_on=sold_on, contract_number=contract_number)
    sale.buyers.set(owner_ids)
    audit.record(
        actor=actor,
        action=AuditAction.RECORD_SALE,
        obj=sale,
        after={
            "unit": unit.pk,
            "sold_on": sold_on,
            "contract_number": contract_number,
            "buyers": owner_ids,
        },
    )
    return sale


# ---------------------------------------------------------------------------------------------
# Bulk import (docs/import.md)


class _Silent:
    """The progress bar of a caller that wants none."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def update(self, n: int = 1) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


Progress = Callable[..., object]  # called as progress(desc=..., total=...), e.g. tqdm


@transaction.atomic
def import_units(
    *,
    actor: Actor,
    project: Project,
    filename: str,
    content: bytes,
    dry_run: bool,
    progress: Progress | None = None,
):
    """批量导入楼栋、房屋、业主和销售: every row is checked in memory first; if any row is bad
    nothing is written and every bad row is reported; a dry run only reports.

    Returns an `idi.projects.imports.ImportReport`. A file that is not a real .xlsx workbook or
    a UTF-8/GB18030 CSV is refused with a RuleViolation on the field "file".
    """
    from idi.projects import imports

    _require_developer(actor, project)
    project = _lock(project)
    progress = progress or _Silent
    table = imports.read_table(filename=filename, content=content)
    plan = imports.plan_import(project=project, table=table, progress=progress)
    report = plan.report(dry_run=dry_run)
    if dry_run or plan.errors:
        return report
    imports.write_plan(plan=plan, progress=progress)
    if report.counts["units"] >= imports.ANALYZE_FROM_UNITS:
        transaction.on_commit(imports.refresh_statistics)
    # One event summarises the whole import, with the file's fingerprint, rather than one event
    # per row: 100,000 chained audit writes would take minutes and bury the log, while the file
    # itself (kept by the developer, matched by the SHA-256) holds every row.
    audit.record(
        actor=actor,
        action=AuditAction.IMPORT_UNITS,
        obj=project,
        after={
            "file": filename,
            "sha256": imports.fingerprint(content),
            **report.counts,
        },
    )
    return report


# ---------------------------------------------------------------------------------------------
# Large imports in the background (docs/import.md)

JOB_PROGRESS_SECONDS = 24 * 3600
# The row errors a failed job keeps: enough to fix a file, never the whole of a bad one.
JOB_ERRORS_KEPT = 200


def runs_in_background(content: bytes) -> bool:
    """A file larger than IDI_IMPORT_BACKGROUND_BYTES is imported by a worker, not the request."""
    return len(content) > settings.IDI_IMPORT_BACKGROUND_BYTES


class JobProgress:
    """The import's progress bar for a job: what it has checked or written so far, in the shared
    cache. The import writes everything in one transaction, so the job row itself cannot show
    progress to others until the end; the cache can."""

    def __init__(self, job: ImportJob) -> None:
        self.key = job.progress_key
        self.phase = ""
        self.done = 0
        self.total = 0
        self.rows = 0

    def __call__(self, *, desc: str, total: int, **_) -> "JobProgress":
        self.phase, self.done, self.total = desc, 0, total
        # The first phase (checking) counts the file's rows: the job's total.
        self.rows = self.rows or total
        self._publish()
        return self

    def update(self, n: int = 1) -> None:
        self.done += n
        self._publish()

    def _publish(self) -> None:
        cache.set(
            self.key,
            {"phase": self.phase, "done": self.done, "total": self.total},
            JOB_PROGRESS_SECONDS,
        )

    def __enter__(self) -> "JobProgress":
        return self

    def __exit__(self, *exc) -> None:
        pass


@transaction.atomic
def queue_import(
    *, actor: Actor, project: Project, filename: str, content: bytes, dry_run: bool = False
) -> ImportJob:
    """A large import, or with `dry_run` the check of one: kept as a queued job that a worker
    runs (idi.projects.tasks.run_import) once this transaction commits, so that the request
    answers at once with the job. Reading a workbook at the size limits takes tens of seconds,
    which no request should hold a worker for."""
    from idi.projects import imports, tasks

    _require_developer(actor, project)
    if actor.user_id is None:
        raise Forbidden("后台导入需以用户身份提交", "a background import is submitted by a user")
    if not content or len(content) > imports.MAX_FILE_BYTES:
        imports.read_table(filename=filename, content=content)  # refuses with its own reason
    job = ImportJob.objects.create(
        project=project,
        organisation_id=actor.organisation_id,
        created_by_id=actor.user_id,
        filename=filename[:255],
        sha256=imports.fingerprint(content),
        size=len(content),
        dry_run=dry_run,
        content=content,
        created_at=clock.now(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.QUEUE_IMPORT,
        obj=job,
        after={
            "project": project.pk,
            "file": job.filename,
            "sha256": job.sha256,
            "size": job.size,
            "dry_run": dry_run,
        },
    )
    transaction.on_commit(lambda: tasks.run_import.delay(job.pk))
    return job


def run_import_job(*, job_id: int) -> ImportJob:
    """The worker's side of a queued import: running, then the same all-or-nothing import as a
    small file (with its own audit event), then done with the counts or failed with the error.
    A job delivered twice runs once."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("created_by").get(pk=job_id)
        if job.state != ImportJobState.QUEUED:
            return job
        job.state = ImportJobState.RUNNING
        job.started_at = clock.now()
        job.save(update_fields=["state", "started_at"])
        actor = actor_for_user(job.created_by)
        audit.record(
            actor=actor, action=AuditAction.START_IMPORT, obj=job, after={"state": "running"}
        )
    progress = JobProgress(job)
    counts, error = None, None
    try:
        report = import_units(
            actor=actor,
            project=job.project,
            filename=job.filename,
            content=bytes(job.content),
            dry_run=job.dry_run,
            progress=progress,
        )
    except (RuleViolation, Forbidden) as exc:
        error = _job_error(exc)
    except Exception:
        # A fault of the platform, not of the file: the job must not stay "running" for ever.
        logger.exception("import job %s failed", job.pk)
        error = {
            "message": "导入时发生内部错误",
            "message_en": "an internal error stopped the import",
        }
    else:
        if report.ok:
            counts = report.counts
        else:
            error = {
                "message": f"{len(report.errors)} 处错误，未导入任何数据",
                "message_en": f"{len(report.errors)} errors; nothing was imported",
                "rows": [
                    {
                        "row": e.row,
                        "column": e.column,
                        "message": e.message_for("zh-hans"),
                        "message_en": e.message_for("en"),
                    }
                    for e in report.errors[:JOB_ERRORS_KEPT]
                ],
            }
    return _finish_job(job.pk, actor, progress, counts=counts, error=error)


def _job_error(exc: RuleViolation | Forbidden) -> dict:
    return {
        "rule": exc.rule,
        "field": exc.field,
        "message": exc.message_for("zh-hans"),
        "message_en": exc.message_for("en"),
    }


@transaction.atomic
def _finish_job(
    job_id: int, actor: Actor, progress: JobProgress, *, counts: dict | None, error: dict | None
) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job_id)
    job.state = ImportJobState.DONE if error is None else ImportJobState.FAILED
    job.result, job.error = counts, error
    job.rows_total = progress.rows
    job.rows_done = progress.rows if error is None else 0
    if not (job.dry_run and error is None):
        job.content = b""
    job.finished_at = clock.now()
    job.save()
    audit.record(
        actor=actor,
        action=AuditAction.FINISH_IMPORT,
        obj=job,
        after={"state": job.state, "counts": counts, "error": error and error["message_en"]},
    )
    transaction.on_commit(lambda: cache.delete(job.progress_key))
    return job


@transaction.atomic
def confirm_import_job(*, actor: Actor, job: ImportJob) -> ImportJob:
    """The uploader confirms a passed check: the same file is queued for import as a new job,
    and the check lets go of it. The import checks every row again (the project may have
    changed since), all or nothing."""
    job = ImportJob.objects.select_for_update().select_related("project").get(pk=job.pk)
    _require_developer(actor, job.project)
    if not (job.dry_run and job.state == ImportJobState.DONE and job.content):
        raise violation(
            Code.INVALID_STATE,
            "job",
            "只有检查通过且尚未确认的文件才能确认导入，请重新上传文件并检查",
            "only a file whose check passed and is not yet confirmed can be imported; upload "
            "and check the file again",
        )
    imported = queue_import(
        actor=actor, project=job.project, filename=job.filename, content=bytes(job.content)
    )
    job.content = b""
    job.save(update_fields=["content"])
    audit.record(
        actor=actor, action=AuditAction.CONFIRM_IMPORT, obj=job, after={"import_job": imported.pk}
    )
    return imported
