"""Every spreadsheet the platform hands out (.xlsx and CSV) is written here.

Text that a spreadsheet program would take for a formula (`=cmd|' /C calc'!A0`, `@SUM(...)`,
`+1+cmd...`) must never become one on the reader's machine, whatever an importer or a user typed
(CWE-1236, OWASP "CSV injection"). Exporters therefore never build a workbook or a CSV file
themselves: they pass a header and rows to `write_csv` / `write_xlsx`.

- CSV: a cell that starts with one of FORMULA_STARTS is prefixed with an apostrophe, which Excel,
  LibreOffice and WPS show as text. A plain number such as `-1` (a basement floor) stays as it is.
- .xlsx: such a cell is written as a text cell carrying Excel's own "quote prefix" flag, the form
  Excel stores when a user types `'=...`: the text is kept exactly and never evaluated.
"""

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")
CSV_ESCAPE = "'"


def formula_like(text: str) -> bool:
    """True when a spreadsheet program could read the text as a formula."""
    return text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text)


def csv_cell(value: Any) -> Any:
    if isinstance(value, str) and formula_like(value):
        return CSV_ESCAPE + value
    return value


def unescape_cell(text: str) -> str:
    """What an exported cell held before `csv_cell`, so that an export reads back unchanged."""
    if text.startswith(CSV_ESCAPE) and formula_like(text[1:]):
        return text[1:]
    return text


def write_csv(header: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """UTF-8 with a BOM, which Excel needs to open Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(v) for v in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(title: str, header: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title)

    def cells(values: Iterable[Any]) -> list[Any]:
        out: list[Any] = []
        for value in values:
            if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                # openpyxl would store "=..." as a formula: force a text cell instead.
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                cell.quotePrefix = True
                out.append(cell)
            else:
                out.append(value)
        return out

    sheet.append(cells(header))
    for row in rows:
        sheet.append(cells(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
