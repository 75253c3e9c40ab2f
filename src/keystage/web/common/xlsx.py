"""Spreadsheet exports: a minimal XLSX writer from the standard library (CSV files are written
by keystage.exports.safe_csv).

    body = workbook({"Schools": [["LAESTAB", "Pupils"], ["3302001", 41]]})

Numbers (int and float, not bool) are written as numbers, None as a blank cell, anything
else as inline text (an inline string is never read as a formula).
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters XML 1.0 cannot carry at all: dropped rather than making the file unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def workbook(sheets: Mapping[str, Sequence[Sequence[object]]]) -> bytes:
    """A workbook of one sheet per entry, in order; sheet names made valid for Excel."""
    titles = _titles(list(sheets) or ["Sheet1"])
    contents = list(sheets.values()) or [[]]
    parts = {
        "[Content_Types].xml": _content_types(len(titles)),
        "_rels/.rels": _rels([("officeDocument", "xl/workbook.xml")]),
        "xl/_rels/workbook.xml.rels": _rels(
            [("worksheet", f"worksheets/sheet{n}.xml") for n in range(1, len(titles) + 1)]
        ),
        "xl/workbook.xml": (
            f'{_XML}<workbook xmlns="{_SHEET_NS}" xmlns:r="{_REL_NS}"><sheets>'
            + "".join(
                f'<sheet name="{escape(t, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
                for n, t in enumerate(titles, start=1)
            )
            + "</sheets></workbook>"
        ),
    }
    for n, rows in enumerate(contents, start=1):
        parts[f"xl/worksheets/sheet{n}.xml"] = _sheet(rows)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():
            book.writestr(name, text)
    return out.getvalue()


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


def _content_types(sheets: int) -> str:
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{kind}.worksheet+xml"/>'
        for n in range(1, sheets + 1)
    )
    return (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.sheet.main+xml"/>'
        f"{overrides}</Types>"
    )


def _rels(targets: list[tuple[str, str]]) -> str:
    return (
        f'{_XML}<Relationships xmlns="{_PKG_NS}">'
        + "".join(
            f'<Relationship Id="rId{n}" Type="{_REL_NS}/{kind}" Target="{target}"/>'
            for n, (kind, target) in enumerate(targets, start=1)
        )
        + "</Relationships>"
    )


def _sheet(rows: Sequence[Sequence[object]]) -> str:
    lines = [f'{_XML}<worksheet xmlns="{_SHEET_NS}"><sheetData>']
    for number, row in enumerate(rows, start=1):
        cells = [_cell(f"{_column(i)}{number}", v) for i, v in enumerate(row) if v is not None]
        lines.append(f'<row r="{number}">{"".join(cells)}</row>')
    lines.append("</sheetData></worksheet>")
    return "".join(lines)


def _cell(ref: str, value: object) -> str:
    # NaN and infinity are no number a spreadsheet can hold: written as text.
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    text = escape(_NOT_XML.sub("", str(value)))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _column(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name
