"""Filling in the spreadsheet template as a school would, with openpyxl, from a CTF's pupils."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from keystage.codesets import Codeset
from keystage.ctf.model import Pupil
from keystage.template.layout import columns

Change = Callable[[Worksheet], None]


def cell_value(text: str | None) -> object:
    """What a school types: marks and numeric codes as numbers, the rest as text."""
    if text is not None and text.isdigit():
        return int(text)
    return text


def fill(
    template: bytes,
    pupils: Iterable[Pupil],
    collection: str,
    codeset: Codeset,
    change: Change | None = None,
) -> bytes:
    """The template with one row per pupil (from row 2), then `change` applied to the sheet."""
    book = load_workbook(io.BytesIO(template))
    sheet = book["Pupils"]
    layout = columns(collection, codeset)
    for row, pupil in enumerate(pupils, start=2):
        born = pupil.dob_date
        identity = (pupil.upn, pupil.surname, pupil.forename, born, pupil.sex, pupil.nc_year)
        for number, value in enumerate(identity, start=1):
            sheet.cell(row, number, cell_value(value) if isinstance(value, str) else value)
        for column in layout:
            if column.kind is None:
                continue
            for a in pupil.assessments:
                if a.key == column.kind.key and a.year == column.year:
                    sheet.cell(row, column.number, cell_value(a.result))
    if change is not None:
        change(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def identity(pupil: Pupil) -> tuple[object, ...]:
    """What a template carries of a pupil, to compare with the CTF it was filled from."""
    results = sorted(
        (a.key, a.result, a.year, a.locale, a.result_status) for a in pupil.assessments
    )
    return (pupil.upn, pupil.surname, pupil.forename, pupil.dob, pupil.sex, pupil.nc_year, results)
