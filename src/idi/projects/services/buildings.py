"""Buildings, their delivery, and units."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from idi.core import audit, formats
from idi.core.permissions import Actor
from idi.projects.codes import AuditAction, Code
from idi.projects.models import (
    Building,
    ConstructionPermit,
    Project,
    ProjectHousingType,
    Unit,
)
from idi.projects.services._common import (
    _lock,
    _require_developer,
)
from idi.projects.validators import (
    check_building_housing_type,
    check_floor,
    clean_area,
    not_in_future,
    text,
    violation,
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
