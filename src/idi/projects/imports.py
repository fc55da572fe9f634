"""Bulk data of a project: buildings, units, owners and sales from an .xlsx or CSV file, and the
same format back out. The columns are defined here and documented in docs/import.md.

An import is checked completely in memory before anything is written: `plan_import` returns
every bad row (row number, column, why), and `import_writing.write_plan` then writes the whole
plan in batches, inside the caller's transaction (`services.import_units`).
"""

import csv
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import openpyxl

from idi.core import clock, spreadsheets
from idi.core.archives import ZipLimits, count_elements, open_checked
from idi.core.codes import Code
from idi.core.errors import RuleViolation
from idi.parties.models import Profile
from idi.parties.validators import (
    id_number_problem,
    mobile_problem,
    normalise_id_number,
    person_name_problem,
)
from idi.projects.models import (
    Building,
    ConstructionPermit,
    HousingType,
    Project,
    ProjectHousingType,
    Unit,
)
from idi.projects.validators import check_building_housing_type, check_floor, clean_area
from idi.rules.errors import is_english

# Files above this size are refused before reading (about 300,000 rows of CSV).
MAX_FILE_BYTES = 50 * 1024 * 1024
# Refused before parsing, counted on the raw file: twice the 100,000 units measured in
# docs/benchmarks.md. A workbook of 100,000 rows unpacks to about 80 MB of sheet XML, compressed
# about 15 times; a "zip bomb" unpacks to far more, at ratios in the hundreds or thousands.
MAX_ROWS = 200_000
# Cells: 14 columns per row with room to spare, so that a few rows of 16,384 empty cells each
# cannot stand in for many rows.
MAX_CELLS = MAX_ROWS * 30
XLSX_LIMITS = ZipLimits(max_members=200, max_total_bytes=160 * 1024 * 1024, max_ratio=100)
BATCH_SIZE = 2000
# Several buyers of one unit share one cell per column, separated by one of these.
BUYER_SEPARATORS = re.compile(r"[;；、]")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")
YES = frozenset({"是", "y", "yes", "true", "1"})
NO = frozenset({"否", "n", "no", "false", "0", ""})
HOUSING_WORDS = {
    "保障房": HousingType.AFFORDABLE,
    "affordable": HousingType.AFFORDABLE,
    "商品房": HousingType.COMMERCIAL,
    "commercial": HousingType.COMMERCIAL,
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...]
    required: bool = False


COLUMNS = (
    Column("building", "楼栋", ("building",), required=True),
    Column("permit_number", "施工许可证号", ("permit_number", "permit")),
    Column("housing_type", "住房类型", ("housing_type",)),
    Column("fully_decorated", "全装修", ("fully_decorated",)),
    Column("floors_above", "地上层数", ("floors_above",)),
    Column("floors_below", "地下层数", ("floors_below",)),
    Column("room_number", "房号", ("room_number", "room"), required=True),
    Column("floor", "楼层", ("floor",), required=True),
    Column("area", "建筑面积", ("area",), required=True),
    Column("owner_name", "业主姓名", ("owner_name", "owner")),
    Column("id_number", "身份证号", ("id_number",)),
    Column("phone", "手机号", ("phone", "mobile")),
    Column("sold_on", "销售日期", ("sale_date", "sold_on")),
    Column("contract_number", "合同编号", ("contract_number",)),
)
REQUIRED_KEYS = tuple(c.key for c in COLUMNS if c.required)
HEADER = {c.key: c.header for c in COLUMNS}
# The headers a file in English uses (the first alias of each column).
ALIASES = {c.key: c.aliases for c in COLUMNS}
SALE_KEYS = ("owner_name", "id_number", "phone", "sold_on", "contract_number")


def _header_key(text: str) -> str:
    """ "建筑面积（㎡）", " Area (m2) ", "*房号" all name their column."""
    text = text.replace("\ufeff", "").strip().lower().lstrip("*")
    text = re.sub(r"[（(].*?[)）]", "", text)
    return re.sub(r"[\s_\-]+", "_", text).strip("_")


KEY_OF_HEADER = {
    _header_key(name): c.key for c in COLUMNS for name in (c.header, c.key, *c.aliases)
}


@dataclass(frozen=True, order=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str  # the column's Chinese header, or "" for the row as a whole
    message: str
    message_en: str

    def message_for(self, language: str | None) -> str:
        return self.message_en if is_english(language) else self.message


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, cells), blank rows left out


