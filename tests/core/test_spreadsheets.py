"""Spreadsheet formula injection (CWE-1236): every export goes through core.spreadsheets."""

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest

import idi
from idi.core import spreadsheets

SRC = Path(idi.__file__).resolve().parent
# Writers of spreadsheets that are not exports: the demo builds the file it then imports.
NOT_EXPORTS = {"projects/demo.py"}


def test_no_module_but_core_spreadsheets_writes_a_spreadsheet():
    """Exporters written later use the one escaping helper instead of csv/openpyxl directly."""
    writers = re.compile(r"csv\.(writer|DictWriter)\(|openpyxl\.Workbook\(|\.to_excel\(|\.to_csv\(")
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if writers.search(path.read_text(encoding="utf-8"))
        and str(path.relative_to(SRC)) not in NOT_EXPORTS | {"core/spreadsheets.py"}
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("=1+2", "'=1+2"),
        ("+1+cmd", "'+1+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-1", "-1"),
        ("+86", "+86"),
        ("3.5", "3.5"),
        ("张三", "张三"),
        ("a=b", "a=b"),
    ],
)
def test_csv_cells_that_start_a_formula_are_escaped(value, escaped):
    text = spreadsheets.write_csv(["h"], [[value]]).decode("utf-8-sig")
    assert next(iter(csv.reader(io.StringIO(text[text.index("\n") + 1 :], newline="")))) == [
        escaped
    ]
    assert spreadsheets.unescape_cell(escaped) == value


def test_xlsx_never_holds_a_formula():
    content = spreadsheets.write_xlsx("s", ["=h", "b", "c", "d"], [["=1+2", "@x", "-1", 3]])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert [c.value for c in cells] == ["=h", "b", "c", "d", "=1+2", "@x", "-1", 3]
    assert all(c.data_type != "f" for c in cells)
