"""Spreadsheet exports: XLSX through openpyxl's write-only mode (CSV files are written by
keystage.exports.safe_csv). It streams each sheet's rows through a temporary file (private to
the process's user, removed when the workbook is saved, and at exit if writing failed; the
systemd units give each service its own /tmp) rather than holding them all in memory.

    body = workbook({"Schools": [["LAESTAB", "Pupils"], ["3302001", 41]]})

Numbers (int and float, not bool) are written as numbers, None as a blank cell, anything else
as text (cut at Excel's 32,767 characters a cell). Every cell's type is set here, never guessed
by openpyxl: it would take a string that starts with "=" for a formula (and "#N/A" for an
error), so a school's name or a pupil's could run in the data team's Excel. A text cell is an
inline string, which Excel never evaluates.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Characters XML 1.0 cannot carry at all: dropped rather than making the file unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def workbook(sheets: Mapping[str, Sequence[Sequence[object]]]) -> bytes:
    """A workbook of one sheet per entry, in order; sheet names made valid for Excel."""
    # Imported on the first export, not with the module: openpyxl takes about 0.26 s to import
    # (benchmarks/xlsx.py), which a web process that never exports should not pay at start-up.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    titles = _titles(list(sheets) or ["Sheet1"])
    for title, rows in zip(titles, list(sheets.values()) or [[]], strict=True):
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append([_cell(WriteOnlyCell, sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(make: Callable[..., Cell], sheet: WriteOnlyWorksheet, value: object) -> Cell | None:
    if value is None:
        return None
    # NaN and infinity are no number a spreadsheet can hold: written as text.
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        cell = make(sheet, value)
        cell.data_type = "n"
        return cell
    cell = make(sheet, _NOT_XML.sub("", str(value)))
    cell.data_type = "s"  # after the value: setting one makes openpyxl guess its type
    return cell


def _titles(names: list[str]) -> list[str]:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique whatever the case."""
    titles: list[str] = []
    for name in names:
        base = _NOT_XML.sub("", re.sub(r"[\[\]:*?/\\]", " ", name)).strip()[:31] or "Sheet"
        title, n = base, 1
        while title.casefold() in {t.casefold() for t in titles}:
            n += 1
            title = f"{base[: 31 - len(str(n)) - 1]} {n}"
        titles.append(title)
    return titles
