"""Hostile spreadsheets: formula injection through an import and out through an export, and
import bombs (docs/import.md, "Limits")."""

import csv
import io
import zipfile

import openpyxl
import pytest
from parties_helpers import make_id_number
from projects_helpers import api
from test_import import HEADER, counts, csv_bytes, run

from idi.core.errors import RuleViolation
from idi.parties import services as party_services
from idi.projects import imports, selectors

pytestmark = pytest.mark.django_db

FORMULA = "=cmd|' /C calc'!A0"


def _hostile_rows(world):
    permit = world.a.permit.number
    return [
        ["2幢", permit, FORMULA, "1", "90", "", "", "", "", ""],
        ["2幢", permit, "-1+cmd", "-1", "90", "", "", "", "", ""],
        [
            "2幢",
            permit,
            "102",
            "1",
            "90",
            "李雷",
            make_id_number(7),
            "13812340000",
            "2025-08-01",
            "@SUM(A1:A9)",
        ],
    ]


def _export(world, fmt: str) -> bytes:
    rows = selectors.export_rows(actor=world.dev_a.actor, project=world.a.project)
    return imports.write_xlsx(rows) if fmt == "xlsx" else imports.write_csv(rows)


def test_csv_export_escapes_formula_cells(world):
    """A room or contract number that starts with = + - @ leaves a CSV export as text: prefixed
    with an apostrophe, while a plain negative floor stays a number."""
    assert run(world, csv_bytes(_hostile_rows(world))).ok
    text = _export(world, "csv").decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + FORMULA in cells
    assert "'-1+cmd" in cells
    assert "'@SUM(A1:A9)" in cells
    assert "-1" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and c != "-1")]


def test_csv_export_reads_back_unchanged(world):
    """The apostrophe is the export's, not the data's: re-reading the export gives the text."""
    assert run(world, csv_bytes(_hostile_rows(world))).ok
    table = imports.read_table(filename="x.csv", content=_export(world, "csv"))
    rooms = {cells[6] for _, cells in table.rows}
    assert {FORMULA, "-1+cmd"} <= rooms


def test_xlsx_export_holds_no_formula(world):
    """In .xlsx the same cells are text cells with Excel's quote prefix: no <f> element, and the
    text is kept exactly."""
    assert run(world, csv_bytes(_hostile_rows(world))).ok
    content = _export(world, "xlsx")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    values = {c.value: c for row in workbook.active.iter_rows() for c in row}
    assert values[FORMULA].data_type == "s" and values[FORMULA].quotePrefix
    assert values["@SUM(A1:A9)"].quotePrefix


def test_api_and_page_exports_escape(world):
    assert run(world, csv_bytes(_hostile_rows(world))).ok
    client = api(world.dev_a.user)
    body = client.get(f"/api/v1/projects/{world.a.project.pk}/units/export?format=csv").content
    assert ("'" + FORMULA).encode() in body or ("\"'" + FORMULA).encode() in body
    assert f",{FORMULA}".encode() not in body


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@A1", "张\x07三"])
def test_import_refuses_a_formula_as_owner_name(world, name):
    """A person's name cannot start with = + - @ or hold a control character: the row is bad,
    the column named, nothing written."""
    before = counts()
    rows = [
        [
            "2幢",
            world.a.permit.number,
            "102",
            "1",
            "90",
            name,
            make_id_number(8),
            "13812340001",
            "2025-08-01",
            "",
        ]
    ]
    report = run(world, csv_bytes(rows, header=HEADER))
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(2, "业主姓名")]
    assert counts() == before


def test_services_refuse_a_formula_as_a_persons_name(world):
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        party_services.register_owner(
            actor=world.dev_a.actor,
            real_name="=1+2",
            id_number=make_id_number(9),
            phone="13812340002",
        )
    assert refused.value.field == "real_name"
    assert counts() == before


# --- import bombs: refused from the archive's numbers, before any parser reads the sheet -------

WORKBOOK = (
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>'
)


def _xlsx(sheet: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def _sheet(rows: bytes) -> bytes:
    return b"<worksheet><sheetData>" + rows + b"</sheetData></worksheet>"


def _refused(world, content, name="bomb.xlsx"):
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        run(world, content, name=name)
    assert refused.value.field == "file"
    assert refused.value.code == "file_too_large"
    assert counts() == before
    return refused.value


def test_ratio_bomb_is_refused_before_parsing(world):
    """64 MB of sheet XML in about 64 KB: the compression ratio alone refuses it."""
    content = _xlsx(_sheet(b" " * (64 * 1024 * 1024)))
    assert len(content) < 200_000
    assert "压缩比" in _refused(world, content).message


def test_archive_that_lies_about_sizes_is_refused(world):
    """Declared sizes of 100 bytes for a member that holds 8 MB: the real size counts."""
    content = bytearray(_xlsx(_sheet(b"<row/>" * (8 * 1024 * 1024 // 6))))
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        member = archive.getinfo("xl/worksheets/sheet1.xml")
    struct_at = member.header_offset + 22  # local header: uncompressed size
    content[struct_at : struct_at + 4] = (100).to_bytes(4, "little")
    central = content.find(b"xl/worksheets/sheet1.xml", content.find(b"PK\x01\x02")) - 46
    content[central + 24 : central + 28] = (100).to_bytes(4, "little")
    before = counts()
    with pytest.raises(RuleViolation) as refused:
        run(world, bytes(content), name="liar.xlsx")
    assert refused.value.field == "file"
    assert counts() == before


def test_too_many_rows_is_refused_before_parsing(world):
    """250,000 empty rows (a few MB unpacked) are more than MAX_ROWS: refused by counting."""
    rows = b"".join(b'<row r="%d"/>' % n for n in range(1, 250_001))
    content = _xlsx(_sheet(rows))
    assert "行" in _refused(world, content).message


def test_too_many_cells_is_refused(world, monkeypatch):
    monkeypatch.setattr(imports, "MAX_CELLS", 1000)
    rows = b'<row r="1">' + b"".join(b'<c r="A%d"/>' % n for n in range(2000)) + b"</row>"
    _refused(world, _xlsx(_sheet(rows)))


def test_unpacked_size_cap(world, monkeypatch):
    monkeypatch.setattr(
        imports, "XLSX_LIMITS", imports.XLSX_LIMITS.__class__(200, 1024 * 1024, 100)
    )
    rows = b"".join(
        b'<row r="%d"><c t="inlineStr"><is><t>%d</t></is></c></row>' % (n, n * 7919)
        for n in range(1, 40_000)
    )
    assert "解压后超过 1 MB" in _refused(world, _xlsx(_sheet(rows))).message


def test_csv_with_too_many_rows_is_refused(world, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 10)
    content = csv_bytes(
        [["1幢", "", str(100 + n), "1", "90", "", "", "", "", ""] for n in range(20)]
    )
    _refused(world, content, name="many.csv")
