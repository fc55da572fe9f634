"""Checks shared by the one-at-a-time services and the bulk import of projects data."""

from datetime import date
from decimal import Decimal, InvalidOperation

from idi.core import clock
from idi.core.errors import RuleViolation
from idi.core.formats import in_language
from idi.projects.codes import Code
from idi.projects.models import HousingType, Project, ProjectHousingType


def violation(code: Code, field: str, zh: str, en: str) -> RuleViolation:
    return RuleViolation(rule=None, field=field, code=code, message=zh, message_en=en)


def not_in_future(field: str, value: date, *, zh: str, en: str) -> date:
    if value > clock.today():
        raise violation(Code.IN_FUTURE, field, f"{zh}不能晚于今天", f"{en} cannot be in the future")
    return value


def text(field: str, value: str, *, max_length: int, zh: str, en: str) -> str:
    value = value.strip()
    if not value:
        raise violation(Code.REQUIRED, field, f"{zh}不能为空", f"{en} is required")
    if len(value) > max_length:
        raise violation(
            Code.TOO_LONG,
            field,
            f"{zh}不能超过 {max_length} 个字符",
            f"{en} exceeds {max_length} characters",
        )
    return value


def check_building_housing_type(*, project: Project, housing_type: str) -> None:
    """A building's housing type is its project's, unless the project is mixed."""
    if housing_type not in HousingType.values:
        raise violation(
            Code.INVALID_CHOICE,
            "housing_type",
            "楼栋住房类型应为保障房或商品房",
            "unknown housing type",
        )
    if project.housing_type != ProjectHousingType.MIXED and housing_type != project.housing_type:
        label = ProjectHousingType(project.housing_type).label
        raise violation(
            Code.INVALID,
            "housing_type",
            f"楼栋住房类型须与项目一致（{in_language(label, 'zh-hans')}），混合项目除外",
            f"a building's housing type must be the project's "
            f"({in_language(label, 'en').lower()}) "
            "unless the project is mixed",
        )


def clean_area(value) -> Decimal:
    try:
        area = Decimal(str(value).strip())
    except InvalidOperation:
        raise violation(
            Code.INVALID, "area", "建筑面积应为数字", "the area must be a number"
        ) from None
    if not area.is_finite() or area <= 0:
        raise violation(
            Code.OUT_OF_RANGE, "area", "建筑面积应大于 0", "the area must be greater than 0"
        )
    if area != area.quantize(Decimal("0.01")):
        raise violation(Code.INVALID, "area", "建筑面积最多两位小数", "at most two decimals")
    if area >= Decimal("10000000"):
        raise violation(Code.OUT_OF_RANGE, "area", "建筑面积过大", "the area is too large")
    return area.quantize(Decimal("0.01"))


def check_floor(*, floor: int, floors_above: int, floors_below: int) -> None:
    if floor == 0 or floor > floors_above or floor < -floors_below:
        raise violation(
            Code.OUT_OF_RANGE,
            "floor",
            f"楼层应在 -{floors_below} 到 {floors_above} 之间且不为 0",
            f"the floor must be between -{floors_below} and {floors_above}, not 0",
        )