def _file_error(zh: str, en: str) -> RuleViolation:
    return RuleViolation(rule=None, field="file", code=Code.INVALID_FILE, message=zh, message_en=en)


def fingerprint(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- reading: decided by the content, never by the file name ---------------------------------


def read_table(*, filename: str, content: bytes) -> Table:
    """The header and rows of an .xlsx workbook (first sheet) or a CSV file.

    The content decides: a ZIP holding an Excel workbook is read as .xlsx; anything else must be
    text decoding as UTF-8 (with or without BOM) or GB18030 and is read as CSV.
    """
    if not content:
        raise _file_error("文件为空", "the file is empty")
    if len(content) > MAX_FILE_BYTES:
        raise _file_error("文件超过 50 MB", "the file exceeds 50 MB")
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(
            "不支持旧版 Excel (.xls) 文件，请另存为 .xlsx 或 CSV",
            "old Excel (.xls) files are not supported; save as .xlsx or CSV",
        )
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise _file_error(
            "文件扩展名为 .xlsx，但内容不是 Excel 工作簿", "named .xlsx but not an Excel workbook"
        )
    return _read_csv(content)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return spreadsheets.unescape_cell(str(value).strip())


def _table(rows: Iterable[Iterable]) -> Table:
    header: list[str] | None = None
    body: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(rows, start=1):
        cells = [_cell(v) for v in raw]
        if not any(cells):
            continue
        if header is None:
            header = cells
        else:
            body.append((number, cells))
    if header is None:
        raise _file_error("文件中没有表头和数据", "the file has no header and no rows")
    return Table(header=header, rows=body)


def _too_many_rows() -> RuleViolation:
    return RuleViolation(
        rule=None,
        field="file",
        code=Code.FILE_TOO_LARGE,
        message=f"文件超过 {MAX_ROWS:,} 行，请分成几个文件导入",
        message_en=f"the file has more than {MAX_ROWS:,} rows; split it into several files",
    )


def _read_xlsx(content: bytes) -> Table:
    with open_checked(content, limits=XLSX_LIMITS) as archive:
        names = set(archive.namelist())
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise _file_error(
                "压缩文件不是 Excel 工作簿 (.xlsx)", "the ZIP archive is not an Excel workbook"
            )
        for name in names:
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                counted = count_elements(archive, name, {"row": MAX_ROWS + 1, "c": MAX_CELLS})
                if counted["row"] > MAX_ROWS + 1 or counted["c"] > MAX_CELLS:
                    raise _too_many_rows()
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged workbook; all mean "unreadable"
        raise _file_error("无法读取该 Excel 工作簿", "the workbook cannot be read") from None
    try:
        return _table(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def _read_csv(content: bytes) -> Table:
    if b"\x00" in content:
        raise _file_error("文件不是文本 CSV 文件", "the file is not a text CSV file")
    if content.count(b"\n") > MAX_ROWS + 1:
        raise _too_many_rows()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _file_error(
            "CSV 文件须为 UTF-8 或 GB18030（GBK）编码", "a CSV file must be UTF-8 or GB18030 (GBK)"
        )
    try:
        return _table(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise _file_error(f"CSV 格式错误：{exc}", f"malformed CSV: {exc}") from None


# --- planning: every check in memory, nothing written ----------------------------------------


@dataclass
class NewBuilding:
    """A building named in the file but not yet registered; None: no row gave the value."""

    name: str
    row: int
    permit_number: str | None = None
    housing_type: str | None = None
    fully_decorated: bool | None = None
    floors_above: int | None = None
    floors_below: int | None = None
    permit_id: int | None = None


@dataclass
class PlannedUnit:
    row: int
    building: str
    room_number: str
    floor: int
    area: Decimal
    sold_on: date | None = None
    contract_number: str = ""
    buyers: tuple[str, ...] = ()  # ID numbers


@dataclass
class ImportReport:
    dry_run: bool
    errors: list[RowError]
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportPlan:
    project: Project
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    buildings: dict[str, int] = field(default_factory=dict)  # existing: name → id
    new_buildings: dict[str, NewBuilding] = field(default_factory=dict)
    units: list[PlannedUnit] = field(default_factory=list)
    owners: dict[str, int] = field(default_factory=dict)  # existing: ID number → user id
    new_owners: dict[str, tuple[str, str]] = field(default_factory=dict)  # ID → (name, phone)

    def error(self, row: int, key: str, message: str, message_en: str) -> None:
        self.errors.append(RowError(row, HEADER.get(key, key), message, message_en))

    def refusal(self, row: int, key: str, refusal: RuleViolation) -> None:
        """A service check's refusal, reported on the row like the import's own checks."""
        self.error(row, key, refusal.message, refusal.message_en)

    def report(self, *, dry_run: bool) -> ImportReport:
        return ImportReport(
            dry_run=dry_run,
            errors=sorted(self.errors),
            counts={
                "rows": self.rows,
                "buildings": len(self.new_buildings),
                "units": len(self.units),
                "owners": len(self.new_owners),
                "sales": sum(1 for u in self.units if u.buyers),
            },
        )


def _int(value: str) -> int:
    number = Decimal(value)  # accepts "3" and "3.0"; raises on anything else
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


def _date(value: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _header_index(plan: ImportPlan, header: list[str]) -> dict[str, int] | None:
    index: dict[str, int] = {}
    for position, title in enumerate(header):
        if not title:
            continue
        key = KEY_OF_HEADER.get(_header_key(title))
        if key is None:
            plan.errors.append(RowError(1, title, f"未知的列“{title}”", f"unknown column {title}"))
        elif key in index:
            plan.errors.append(RowError(1, title, f"列“{title}”重复", f"column {title} repeats"))
        else:
            index[key] = position
    for key in REQUIRED_KEYS:
        if key not in index:
            english = ALIASES[key][0]
            plan.error(
                1,
                key,
                f"缺少必填列“{HEADER[key]}”，请按导入模板补上该列",
                f"missing the required column {english}; add it as the import template has it",
            )
    return None if plan.errors else index


@dataclass
class _Seen:
    """What the rows read so far, and the database, already hold."""

    rooms: dict[tuple[str, str], int]  # (building, room) → first row
    registered_rooms: set[tuple[str, str]]
    registered_buildings: dict[str, dict]


def _building_fields(plan: ImportPlan, row: int, values: dict[str, str]) -> dict:
    """The optional building columns of one row, parsed; bad values become errors."""
    found: dict = {
        "permit_number": values.get("permit_number") or None,
        "housing_type": None,
        "fully_decorated": None,
        "floors_above": None,
        "floors_below": None,
    }
    housing = values.get("housing_type", "")
    if housing:
        found["housing_type"] = HOUSING_WORDS.get(housing.lower())
        if found["housing_type"] is None:
            plan.error(row, "housing_type", "应为“保障房”或“商品房”", "affordable or commercial")
    decorated = values.get("fully_decorated", "").lower()
    if decorated:
        if decorated in YES:
            found["fully_decorated"] = True
        elif decorated in NO:
            found["fully_decorated"] = False
        else:
            plan.error(row, "fully_decorated", "应为“是”或“否”", "yes or no")
    for key in ("floors_above", "floors_below"):
        if values.get(key):
            try:
                found[key] = _int(values[key])
            except (ValueError, ArithmeticError):
                plan.error(row, key, "应为整数", "must be a whole number")
                continue
            if found[key] < (1 if key == "floors_above" else 0):
                plan.error(row, key, "层数无效", "invalid number of floors")
    return found


def _sale_fields(plan: ImportPlan, row: int, values: dict[str, str], unit: PlannedUnit) -> None:
    if not any(values.get(key) for key in SALE_KEYS):
        return
    names = [n.strip() for n in BUYER_SEPARATORS.split(values.get("owner_name", ""))]
    ids = [normalise_id_number(n) for n in BUYER_SEPARATORS.split(values.get("id_number", ""))]
    phones = [p.strip() for p in BUYER_SEPARATORS.split(values.get("phone", ""))]
    bad = False
    for key, items in (("owner_name", names), ("id_number", ids), ("phone", phones)):
        if not all(items):
            plan.error(row, key, "已售房屋须填写业主信息", "required for a sold unit")
            bad = True
    if not bad and not len(names) == len(ids) == len(phones):
        plan.error(
            row, "owner_name", "业主姓名、身份证号、手机号的人数不一致", "buyer counts differ"
        )
        bad = True
    if not bad and len(set(ids)) != len(ids):
        plan.error(row, "id_number", "同一房屋的买受人重复", "a buyer is listed twice")
        bad = True
    if not bad:
        for name, number, phone in zip(names, ids, phones, strict=True):
            problem = id_number_problem(number)
            if problem:
                plan.error(row, "id_number", *problem)
                bad = True
                continue
            problem = mobile_problem(phone)
            if problem:
                plan.error(row, "phone", *problem)
                bad = True
            if len(name) > 100:
                plan.error(row, "owner_name", "姓名过长", "the name is too long")
                bad = True
            problem = person_name_problem(name)
            if problem:
                plan.error(row, "owner_name", *problem)
                bad = True
            known = plan.new_owners.get(number)
            if known is None:
                plan.new_owners[number] = (name, phone)
            elif known[0] != name:
                plan.error(
                    row,
                    "owner_name",
                    f"同一身份证号对应不同姓名（{known[0]}）",
                    "one ID number, two names",
                )
                bad = True
    sold = values.get("sold_on", "")
    if not sold:
        plan.error(row, "sold_on", "已售房屋须填写销售日期", "required for a sold unit")
        bad = True
    else:
        try:
            unit.sold_on = _date(sold)
        except ValueError:
            plan.error(row, "sold_on", "日期格式应为 2025-06-30", "use a date like 2025-06-30")
            bad = True
        else:
            if unit.sold_on > clock.today():
                plan.error(row, "sold_on", "销售日期不能晚于今天", "cannot be in the future")
                bad = True
    contract = values.get("contract_number", "")
    if len(contract) > 64:
        plan.error(row, "contract_number", "合同编号过长", "too long")
        bad = True
    if not bad:
        unit.contract_number = contract
        unit.buyers = tuple(ids)


def _plan_row(plan: ImportPlan, row: int, values: dict[str, str], seen: _Seen) -> None:
    errors_before = len(plan.errors)
    building = values.get("building", "")
    room = values.get("room_number", "")
    if not building:
        plan.error(row, "building", "必填", "required")
    elif len(building) > 64:
        plan.error(row, "building", "不能超过 64 个字符", "at most 64 characters")
    if not room:
        plan.error(row, "room_number", "必填", "required")
    elif len(room) > 32:
        plan.error(row, "room_number", "不能超过 32 个字符", "at most 32 characters")
    floor = 0
    try:
        floor = _int(values.get("floor", ""))
    except (ValueError, ArithmeticError):
        plan.error(row, "floor", "应为整数", "must be a whole number")
    area = Decimal(0)
    try:
        area = clean_area(values.get("area", ""))
    except RuleViolation as exc:
        plan.refusal(row, "area", exc)
    fields = _building_fields(plan, row, values)
    if building and room:
        first = seen.rooms.get((building, room))
        if first is not None:
            plan.error(row, "room_number", f"与第 {first} 行重复", f"repeats row {first}")
        elif (building, room) in seen.registered_rooms:
            plan.error(row, "room_number", "该房号已登记", "this room is already registered")
        else:
            seen.rooms[(building, room)] = row
    if building and building not in plan.buildings:
        spec = plan.new_buildings.setdefault(building, NewBuilding(name=building, row=row))
        for key, value in fields.items():
            if value is None:
                continue
            if getattr(spec, key) is None:
                setattr(spec, key, value)
            elif getattr(spec, key) != value:
                plan.error(
                    row,
                    key,
                    f"同一楼栋各行填写不一致（{getattr(spec, key)} 与 {value}）",
                    "differs between rows of one building",
                )
    elif building:
        existing = seen.registered_buildings[building]
        for key, value in fields.items():
            if value is not None and value != existing[key]:
                plan.error(
                    row,
                    key,
                    f"与已登记的楼栋不一致（{existing[key]}）",
                    "differs from the registered building",
                )
    unit = PlannedUnit(row=row, building=building, room_number=room, floor=floor, area=area)
    _sale_fields(plan, row, values, unit)
    if len(plan.errors) == errors_before:
        plan.units.append(unit)


def _finish_buildings(plan: ImportPlan, permits: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Complete the new buildings from their units; returns every building's floor range."""
    floors: dict[str, tuple[int, int]] = {}
    highest: dict[str, int] = {}
    lowest: dict[str, int] = {}
    for unit in plan.units:
        highest[unit.building] = max(highest.get(unit.building, 1), unit.floor)
        lowest[unit.building] = min(lowest.get(unit.building, 0), unit.floor)
    for spec in plan.new_buildings.values():
        if not spec.permit_number:
            plan.error(
                spec.row, "permit_number", "新楼栋须填写施工许可证号", "required for a new building"
            )
        elif spec.permit_number not in permits:
            plan.error(
                spec.row,
                "permit_number",
                f"本项目没有施工许可证 {spec.permit_number}",
                "not a permit of this project",
            )
        else:
            spec.permit_id = permits[spec.permit_number]
        if not spec.housing_type:
            if plan.project.housing_type == ProjectHousingType.MIXED:
                plan.error(
                    spec.row, "housing_type", "混合项目须填写", "required in a mixed project"
                )
            else:
                spec.housing_type = plan.project.housing_type
        if spec.housing_type:
            try:
                check_building_housing_type(project=plan.project, housing_type=spec.housing_type)
            except RuleViolation as exc:
                plan.refusal(spec.row, "housing_type", exc)
        spec.fully_decorated = bool(spec.fully_decorated)
        if spec.floors_above is None:
            spec.floors_above = highest.get(spec.name, 1)
        if spec.floors_below is None:
            spec.floors_below = -lowest.get(spec.name, 0)
        floors[spec.name] = (spec.floors_above, spec.floors_below)
    return floors


def plan_import(*, project: Project, table: Table, progress) -> ImportPlan:
    """Every check of docs/import.md, in memory; the plan lists what to write or what is wrong."""
    plan = ImportPlan(project=project, rows=len(table.rows))
    index = _header_index(plan, table.header)
    if index is None:
        return plan
    if not table.rows:
        plan.errors.append(RowError(2, "", "文件中没有数据行", "the file has no rows"))
        return plan
    existing_buildings = {
        b["name"]: {
            "id": b["id"],
            "permit_number": b["permit__number"],
            "housing_type": b["housing_type"],
            "fully_decorated": b["fully_decorated"],
            "floors_above": b["floors_above"],
            "floors_below": b["floors_below"],
        }
        for b in Building.objects.filter(project=project).values(
            "id",
            "name",
            "permit__number",
            "housing_type",
            "fully_decorated",
            "floors_above",
            "floors_below",
        )
    }
    plan.buildings = {name: b["id"] for name, b in existing_buildings.items()}
    seen = _Seen(
        rooms={},
        registered_rooms=set(
            Unit.objects.filter(project=project).values_list("building__name", "room_number")
        ),
        registered_buildings=existing_buildings,
    )
    positions = list(index.items())
    with progress(desc="校验 / checking", total=len(table.rows), unit="行") as bar:
        for count, (row, cells) in enumerate(table.rows, start=1):
            width = len(cells)
            values = {key: cells[at] if at < width else "" for key, at in positions}
            _plan_row(plan, row, values, seen)
            if count % 5000 == 0:
                bar.update(5000)
        bar.update(len(table.rows) % 5000)

    permits = dict(ConstructionPermit.objects.filter(project=project).values_list("number", "id"))
    floors = _finish_buildings(plan, permits)
    for name, b in existing_buildings.items():
        floors[name] = (b["floors_above"], b["floors_below"])
    for unit in plan.units:
        above, below = floors[unit.building]
        try:
            check_floor(floor=unit.floor, floors_above=above, floors_below=below)
        except RuleViolation as exc:
            plan.refusal(unit.row, "floor", exc)
    _match_known_owners(plan)
    return plan


def _match_known_owners(plan: ImportPlan) -> None:
    """Buyers already registered are reused, provided the name matches the registered one."""
    numbers = list(plan.new_owners)
    first_row: dict[str, int] = {}
    for unit in plan.units:
        for number in unit.buyers:
            first_row.setdefault(number, unit.row)
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        for user_id, number, name in Profile.objects.filter(id_number__in=chunk).values_list(
            "user_id", "id_number", "real_name"
        ):
            if plan.new_owners[number][0] != name:
                plan.error(
                    first_row.get(number, 2),
                    "owner_name",
                    "身份证号已登记，但姓名不一致",
                    "registered under another name",
                )
            plan.owners[number] = user_id
            del plan.new_owners[number]


# --- export: the same columns, so that an export can be read back ----------------------------


def export_header() -> list[str]:
    return [c.header for c in COLUMNS]


def write_csv(rows: Iterable[list]) -> bytes:
    return spreadsheets.write_csv(export_header(), rows)


def write_xlsx(rows: Iterable[list]) -> bytes:
    # Every value is a str: ID numbers stay text, never a float.
    return spreadsheets.write_xlsx("房屋 units", export_header(), rows)
